// signal_interpose.cc: sigaction(), signal() and sigaltstack() as the program
// sees them once secret mode is active (see signals.h for why).

#include "secret/atomic_ops.h"
#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>


#include "secret/real_functions.h"
#include "secret/signals.h"
#include "secret/thread_state.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)  // linux/signal.h has it; glibc's does not
#endif

namespace secret {
namespace internal {
namespace {

// Signals whose handler got SA_ONSTACK from us rather than from the program,
// so that queries can report the flags the program set.
bool g_onstack_added[NSIG];

// The kernel writes every signal frame within this many bytes of the top of
// the alternate stack (see WipeSignalStackIfUsed).
constexpr uintptr_t kFrameTopBytes = 512;

bool OnSignalStack(const ThreadState& t) {
  const uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  return sp >= t.signal_stack.lo && sp < t.signal_stack.hi;
}

size_t MinSignalStackSize() {
  const unsigned long aux = getauxval(AT_MINSIGSTKSZ);
  return aux > 2048 ? aux : 2048;
}

}  // namespace

void MarkOnstackAdded(int sig, bool added) {
  StoreRelaxed(&g_onstack_added[sig], added);
}

int InstallSignalStack(ThreadState& t) {
  stack_t ours;
  ours.ss_sp = reinterpret_cast<void*>(t.signal_stack.lo);
  ours.ss_size = t.signal_stack.hi - t.signal_stack.lo;
  ours.ss_flags = 0;
  stack_t previous;
  if (RealSigaltstack()(&ours, &previous) != 0) return EBUSY;
  previous.ss_flags &= ~SS_ONSTACK;
  t.program_altstack = previous;
  return 0;
}

void RestoreProgramSignalStack(ThreadState& t) {
  RealSigaltstack()(&t.program_altstack, nullptr);
}

bool WipeSignalStackIfUsed(SignalStack& s) {
  const uintptr_t top_part = s.hi - kFrameTopBytes;
  // erase_range reads in assembly, so no secret word passes through a
  // compiled frame; it returns `top_part`'s end when that part was clean.
  if (secretmode_erase_range(top_part, s.hi) == s.hi) return false;
  secretmode_erase_range(s.lo, top_part);
  ++s.wipes;
  return true;
}

void WipeSignalStack(SignalStack& s) {
  secretmode_erase_range(s.lo, s.hi);
  ++s.wipes;
}

}  // namespace internal
}  // namespace secret

using secret::internal::CurrentThread;
using secret::internal::RealSigaction;
using secret::internal::RealSigaltstack;
using secret::internal::SignalHandlingActive;

// sigaction adds SA_ONSTACK to every handler once secret mode is active, and
// keeps secretmode's SIGSEGV handler in place while recording the program's.
extern "C" int sigaction(int sig, const struct sigaction* act,
                         struct sigaction* old) {
  if (!SignalHandlingActive() || sig <= 0 || sig >= NSIG) {
    return RealSigaction()(sig, act, old);
  }
  if (sig == SIGSEGV) {
    secret::internal::SetProgramSegvAction(act, old);
    return 0;
  }
  struct sigaction with_onstack;
  bool adding = false;
  if (act != nullptr && act->sa_handler != SIG_DFL &&
      act->sa_handler != SIG_IGN && !(act->sa_flags & SA_ONSTACK)) {
    with_onstack = *act;
    with_onstack.sa_flags |= SA_ONSTACK;
    act = &with_onstack;
    adding = true;
  }
  const int rc = RealSigaction()(sig, act, old);
  if (rc != 0) return rc;
  if (old != nullptr &&
      secret::internal::LoadRelaxed(&secret::internal::g_onstack_added[sig])) {
    old->sa_flags &= ~SA_ONSTACK;
  }
  if (act != nullptr) secret::internal::MarkOnstackAdded(sig, adding);
  return 0;
}

namespace {

// InstallWithFlags is signal()'s family, expressed through sigaction() so
// that handlers installed with it get SA_ONSTACK too.
sighandler_t InstallWithFlags(int sig, sighandler_t handler, int flags,
                              bool mask_self) {
  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  if (mask_self && sig > 0 && sig < NSIG) sigaddset(&act.sa_mask, sig);
  act.sa_flags = flags;
  if (sigaction(sig, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

}  // namespace

// signal has BSD semantics, as glibc's: restartable, the signal blocked in
// its own handler. (glibc would honour an earlier siginterrupt(sig, 1) here.)
extern "C" sighandler_t signal(int sig, sighandler_t handler) {
  return InstallWithFlags(sig, handler, SA_RESTART, true);
}

extern "C" sighandler_t bsd_signal(int sig, sighandler_t handler) {
  return InstallWithFlags(sig, handler, SA_RESTART, true);
}

// sysv_signal has System V semantics: one-shot, not blocked in its handler.
extern "C" sighandler_t sysv_signal(int sig, sighandler_t handler) {
  return InstallWithFlags(sig, handler, SA_RESETHAND | SA_NODEFER, false);
}

// sigaltstack, on a thread that has secret stacks, records the program's
// alternate stack instead of installing it: the kernel keeps the secret one.
extern "C" int sigaltstack(const stack_t* ss, stack_t* old) {
  secret::internal::ThreadState& t = CurrentThread();
  if (!t.has_stacks) return RealSigaltstack()(ss, old);
  if (ss != nullptr) {
    if (ss->ss_flags & ~(SS_DISABLE | SS_AUTODISARM)) {
      errno = EINVAL;
      return -1;
    }
    if (!(ss->ss_flags & SS_DISABLE) &&
        ss->ss_size < secret::internal::MinSignalStackSize()) {
      errno = ENOMEM;
      return -1;
    }
  }
  if (old != nullptr) {
    *old = t.program_altstack;
    if (secret::internal::OnSignalStack(t)) old->ss_flags |= SS_ONSTACK;
  }
  if (ss != nullptr) {
    t.program_altstack = *ss;
    if (ss->ss_flags & SS_DISABLE) {
      t.program_altstack.ss_sp = nullptr;
      t.program_altstack.ss_size = 0;
    }
  }
  return 0;
}

#endif  // SECRETMODE_ARCH_SUPPORTED
