// secret_stack_mapping_test.cc: the secret stacks are excluded from core
// dumps, wiped in fork children, locked in RAM where RLIMIT_MEMLOCK allows
// (and reported as such), and fenced: an overflow is a clear message.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/support/memory_lock.h"
#include "tests/support/vm_flags.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

uintptr_t AddressOnSecretStack() {
  static uintptr_t where;
  secret::Do([] {
    volatile int probe = 1;
    where = reinterpret_cast<uintptr_t>(&probe);
  });
  return where;
}

TEST(SecretStackMappingTest, ExcludedFromDumpsAndWipedOnFork) {
  const std::string flags = VmFlagsOf(AddressOnSecretStack());
  ASSERT_FALSE(flags.empty());
  EXPECT_NE(flags.find(" dd "), std::string::npos) << flags;  // MADV_DONTDUMP
  EXPECT_NE(flags.find(" wf "), std::string::npos) << flags;  // MADV_WIPEONFORK
}

TEST(SecretStackMappingTest, LockedExactlyWhenReported) {
  const std::string flags = VmFlagsOf(AddressOnSecretStack());
  const bool locked_in_maps = flags.find(" lo ") != std::string::npos;
  EXPECT_EQ(secret::GetThreadStats().stack_locked != 0, locked_in_maps) << flags;
  struct rlimit limit;
  getrlimit(RLIMIT_MEMLOCK, &limit);
  if (geteuid() == 0 || limit.rlim_cur == RLIM_INFINITY) {
    EXPECT_TRUE(locked_in_maps) << "root or no limit: locking must succeed";
  }
}

// With RLIMIT_MEMLOCK at zero the stacks cannot be locked: Do still works
// and the statistics say so. In a child, since the limit is process-wide.
TEST(SecretStackMappingTest, LockFailureIsReportedNotFatal) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!ForbidMemoryLocking()) _exit(10);
    int ran = 0;
    std::thread t([&] {
      secret::Do([&] { ran = 1; });
      const secret::ThreadStats s = secret::GetThreadStats();
      if (s.stack_locked || s.signal_stack_locked) ran = 2;
    });
    t.join();
    _exit(ran == 1 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_NE(WEXITSTATUS(status), 10) << "could not drop CAP_IPC_LOCK";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SecretStackMappingTest, ForkChildSeesZeroedSecretStack) {
  static uintptr_t where;
  secret::Do([] {
    volatile uint64_t probe = 0x1122334455667788;
    where = reinterpret_cast<uintptr_t>(&probe);
    g_sink = probe;
  });
  // The parent's stack was erased after the call anyway; fill a known value
  // into committed secret stack memory to see the wipe in the child.
  *reinterpret_cast<volatile uint64_t*>(where) = 0x5555;
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(*reinterpret_cast<volatile uint64_t*>(where) == 0 ? 0 : 1);
  *reinterpret_cast<volatile uint64_t*>(where) = 0;  // restore the invariant
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// Wherever the top has slid to (it follows recent depths), fn can still use
// the configured size: a 240 KiB call on a 256 KiB stack, after deep and
// shallow calls moved the top and the fence around.
TEST(SecretStackMappingTest, ConfiguredSizeStaysUsableWhereverTheTopIs) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    secret::Config config = secret::GetConfig();
    config.stack_size = 256 * 1024;
    secret::SetConfig(config);
    std::thread t([] {
      secret::Do([] { g_sink = DirtyStack(128 * 1024); });
      for (int i = 0; i < 8; ++i) secret::Do([] { g_sink = DirtyStack(64); });
      secret::Do([] { g_sink = DirtyStack(200 * 1024); });
      for (int i = 0; i < 3; ++i) secret::Do([] { g_sink = DirtyStack(64); });
      secret::Do([] { g_sink = DirtyStack(240 * 1024); });
    });
    t.join();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the child died (signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
      << ")";
}

// Recurse writes a page per frame, so it walks into the guard gap.
__attribute__((noinline)) uint64_t Recurse(int depth) {
  volatile uint8_t frame[4096];
  frame[0] = static_cast<uint8_t>(depth);
  frame[4095] = frame[0];
  return depth == 0 ? frame[0] : Recurse(depth - 1) + frame[4095];
}

TEST(SecretStackOverflowDeathTest, RecursionIntoTheGuardNamesTheSetting) {
  EXPECT_DEATH(secret::Do([] { g_sink = Recurse(1 << 20); }),
               "secret stack overflow.*SECRETMODE_STACK_SIZE");
}

TEST(SecretStackOverflowDeathTest, FrameJumpingTheGuardNamesTheSetting) {
  EXPECT_DEATH(secret::Do([] { g_sink = DirtyStack(4 << 20); }),
               "secret stack overflow.*SECRETMODE_STACK_SIZE");
}

}  // namespace
}  // namespace secret_test
