// signal_erasure_test.cc: signals that interrupt f leave nothing behind:
// the kernel's frame (f's registers) and the handler's locals land on the
// secret signal stack, which is wiped after the call, with and without
// SA_ONSTACK. The program's view of sigaction, sigaltstack and its own
// SIGSEGV handler stays as it set them.

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"
#include "tests/secret_signals.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;
std::atomic<int> g_handled{0};

// The handler copies the secret into its own locals (and they outlive the
// handler as dead stack, unless something erases them).
void CopyingHandler(int) {
  volatile uint8_t copy[kSecretSize];
  for (size_t i = 0; i < kSecretSize; ++i) copy[i] = TestSecret()[i];
  g_sink = copy[0];
  g_handled.fetch_add(1);
}

// RaiseWithSecretInRegisters sends `sig` to this thread from a system call
// made with the secret's words in callee-saved registers (x86-64: r12-r15;
// arm64: x19-x22), so the kernel's signal frame (the saved registers) holds
// the secret too.
__attribute__((noinline)) void RaiseWithSecretInRegisters(int sig) {
#if defined(__x86_64__)
  const uint64_t* w = reinterpret_cast<const uint64_t*>(TestSecret());
  long ret;
  asm volatile(
      "movq 0(%[w]), %%r12\n\t"
      "movq 8(%[w]), %%r13\n\t"
      "movq 16(%[w]), %%r14\n\t"
      "movq 24(%[w]), %%r15\n\t"
      "syscall\n\t"
      "xorl %%r12d, %%r12d\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "xorl %%r14d, %%r14d\n\t"
      "xorl %%r15d, %%r15d\n\t"
      : "=a"(ret)
      : "a"(SYS_tgkill), "D"(getpid()), "S"(syscall(SYS_gettid)), "d"(sig),
        [w] "r"(w)
      : "rcx", "r11", "r12", "r13", "r14", "r15", "memory");
  (void)ret;
#elif defined(__aarch64__)
  // The same with the secret in x19-x22 around the svc.
  const uint64_t* w = reinterpret_cast<const uint64_t*>(TestSecret());
  register long x0 asm("x0") = getpid();
  register long x1 asm("x1") = syscall(SYS_gettid);
  register long x2 asm("x2") = sig;
  register long x8 asm("x8") = SYS_tgkill;
  asm volatile(
      "ldp x19, x20, [%[w]]\n\t"
      "ldp x21, x22, [%[w], #16]\n\t"
      "svc #0\n\t"
      "mov x19, xzr\n\t"
      "mov x20, xzr\n\t"
      "mov x21, xzr\n\t"
      "mov x22, xzr\n\t"
      : "+r"(x0)
      : "r"(x1), "r"(x2), "r"(x8), [w] "r"(w)
      : "x19", "x20", "x21", "x22", "memory");
#else
  raise(sig);
#endif
}

class SignalErasureTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    NewTestSecret();
    secret::Do([] {});  // secret mode active, as in a program that uses it
    ASSERT_EQ(InstallHandler(SIGUSR1, CopyingHandler, GetParam()), 0);
    g_handled = 0;
  }
  void TearDown() override { signal(SIGUSR1, SIG_DFL); }
};

// Proof the scan sees what a signal leaves: outside Do the handler's locals
// and the saved registers stay on the thread's stack.
TEST_P(SignalErasureTest, PlainCallLeavesSignalResidue) {
  RaiseWithSecretInRegisters(SIGUSR1);
  ASSERT_EQ(g_handled.load(), 1);
  EXPECT_FALSE(FindResidueInSelf().empty());
}

TEST_P(SignalErasureTest, SignalDuringDoLeavesNothing) {
  const uint64_t wipes = secret::GetThreadStats().signal_stack_wipes;
  secret::Do([] {
    g_sink = HoldInLocals(TestSecret());
    RaiseWithSecretInRegisters(SIGUSR1);
  });
  ASSERT_EQ(g_handled.load(), 1);
  EXPECT_GT(secret::GetThreadStats().signal_stack_wipes, wipes);
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// Many asynchronous signals from another thread while f works.
TEST_P(SignalErasureTest, SignalStormDuringDoLeavesNothing) {
  const pthread_t target = pthread_self();
  std::atomic<bool> stop{false};
  std::atomic<bool> in_do{false};
  std::thread sender([&] {
    while (!in_do) sched_yield();
    while (!stop) {
      pthread_kill(target, SIGUSR1);
      usleep(100);
    }
  });
  secret::Do([&] {
    in_do = true;
    // Work until 200 signals arrived, or for two seconds at most.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (g_handled.load() < 200 && std::chrono::steady_clock::now() < deadline) {
      g_sink = HoldInLocals(TestSecret());
    }
    stop = true;
  });
  sender.join();
  EXPECT_GT(g_handled.load(), 0);
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutOnstack, SignalErasureTest,
                         ::testing::Values(0, SA_ONSTACK),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param ? "SA_ONSTACK" : "NoOnstack";
                         });

// The program's own alternate stack: it may set one, and it sees it back,
// but while secret mode owns the thread the kernel uses the secret one.
TEST(SignalViewTest, ProgramAlternateStackIsReportedBackButNotUsed) {
  NewTestSecret();
  secret::Do([] {});
  static uint8_t program_stack[64 * 1024];
  stack_t mine;
  mine.ss_sp = program_stack;
  mine.ss_size = sizeof program_stack;
  mine.ss_flags = 0;
  stack_t old;
  ASSERT_EQ(sigaltstack(&mine, &old), 0);
  stack_t now;
  ASSERT_EQ(sigaltstack(nullptr, &now), 0);
  EXPECT_EQ(now.ss_sp, program_stack);
  EXPECT_EQ(now.ss_size, sizeof program_stack);
  ASSERT_EQ(InstallHandler(SIGUSR1, CopyingHandler, SA_ONSTACK), 0);
  g_handled = 0;
  secret::Do([] { RaiseWithSecretInRegisters(SIGUSR1); });
  EXPECT_EQ(g_handled.load(), 1);
  for (uint8_t b : program_stack) ASSERT_EQ(b, 0) << "program's stack used";
  EXPECT_TRUE(FindResidueInSelf().empty());
  signal(SIGUSR1, SIG_DFL);
  ASSERT_EQ(sigaltstack(&old, nullptr), 0);
}

TEST(SignalViewTest, SigactionReportsTheProgramsFlags) {
  secret::Do([] {});
  ASSERT_EQ(InstallHandler(SIGUSR2, CopyingHandler, SA_RESTART), 0);
  struct sigaction seen;
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &seen), 0);
  EXPECT_EQ(seen.sa_handler, CopyingHandler);
  EXPECT_TRUE(seen.sa_flags & SA_RESTART);
  EXPECT_FALSE(seen.sa_flags & SA_ONSTACK);
  signal(SIGUSR2, SIG_DFL);
}

sigjmp_buf g_fault_jump;
std::atomic<int> g_program_faults{0};

void ProgramSegvHandler(int) {
  g_program_faults.fetch_add(1);
  siglongjmp(g_fault_jump, 1);
}

// Faults that are not fence faults reach the program's own SIGSEGV handler,
// installed after secret mode took SIGSEGV, and queries return it.
TEST(SignalViewTest, ProgramSegvHandlerGetsRealFaults) {
  secret::Do([] {});
  struct sigaction act, previous;
  memset(&act, 0, sizeof act);
  act.sa_handler = ProgramSegvHandler;
  sigemptyset(&act.sa_mask);
  ASSERT_EQ(sigaction(SIGSEGV, &act, &previous), 0);
  struct sigaction seen;
  ASSERT_EQ(sigaction(SIGSEGV, nullptr, &seen), 0);
  EXPECT_EQ(seen.sa_handler, ProgramSegvHandler);

  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(page, MAP_FAILED);
  g_program_faults = 0;
  if (sigsetjmp(g_fault_jump, 1) == 0) {
    *static_cast<volatile int*>(page) = 1;
    FAIL() << "write to a PROT_NONE page did not fault";
  }
  EXPECT_EQ(g_program_faults.load(), 1);
  // Fence faults keep working and do not reach the program's handler.
  secret::Do([] { g_sink = DirtyStack(300 * 1024); });
  EXPECT_EQ(g_program_faults.load(), 1);
  munmap(page, 4096);
  ASSERT_EQ(sigaction(SIGSEGV, &previous, nullptr), 0);
}

}  // namespace
}  // namespace secret_test
