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

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_EXECUTOR_H_
