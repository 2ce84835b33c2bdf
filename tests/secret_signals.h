// secret_signals.h: signal handlers that copy the test secret, for the tests
// that prove what signals during secret::Do leave behind.

#ifndef SECRETMODE_TESTS_SECRET_SIGNALS_H_
#define SECRETMODE_TESTS_SECRET_SIGNALS_H_

#include <stdint.h>

namespace secret_test {

// InstallHandler installs `handler` for `sig` with `flags` (SA_ONSTACK,
// SA_RESTART, ...) and an empty mask, and returns sigaction's result.
int InstallHandler(int sig, void (*handler)(int), int flags);

// CopySecretIfInSecretMode is a handler that counts every signal and, when
// it interrupts secret mode, copies the test secret into its own locals (its
// frame then lies on the secret signal stack, which must be wiped). Outside
// secret mode it copies nothing: no erasure is promised there, and a copy
// would be a residue the test did not mean to leave. Async-signal-safe.
void CopySecretIfInSecretMode(int sig);

// SignalsSeen and SignalsSeenInSecretMode count what that handler saw.
long SignalsSeen();
long SignalsSeenInSecretMode();

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SECRET_SIGNALS_H_
