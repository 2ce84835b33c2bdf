// signals.h: how secret mode keeps signals off the secret stack and handles
// the faults that move its fence.
//
// Once the process's first secret_do runs, every signal handler the program
// installs through sigaction()/signal() gets SA_ONSTACK, and each thread that
// runs secret_do has the secret signal stack installed as its alternate
// stack. So no signal frame or handler ever lands on the secret stack: a
// kernel frame push cannot fault on the fence (which would lose the signal),
// handlers that block SIGSEGV cannot hit the fence, and everything a handler
// saw while fn ran sits on a stack that is wiped after the call. The
// program's own sigaltstack() requests are remembered per thread and
// reported back to it; its SIGSEGV handler is called for every fault that is
// not a fence fault.

#ifndef SECRETMODE_SECRET_SIGNALS_H_
#define SECRETMODE_SECRET_SIGNALS_H_

#include <signal.h>

#include "secret/thread_state.h"

namespace secret {
namespace internal {

// ActivateSignalHandling installs the fence fault handler for SIGSEGV and
// adds SA_ONSTACK to the handlers already installed. Runs once per process;
// later calls return at once. Not signal-safe.
void ActivateSignalHandling();

// SignalHandlingActive reports whether ActivateSignalHandling has run.
// Async-signal-safe.
bool SignalHandlingActive();

// InstallSignalStack makes `t.signal_stack` the thread's alternate signal
// stack and remembers the program's previous one. Returns 0, or EBUSY when
// the thread is running on the program's alternate stack right now.
int InstallSignalStack(ThreadState& t);

// RestoreProgramSignalStack gives the thread back the alternate stack the
// program last asked for (or none). Used before the secret one is unmapped.
void RestoreProgramSignalStack(ThreadState& t);

// WipeSignalStackIfUsed erases the secret signal stack when a signal frame
// has been written to it since the last wipe, and returns whether it did.
// The kernel writes every frame from the top of the alternate stack down
// (x86-64: the xsave image, whose end marker lies within 68 bytes of the
// top, or an fxsave image within 512; arm64: the frame record), so a clean
// top means an unused stack. secret_do makes the same check in assembly on
// its fast path. Async-signal-safe.
bool WipeSignalStackIfUsed(SignalStack& s);

// WipeSignalStack erases the secret signal stack. Async-signal-safe.
void WipeSignalStack(SignalStack& s);

// MarkOnstackAdded records whether SA_ONSTACK on `sig`'s handler came from
// secretmode (and is hidden from the program's queries). Signal-safe.
void MarkOnstackAdded(int sig, bool added);

// HandleFenceFault is the SIGSEGV handler (SA_SIGINFO | SA_ONSTACK).
void HandleFenceFault(int sig, siginfo_t* info, void* ucontext);

// UnblockSegv unblocks SIGSEGV for the calling thread, which the fence
// faults need (see signal_mask_interpose.cc). Async-signal-safe.
void UnblockSegv();

// SetProgramSegvAction records what the program asked sigaction() to do for
// SIGSEGV (`act` may be null) and reports the previous request in `old`.
void SetProgramSegvAction(const struct sigaction* act, struct sigaction* old);

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_SIGNALS_H_
