// allocator_fork_test.cc: the forking-server pattern. A master (nginx, say)
// builds its keys in the arena and forks workers: live blocks must be intact
// and usable in the child, and no freed secret may be inherited. Forking
// while other threads use the allocator must not deadlock the child.

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_residue.h"
#include "tests/support/child_process.h"

namespace secret_test {
namespace {

class AllocatorForkTest : public ::testing::Test {
 protected:
  void SetUp() override { NewTestSecret(); }
};

TEST_F(AllocatorForkTest, ChildKeepsLiveBlocksAndInheritsNoFreedSecret) {
  // The master's long-lived key, and a temporary copy freed before the fork.
  uint8_t* key = static_cast<uint8_t*>(secret_malloc(kSecretSize));
  memcpy(key, TestSecret(), kSecretSize);
  secret::Do([] {
    uint8_t* temporary = static_cast<uint8_t*>(malloc(kSecretSize));
    memcpy(temporary, TestSecret(), kSecretSize);
    asm volatile("" : : "r"(temporary) : "memory");
    free(temporary);
  });

  ChildProcess child([key](ChildChannel& ch) {
    // The worker uses the key: intact, resizable, freeable.
    bool ok = memcmp(key, TestSecret(), kSecretSize) == 0;
    uint8_t* grown = static_cast<uint8_t*>(secret_realloc(key, 5000));
    ok = ok && grown != nullptr && memcmp(grown, TestSecret(), kSecretSize) == 0;
    void* fresh = nullptr;
    secret::Do([&] { fresh = malloc(300); });
    ok = ok && secret_is_arena_block(fresh);
    free(fresh);
    ch.Send(ok ? "using the key" : "key damaged");
    ch.Receive();
    secret_free(grown);
    ch.Send("freed the key");
    ch.Receive();
  });
  ASSERT_TRUE(child.ok()) << child.error();
  ASSERT_EQ(child.Receive().value_or(""), "using the key");

  // One copy in the child: the live key. The freed temporary left none.
  const Residue live = FindResidueInProcess(child.pid());
  EXPECT_GT(live.bytes_scanned, 0u);
  EXPECT_EQ(live.whole.size(), 1u) << live.Describe();

  ASSERT_TRUE(child.Send("free it"));
  ASSERT_EQ(child.Receive().value_or(""), "freed the key");
  const Residue freed = FindResidueInProcess(child.pid());
  EXPECT_TRUE(freed.empty()) << freed.Describe();
  secret_free(key);
}

// Other threads allocate and free (small blocks and large runs) while the
// main thread forks; every child must be able to allocate at once.
TEST_F(AllocatorForkTest, ForkWhileOtherThreadsAllocateDoesNotDeadlock) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t) {
    workers.emplace_back([&stop, t] {
      secret::Do([&] {
        while (!stop.load(std::memory_order_relaxed)) {
          void* small = malloc(64 + t);
          void* large = malloc(20000 + t);
          free(small);
          free(large);
        }
      });
    });
  }
  for (int round = 0; round < 30; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      alarm(10);  // a deadlock ends as SIGALRM
      void* a = secret_malloc(64);
      void* b = secret_malloc(20000);
      void* c = nullptr;
      secret::Do([&] { c = malloc(128); });
      const bool ok = a != nullptr && b != nullptr && secret_is_arena_block(c);
      secret_free(a);
      secret_free(b);
      free(c);
      _exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal "
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    ASSERT_EQ(WEXITSTATUS(status), 0);
  }
  stop.store(true);
  for (std::thread& t : workers) t.join();
}

}  // namespace
}  // namespace secret_test
