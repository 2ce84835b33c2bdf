// signal_mask_interpose.cc: SIGSEGV is never blocked.
//
// The secret stack grows by faults: below the fence its pages are
// inaccessible until the fault handler commits them. A synchronous SIGSEGV
// that arrives blocked cannot be handled; the kernel kills the process
// instead. A thread that blocks every signal (a common way to keep them off
// worker threads) and then goes deeper inside secret_do than the calls before
// it would die. So the signal-mask calls leave SIGSEGV out of what they
// block, and a thread's first secret_do unblocks it (a mask inherited across
// exec or set before secretmode was loaded). Blocking SIGSEGV never keeps a
// fault from killing the process anyway; what changes is only that a
// SIGSEGV sent with kill() is delivered at once.

#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include <signal.h>

#include "secret/real_functions.h"
#include "secret/signals.h"

namespace {

// WithoutSegv returns `set` when it would not block SIGSEGV, or `copy`
// filled with `set` less SIGSEGV.
const sigset_t* WithoutSegv(int how, const sigset_t* set, sigset_t* copy) {
  if (set == nullptr || how == SIG_UNBLOCK || sigismember(set, SIGSEGV) != 1) {
    return set;
  }
  *copy = *set;
  sigdelset(copy, SIGSEGV);
  return copy;
}

}  // namespace

extern "C" int pthread_sigmask(int how, const sigset_t* set, sigset_t* old) {
  sigset_t copy;
  return secret::internal::RealPthreadSigmask()(
      how, WithoutSegv(how, set, &copy), old);
}

extern "C" int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  sigset_t copy;
  return secret::internal::RealSigprocmask()(how, WithoutSegv(how, set, &copy),
                                             old);
}

namespace secret {
namespace internal {

void UnblockSegv() {
  sigset_t segv;
  sigemptyset(&segv);
  sigaddset(&segv, SIGSEGV);
  RealPthreadSigmask()(SIG_UNBLOCK, &segv, nullptr);
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_ARCH_SUPPORTED
