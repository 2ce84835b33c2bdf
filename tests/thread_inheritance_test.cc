// thread_inheritance_test.cc: threads started inside Do run in secret mode
// and leave nothing; pthread_exit inside Do is erased at thread exit; fork
// inside Do fails with EPERM.

#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
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

// Proof that a thread's dead frames are visible to the scan: a plain thread
// that held the secret (below a hole, so its later calls do not overwrite
// it) and is still alive. (At exit glibc discards the unused part of a
// thread's stack, so the proof must be taken before.)
TEST_F(ThreadInheritanceTest, PlainThreadLeavesSecret) {
  std::mutex mu;
  std::condition_variable cv;
  bool held = false, release = false;
  std::thread t([&] {
    g_sink = HoldBelowHole(TestSecret());
    std::unique_lock<std::mutex> lock(mu);
    held = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return held; });
  }
  const bool found = !FindResidueInSelf().empty();
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  t.join();
  EXPECT_TRUE(found);
}

TEST_F(ThreadInheritanceTest, ThreadStartedInDoRunsInSecretMode) {
  bool enabled_in_thread = false;
  uint64_t calls_in_thread = 0;
  secret::Do([&] {
    std::thread t([&] {
      enabled_in_thread = secret::Enabled();
      g_sink = HoldBelowHole(TestSecret());
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
  volatile uint8_t live[kSecretSize];
  for (size_t i = 0; i < kSecretSize; ++i) live[i] = TestSecret()[i];
  g_sink = HoldBelowHole(TestSecret()) + live[0];
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

// ExpectDeniedInsideDo calls `fork_fn` inside Do and expects -1/EPERM.
void ExpectDeniedInsideDo(pid_t (*fork_fn)()) {
  pid_t pid = 0;
  int err = 0;
  secret::Do([&] {
    pid = fork_fn();
    err = errno;
    if (pid == 0) _exit(0);  // only if it wrongly succeeded
  });
  EXPECT_EQ(pid, -1);
  EXPECT_EQ(err, EPERM);
}

TEST_F(ThreadInheritanceTest, ForkInsideDoFailsWithEperm) {
  ExpectDeniedInsideDo(fork);
}

TEST_F(ThreadInheritanceTest, UnderscoreForkInsideDoFailsWithEperm) {
  ExpectDeniedInsideDo(_Fork);
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
