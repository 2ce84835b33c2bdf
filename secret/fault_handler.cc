// fault_handler.cc: the SIGSEGV handler that moves the secret stack's fence,
// reports overflows, and hands every other fault to the program's handler.

#include "secret/atomic_ops.h"
#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <mutex>

#include "secret/real_functions.h"
#include "secret/secret_stack.h"
#include "secret/signals.h"
#include "secret/thread_state.h"

namespace secret {
namespace internal {
namespace {

// How far below the secret stack a stack pointer can be and still be taken
// for an overflow of it.
constexpr uintptr_t kOverflowReach = uintptr_t{256} << 20;

// Leaf functions may write this far below the stack pointer (System V).
constexpr uintptr_t kRedZone = 128;

bool g_active{false};
std::once_flag g_activate_once;

// The program's SIGSEGV request. The handler reads it from signal context,
// so it is kept in atomics rather than behind a lock; a program changing its
// SIGSEGV handler while a fault is being forwarded may see the old one.
void* g_program_segv_handler{nullptr};  // SIG_DFL
int g_program_segv_flags{0};
sigset_t g_program_segv_mask;

// WriteAll writes a message to stderr from signal context.
void WriteAll(const char* text) { (void)!write(2, text, strlen(text)); }

// FormatKiB writes `bytes / 1024` in decimal into `out` (>= 24 bytes).
void FormatKiB(size_t bytes, char* out) {
  char digits[24];
  int n = 0;
  size_t v = bytes / 1024;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = '\0';
}

[[noreturn]] void ReportOverflow(size_t usable) {
  char kib[24];
  FormatKiB(usable, kib);
  WriteAll("secretmode: secret stack overflow: the function run by "
           "secret_do/secret::Do used more than ");
  WriteAll(kib);
  WriteAll(" KiB of stack. Raise SECRETMODE_STACK_SIZE (or "
           "secret_config.stack_size) above ");
  WriteAll(kib);
  WriteAll("K.\n");
  abort();
}

[[noreturn]] void ReportSignalStackOverflow(size_t size) {
  char kib[24];
  FormatKiB(size, kib);
  WriteAll("secretmode: secret signal stack overflow: a signal handler used "
           "more than ");
  WriteAll(kib);
  WriteAll(" KiB. Raise SECRETMODE_SIGNAL_STACK_SIZE (or "
           "secret_config.signal_stack_size).\n");
  abort();
}

uintptr_t InterruptedStackPointer(void* ucontext) {
  const ucontext_t* uc = static_cast<const ucontext_t*>(ucontext);
#if defined(__x86_64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.sp);
#else
  (void)uc;
  return 0;
#endif
}

// ForwardToProgram does what the program asked for SIGSEGV.
void ForwardToProgram(int sig, siginfo_t* info, void* ucontext) {
  void* handler = LoadAcquire(&g_program_segv_handler);
  const int flags = LoadAcquire(&g_program_segv_flags);
  const bool sent_by_process = info->si_code <= 0;
  if (handler == reinterpret_cast<void*>(SIG_IGN) && sent_by_process) return;
  if (handler == reinterpret_cast<void*>(SIG_DFL) ||
      handler == reinterpret_cast<void*>(SIG_IGN)) {
    // Die of SIGSEGV, with a core, exactly as without secretmode: restore the
    // default action and let the faulting instruction run again (or re-send
    // a signal that came from kill()).
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    RealSigaction()(SIGSEGV, &dfl, nullptr);
    if (sent_by_process) raise(SIGSEGV);
    return;
  }
  if (flags & SA_SIGINFO) {
    reinterpret_cast<void (*)(int, siginfo_t*, void*)>(handler)(sig, info,
                                                                ucontext);
  } else {
    reinterpret_cast<void (*)(int)>(handler)(sig);
  }
}

// ForceOnstackRaw adds SA_ONSTACK to a handler that the C library's
// sigaction() refuses to touch (its internal signals, used for thread
// cancellation and set*id broadcasts), through the kernel's own interface.
void ForceOnstackRaw(int sig) {
  struct KernelSigaction {
    void* handler;
    unsigned long flags;
    void* restorer;
    uint64_t mask;
  } k;
  if (syscall(SYS_rt_sigaction, sig, nullptr, &k, sizeof k.mask) != 0) return;
  if (k.handler == reinterpret_cast<void*>(SIG_DFL) ||
      k.handler == reinterpret_cast<void*>(SIG_IGN) || (k.flags & SA_ONSTACK)) {
    return;
  }
  k.flags |= SA_ONSTACK;
  syscall(SYS_rt_sigaction, sig, &k, nullptr, sizeof k.mask);
}

void Activate() {
  RealSigaltstack();  // resolve now: later uses may be in signal context
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV) continue;
    struct sigaction current;
    if (RealSigaction()(sig, nullptr, &current) != 0) {
      ForceOnstackRaw(sig);
      continue;
    }
    if (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN ||
        (current.sa_flags & SA_ONSTACK)) {
      continue;
    }
    current.sa_flags |= SA_ONSTACK;
    if (RealSigaction()(sig, &current, nullptr) == 0) {
      MarkOnstackAdded(sig, true);
    }
  }
  struct sigaction ours, previous;
  memset(&ours, 0, sizeof ours);
  ours.sa_sigaction = HandleFenceFault;
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&ours.sa_mask);
  RealSigaction()(SIGSEGV, &ours, &previous);
  SetProgramSegvAction(&previous, nullptr);
  StoreRelease(&g_active, true);
}

}  // namespace

void ActivateSignalHandling() { std::call_once(g_activate_once, Activate); }

bool SignalHandlingActive() {
  return LoadAcquire(&g_active);
}

void SetProgramSegvAction(const struct sigaction* act, struct sigaction* old) {
  if (old != nullptr) {
    memset(old, 0, sizeof *old);
    old->sa_handler = reinterpret_cast<void (*)(int)>(
        LoadAcquire(&g_program_segv_handler));
    old->sa_flags = LoadAcquire(&g_program_segv_flags);
    old->sa_mask = g_program_segv_mask;
  }
  if (act != nullptr) {
    g_program_segv_mask = act->sa_mask;
    StoreRelease(&g_program_segv_flags, act->sa_flags);
    void* handler = (act->sa_flags & SA_SIGINFO)
                        ? reinterpret_cast<void*>(act->sa_sigaction)
                        : reinterpret_cast<void*>(act->sa_handler);
    StoreRelease(&g_program_segv_handler, handler);
  }
}

void HandleFenceFault(int sig, siginfo_t* info, void* ucontext) {
  const int saved_errno = errno;
  ThreadState& t = CurrentThread();
  if (t.has_stacks) {
    SecretStack& s = t.stack;
    const uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
    // Only fn's call tree (active) may grow the stack; a stray pointer into
    // the fence from elsewhere is the program's fault, not a new depth.
    if (t.active && info->si_code == SEGV_ACCERR && CommitBelowFence(&s, addr)) {
      errno = saved_errno;
      return;  // the faulting access now succeeds
    }
    if (info->si_code == SEGV_ACCERR && addr >= s.base && addr < s.guard_end) {
      ReportOverflow(s.usable);
    }
    // A frame larger than the guard gap (a huge alloca) jumps past it; the
    // stack pointer then still tells where the fault came from.
    const uintptr_t sp = InterruptedStackPointer(ucontext);
    if (t.active && sp < s.guard_end && sp + kOverflowReach > s.base) {
      ReportOverflow(s.usable);
    }
    // Some emulators (Valgrind) report such a fault without its address;
    // a stack pointer below the fence says the same thing.
    if (t.active && addr == 0 && sp >= s.guard_end && sp < s.fence &&
        CommitBelowFence(&s, sp > s.guard_end + kRedZone ? sp - kRedZone
                                                         : s.guard_end)) {
      errno = saved_errno;
      return;
    }
    const SignalStack& a = t.signal_stack;
    if (addr >= a.base && addr < a.lo) ReportSignalStackOverflow(a.hi - a.lo);
    if (info->si_code == SI_KERNEL) {
      // The kernel could not push a signal frame below the fence: a handler
      // installed bypassing sigaction() had no SA_ONSTACK. Commit room so the
      // thread can go on; that signal is lost, so say so.
      if (sp >= s.guard_end && sp < s.end &&
          CommitBelowFence(&s, sp > s.guard_end + 65536 ? sp - 65536
                                                        : s.guard_end)) {
        WriteAll("secretmode: a signal handler installed without sigaction() "
                 "ran during secret_do without room on the secret stack; "
                 "its signal was lost\n");
        errno = saved_errno;
        return;
      }
    }
  }
  errno = saved_errno;
  ForwardToProgram(sig, info, ucontext);
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_ARCH_SUPPORTED
