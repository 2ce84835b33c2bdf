// executor.h: per-thread set-up and tear-down of secret mode, shared by the
// executor and by threads started inside secret_do.

#ifndef SECRETMODE_SECRET_EXECUTOR_H_
#define SECRETMODE_SECRET_EXECUTOR_H_

#include "secret/secret_stack.h"
#include "secret/thread_state.h"

namespace secret {
namespace internal {

// PrepareProcess runs the once-per-process set-up (CPU features, signal
// handling). Idempotent; not signal-safe.
void PrepareProcess();

// AdoptStacks makes `stacks` (from MapStacks) the calling thread's secret
// stacks, installs the signal stack and arranges their release at thread
// exit. Returns 0, or an errno with `stacks` unmapped. Not signal-safe.
int AdoptStacks(ThreadState& t, MappedStacks* stacks);

// kSignalsBlockedRoom: what CommitRoomForSignalsBlocked makes usable. The C
// library's own code that runs with every signal blocked (pthread_create
// around clone) needs a few hundred bytes of it.
constexpr size_t kSignalsBlockedRoom = 16 * 1024;

// CommitRoomForSignalsBlocked makes the secret stack usable for
// `kSignalsBlockedRoom` bytes below the caller's stack pointer, when the
// calling thread is inside secret_do on its secret stack; otherwise it does
// nothing, so callers need not check first. For calls that block every signal, SIGSEGV included, before going
// deeper: a fence fault there cannot be handled, and the kernel kills the
// process instead. The memory counts as dirtied by the current call, so its
// erasure covers it. Not signal-safe.
void CommitRoomForSignalsBlocked();

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_EXECUTOR_H_
