// blocked_signals_test.cc: the secret stack still grows while signals are
// blocked. It grows by fence faults (SIGSEGV), and a blocked SIGSEGV cannot
// be handled: the kernel kills the process instead. Two ways to get there:
// a thread that blocked every signal itself, and the C library's own code
// that blocks every signal around clone inside pthread_create.

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"

namespace secret_test {
namespace {

std::atomic<uint64_t> g_sink{0};

// A worker that blocks every signal (as servers do to keep them off worker
// threads), then goes far deeper inside Do than its first call.
TEST(BlockedSignalsTest, ThreadThatBlockedEverySignalCanStillGoDeeper) {
  uint64_t faults = 0;
  std::thread worker([&] {
    // The first call sets the thread up (and unblocks SIGSEGV, see below);
    // the mask is set after it, as a running worker would.
    secret::Do([] { g_sink = DirtyStack(256); });
    sigset_t all;
    sigfillset(&all);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &all, nullptr), 0);
    secret::Do([] { g_sink = DirtyStack(512 * 1024); });
    faults = secret::GetThreadStats().fence_faults;
    sigset_t now;
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, nullptr, &now), 0);
    EXPECT_EQ(sigismember(&now, SIGSEGV), 0);
    EXPECT_EQ(sigismember(&now, SIGUSR1), 1) << "other signals stay blocked";
  });
  worker.join();
  EXPECT_GT(faults, 0u) << "the deep call did not grow the stack by faults";
}

// A mask blocking SIGSEGV from before the thread's first Do (inherited, or
// set through the kernel's own interface) is lifted by that first call.
TEST(BlockedSignalsTest, FirstDoUnblocksAnInheritedSegvBlock) {
  std::thread worker([] {
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    // The raw system call, as a mask inherited across exec would be.
    ASSERT_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &segv, nullptr, 8), 0);
    secret::Do([] { g_sink = DirtyStack(512 * 1024); });
    sigset_t now;
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, nullptr, &now), 0);
    EXPECT_EQ(sigismember(&now, SIGSEGV), 0);
  });
  worker.join();
}

// AtEveryFenceDepth runs `call` inside Do on threads whose fence has settled
// at every 64-byte step of 16 KiB below the top: the predictor places the
// fence just below the depth the thread's recent calls reached, so at some
// step the C library's blocked-signals window inside `call` is the first
// code to reach it, whatever the frame sizes are. Without room committed
// first, the process dies of SIGSEGV there.
void AtEveryFenceDepth(void (*call)()) {
  for (size_t depth = 64; depth <= 16384; depth += 64) {
    std::thread worker([depth, call] {
      // Two epochs of calls as deep as `depth`: the predictor then gives
      // back what the first call committed beyond them.
      for (int i = 0; i < 2 * 64 + 2; ++i) {
        secret::Do([depth] { g_sink = DirtyStack(depth); });
      }
      secret::Do(call);
    });
    worker.join();
  }
}

TEST(BlockedSignalsTest, PthreadCreateInsideDoWithTheFenceAtEveryDepth) {
  AtEveryFenceDepth([] {
    std::thread child([] { g_sink = 1; });
    child.join();
  });
}

TEST(BlockedSignalsTest, PosixSpawnInsideDoWithTheFenceAtEveryDepth) {
  AtEveryFenceDepth([] {
    pid_t child;
    char arg0[] = "true";
    char* argv[] = {arg0, nullptr};
    ASSERT_EQ(posix_spawnp(&child, "true", nullptr, nullptr, argv, environ), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  });
}

TEST(BlockedSignalsTest, SystemInsideDoWithTheFenceAtEveryDepth) {
  AtEveryFenceDepth([] { EXPECT_EQ(system("true"), 0); });
}

TEST(BlockedSignalsTest, PopenInsideDoWithTheFenceAtEveryDepth) {
  AtEveryFenceDepth([] {
    FILE* out = popen("true", "r");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(pclose(out), 0);
  });
}

}  // namespace
}  // namespace secret_test
