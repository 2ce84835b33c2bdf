// fast_path_syscall_test.cc: once a thread's zone has settled, secret::Do
// makes no system call at all: no sigaltstack query, no mprotect, no mlock.
// Proven under seccomp's strict mode, where any system call other than
// read, write, exit and sigreturn kills the process.

#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

// RunStrict forks a child that warms up with `warm_depth`, enters strict
// mode, runs 10000 calls dirtying `depth` bytes and exits 0; returns the
// child's wait status.
int RunStrict(size_t warm_depth, size_t depth) {
  const pid_t pid = fork();
  if (pid != 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
  }
  static size_t d;
  d = warm_depth;
  for (int i = 0; i < 200; ++i) secret::Do([] { g_sink = DirtyStack(d); });
  d = depth;
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) syscall(SYS_exit, 2);
  for (int i = 0; i < 10000; ++i) secret::Do([] { g_sink = DirtyStack(d); });
  syscall(SYS_exit, 0);  // exit_group, which _exit uses, is not allowed
  return 0;
}

TEST(FastPathSyscallTest, SteadyDoMakesNoSystemCall) {
  const int status = RunStrict(16 * 1024, 16 * 1024);
  ASSERT_FALSE(WIFSIGNALED(status))
      << "killed by signal " << WTERMSIG(status) << ": Do made a system call";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(FastPathSyscallTest, EmptyDoMakesNoSystemCall) {
  const int status = RunStrict(64, 64);
  ASSERT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Proof the check can fail: a call deeper than any before must commit
// memory (mprotect), which strict mode punishes with SIGKILL.
TEST(FastPathSyscallTest, NewDepthIsCaughtByTheCheck) {
  const int status = RunStrict(1024, 512 * 1024);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace
}  // namespace secret_test
