// thread_inheritance_test.cc: threads started inside Do run in secret mode
// and leave nothing; pthread_exit inside Do is erased at thread exit; fork
// inside Do fails with EPERM.

#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

class ThreadInheritanceTest : public ::testing::Test {
 protected:
  void SetUp() override { NewTestSecret(); }
};

// Proof: a thread that holds the secret without Do leaves it on its stack
// (glibc keeps exited threads' stacks for reuse).
TEST_F(ThreadInheritanceTest, PlainThreadLeavesSecret) {
  std::thread t([] { g_sink = HoldInLocals(TestSecret()); });
  t.join();
  EXPECT_FALSE(FindResidueInSelf().empty());
}

TEST_F(ThreadInheritanceTest, ThreadStartedInDoRunsInSecretMode) {
  bool enabled_in_thread = false;
  uint64_t calls_in_thread = 0;
  secret::Do([&] {
    std::thread t([&] {
      enabled_in_thread = secret::Enabled();
      g_sink = HoldInLocals(TestSecret());
      calls_in_thread = secret::GetThreadStats().calls;
    });
    t.join();
  });
  EXPECT_TRUE(enabled_in_thread);
  EXPECT_EQ(calls_in_thread, 1u);
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(ThreadInheritanceTest, ThreadStartedOutsideDoIsPlain) {
  bool enabled_in_thread = true;
  std::thread t([&] { enabled_in_thread = secret::Enabled(); });
  t.join();
  EXPECT_FALSE(enabled_in_thread);
}

void* ExitWithSecret(void*) {
  g_sink = HoldInLocals(TestSecret());
  pthread_exit(nullptr);
}

// Go's Goexit: the call never returns to Do; the thread's exit erases it.
TEST_F(ThreadInheritanceTest, PthreadExitInsideDoIsErasedAtThreadExit) {
  std::thread t([] {
    secret::Do([] { ExitWithSecret(nullptr); });
    ADD_FAILURE() << "pthread_exit returned";
  });
  t.join();
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(ThreadInheritanceTest, PthreadExitInInheritedThreadIsErased) {
  secret::Do([] {
    pthread_t thread;
    ASSERT_EQ(pthread_create(&thread, nullptr, ExitWithSecret, nullptr), 0);
    pthread_join(thread, nullptr);
  });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(ThreadInheritanceTest, InheritedThreadReturnValueIsDelivered) {
  void* result = nullptr;
  secret::Do([&] {
    pthread_t thread;
    ASSERT_EQ(pthread_create(
                  &thread, nullptr,
                  [](void* arg) -> void* { return static_cast<char*>(arg) + 1; },
                  reinterpret_cast<void*>(0x1000)),
              0);
    pthread_join(thread, &result);
  });
  EXPECT_EQ(result, reinterpret_cast<void*>(0x1001));
}

TEST_F(ThreadInheritanceTest, ForkInsideDoFailsWithEperm) {
  pid_t pid = 0;
  int err = 0;
  secret::Do([&] {
    pid = fork();
    err = errno;
    if (pid == 0) _exit(0);  // only if fork wrongly succeeded
  });
  EXPECT_EQ(pid, -1);
  EXPECT_EQ(err, EPERM);
}

TEST_F(ThreadInheritanceTest, ForkOutsideDoWorksAndChildCanUseDo) {
  secret::Do([] {});
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int ran = 0;
    secret::Do([&] { ran = secret::Enabled() ? 1 : 0; });
    _exit(ran == 1 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace secret_test
