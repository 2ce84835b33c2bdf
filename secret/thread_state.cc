// thread_state.cc: the definition of g_thread_state (see thread_state.h).
// It lives with the allocator, which reads it on every malloc, so that both
// the allocator's and the executor's objects see one hidden definition in
// any link, static or shared.

#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include "secret/thread_state.h"

#include <stddef.h>

#include "secret/fast_path_layout.h"

namespace secret {
namespace internal {

// The offsets secret_do's assembly uses (fast_path_layout.h), and the sizes
// its instructions assume.
#define SECRETMODE_CHECK_FIELD(field, offset, size)                     \
  static_assert(offsetof(ThreadState, field) == (offset),               \
                "fast_path_layout.h: wrong offset of " #field);         \
  static_assert(sizeof(ThreadState{}.field) == (size),                  \
                "fast_path_layout.h: wrong size of " #field)
SECRETMODE_CHECK_FIELD(active, SECRETMODE_TS_ACTIVE, 4);
SECRETMODE_CHECK_FIELD(exception_pending, SECRETMODE_TS_EXCEPTION_PENDING, 1);
SECRETMODE_CHECK_FIELD(fast_enter, SECRETMODE_TS_FAST_ENTER, 1);
SECRETMODE_CHECK_FIELD(stack.fence, SECRETMODE_TS_STACK_FENCE, 8);
SECRETMODE_CHECK_FIELD(stack.top, SECRETMODE_TS_STACK_TOP, 8);
SECRETMODE_CHECK_FIELD(stack.lowest_fault, SECRETMODE_TS_STACK_LOWEST_FAULT, 8);
SECRETMODE_CHECK_FIELD(stack.epoch_calls, SECRETMODE_TS_EPOCH_CALLS, 4);
SECRETMODE_CHECK_FIELD(stack.epoch_waste, SECRETMODE_TS_EPOCH_WASTE, 8);
SECRETMODE_CHECK_FIELD(stack.epoch_max_depth, SECRETMODE_TS_EPOCH_MAX_DEPTH, 8);
SECRETMODE_CHECK_FIELD(stack.previous_epoch_max_depth,
                       SECRETMODE_TS_PREVIOUS_EPOCH_MAX_DEPTH, 8);
SECRETMODE_CHECK_FIELD(signal_stack.hi, SECRETMODE_TS_SIGNAL_STACK_HI, 8);
SECRETMODE_CHECK_FIELD(calls, SECRETMODE_TS_CALLS, 8);
SECRETMODE_CHECK_FIELD(bytes_erased, SECRETMODE_TS_BYTES_ERASED, 8);
SECRETMODE_CHECK_FIELD(bytes_inspected, SECRETMODE_TS_BYTES_INSPECTED, 8);
SECRETMODE_CHECK_FIELD(last_dirty_bytes, SECRETMODE_TS_LAST_DIRTY_BYTES, 8);
SECRETMODE_CHECK_FIELD(caller_sp, SECRETMODE_TS_CALLER_SP, 8);
#undef SECRETMODE_CHECK_FIELD

__thread ThreadState g_thread_state
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_ARCH_SUPPORTED
