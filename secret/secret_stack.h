// secret_stack.h: mapping, growing, shrinking and planning of the secret
// stack, and mapping of the secret signal stack.
//
// Why a moving fence: erasure must cost what fn dirtied, not the configured
// size, yet it must be exact even when fn leaves a large untouched array with
// deeper writes below it. Reading memory cannot tell a hole from the end of
// fn's stack; the MMU can. Everything below `fence` is PROT_NONE, so the first
// touch of a new depth faults, and the fault handler commits pages and
// records the depth. After each call only [fence, top) can hold anything of
// fn, and since the whole stack is zero between calls, erasure scans that
// zone upward to the first non-zero chunk and zeroes from there.

#ifndef SECRETMODE_SECRET_SECRET_STACK_H_
#define SECRETMODE_SECRET_SECRET_STACK_H_

#include <stddef.h>
#include <stdint.h>

#include "secret/secret_c.h"
#include "secret/thread_state.h"

namespace secret {
namespace internal {

// MappedStacks is a pair of freshly mapped stacks not yet owned by a thread
// (a parent maps them for a thread it starts inside secret_do).
struct MappedStacks {
  SecretStack stack;
  SignalStack signal_stack;
};

// MapStacks maps a secret stack and a secret signal stack as `config` asks
// (guard pages, MADV_DONTDUMP, MADV_WIPEONFORK, mlock where allowed). Returns
// 0 or ENOMEM, leaving nothing mapped on failure. Not signal-safe.
int MapStacks(const secret_config& config, MappedStacks* out);

// UnmapStacks zeroes whatever `stacks` still hold and unmaps them.
void UnmapStacks(MappedStacks* stacks);

// CommitBelowFence makes the stack usable down to a page at or below `addr`
// (plus headroom, so a descent costs few faults) and returns true, or returns
// false when `addr` is not between the guard page and the fence.
// Async-signal-safe: the fault handler calls it.
bool CommitBelowFence(SecretStack* stack, uintptr_t addr);

// PlanNextTop picks `stack->top` for the next call from the depths recent
// calls dirtied, giving back committed memory (one system call) only when
// the zone fell far below what is committed. Not signal-safe.
void PlanNextTop(SecretStack* stack);

// RecordDepth feeds the bytes the last call used into the predictor.
void RecordDepth(SecretStack* stack, size_t depth);

// PageSize returns the system page size. Async-signal-safe after first use.
size_t PageSize();

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_SECRET_STACK_H_
