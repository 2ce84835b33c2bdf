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

#include "secret/fast_path_layout.h"
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

// The predictor's parameters.
// kSlideRoom: the top may slide this far below the end of the reservation
// before the committed memory beneath it is given back.
constexpr size_t kSlideRoom = 64 * 1024;
// kMinZoneSlack: the zone covers this much beyond the deepest recent dirt,
// so that zero words written just below it (which leave no trace) rarely
// fault: a leaf function's red zone (128 bytes) is where they usually are.
constexpr size_t kMinZoneSlack = 128;
// kDeferredHandlerRoom: committed room the zone keeps below the deepest
// recent call beyond kMinZoneSlack, for signal handlers that a sanitizer
// runtime defers and then runs from the interrupted code, on the secret
// stack, with every signal blocked (ThreadSanitizer does): such a handler
// must not reach the fence, since a fence fault with SIGSEGV blocked kills
// the process. 0 in normal builds, where handlers run on the secret signal
// stack.
#ifndef SECRETMODE_DEFERRED_HANDLER_ROOM
#define SECRETMODE_DEFERRED_HANDLER_ROOM 0
#endif
constexpr size_t kDeferredHandlerRoom = SECRETMODE_DEFERRED_HANDLER_ROOM;
// kBlindEraseZone: zones up to this size are zeroed whole without a scan
// (see secretmode_zero_small_range); larger ones are scanned for the dirt.
constexpr size_t kBlindEraseZone = SECRETMODE_BLIND_ERASE_ZONE;
// kEpochCalls and kEpochWasteBudget: the zone follows the deepest call of
// the current and the previous epoch; an epoch ends after kEpochCalls calls,
// or sooner once the calls in it scanned kEpochWasteBudget bytes more than
// they dirtied, so that one deep call does not make many shallow ones pay
// more than a fault would.
constexpr uint32_t kEpochCalls = SECRETMODE_EPOCH_CALLS;
constexpr size_t kEpochWasteBudget = SECRETMODE_EPOCH_WASTE_BUDGET;
// kKeepResident: committed pages this close to the top stay resident when
// given back, so that returning to that depth does not refill them.
constexpr size_t kKeepResident = 1024 * 1024;
// kChunk: erase_range works on 64-byte chunks.
constexpr size_t kChunk = 64;

// GiveBackCommitted re-protects the committed pages below what a zone of
// `zone` bytes needs (one system call or three). Not signal-safe.
void GiveBackCommitted(SecretStack* stack, size_t zone);

// CommitZone lowers the fence so that at least `zone` bytes below the end
// are committed (capped at the usable stack), and returns the bytes
// committed. For kDeferredHandlerRoom, whose room must exist before any
// call reaches it. Not signal-safe.
size_t CommitZone(SecretStack* stack, size_t zone);

// RecentDepth is the predictor's estimate: the deepest dirt of the current
// and the previous epoch.
static inline size_t RecentDepth(const SecretStack* s) {
  return s->epoch_max_depth > s->previous_epoch_max_depth
             ? s->epoch_max_depth
             : s->previous_epoch_max_depth;
}

// PlanNextTop picks `stack->top` for the next call from the depths recent
// calls dirtied; it gives committed memory back only when the zone fell far
// below what is committed. Inline: it runs on every call. The inline
// functions here are static, so that each file gets its own copy compiled
// with its own flags (//secret's, with general registers only).
static inline void PlanNextTop(SecretStack* s) {
  const size_t recent = RecentDepth(s);
  size_t zone = (recent + recent / 16 + kMinZoneSlack + kDeferredHandlerRoom +
                 kChunk - 1) &
                ~(kChunk - 1);
  size_t committed = s->end - s->fence;
  if (kDeferredHandlerRoom != 0 && zone > committed) {
    committed = CommitZone(s, zone);
  }
  if (zone > committed) zone = committed;
  // The quarter matches the headroom a fault commits below a new depth
  // (CommitBelowFence), so a deep call's own headroom is not given back at
  // once, only when later calls are shallower.
  if (s->fence + zone + s->slide + zone / 4 < s->end) GiveBackCommitted(s, zone);
  s->top = s->fence + zone;
  s->lowest_fault = 0;
}

// RecordDepth feeds the predictor with the bytes the last call dirtied (or
// faulted in) and the bytes its erasure inspected.
static inline void RecordDepth(SecretStack* s, size_t depth, size_t inspected) {
  if (depth > s->epoch_max_depth) s->epoch_max_depth = depth;
  s->epoch_waste += inspected > depth ? inspected - depth : 0;
  if (++s->epoch_calls >= kEpochCalls || s->epoch_waste >= kEpochWasteBudget) {
    s->previous_epoch_max_depth = s->epoch_max_depth;
    s->epoch_max_depth = 0;
    s->epoch_calls = 0;
    s->epoch_waste = 0;
  }
}

// PageSize returns the system page size. Async-signal-safe after first use.
size_t PageSize();

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_SECRET_STACK_H_
