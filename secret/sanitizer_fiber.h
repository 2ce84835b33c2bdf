// sanitizer_fiber.h: tells AddressSanitizer about the stack switch, so that
// its stack bounds, fake stacks and no-return unpoisoning follow fn onto the
// secret stack and back. Empty functions in other builds.

#ifndef SECRETMODE_SECRET_SANITIZER_FIBER_H_
#define SECRETMODE_SECRET_SANITIZER_FIBER_H_

#include "secret/thread_state.h"

#if defined(__SANITIZE_ADDRESS__)
#define SECRETMODE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SECRETMODE_ASAN 1
#endif
#endif

#ifdef SECRETMODE_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define SECRETMODE_NO_ASAN __attribute__((no_sanitize_address))
#else
#define SECRETMODE_NO_ASAN
#endif

namespace secret {
namespace internal {

// FiberLeaving runs on the caller's stack just before the switch.
inline void FiberLeaving(ThreadState& t) {
#ifdef SECRETMODE_ASAN
  __sanitizer_start_switch_fiber(&t.asan_fake_stack,
                                 reinterpret_cast<const void*>(t.stack.guard_end),
                                 t.stack.top - t.stack.guard_end);
#else
  (void)t;
#endif
}

// FiberArrived runs first thing on the secret stack.
inline void FiberArrived(ThreadState& t) {
#ifdef SECRETMODE_ASAN
  __sanitizer_finish_switch_fiber(t.asan_fake_stack, &t.asan_caller_bottom,
                                  &t.asan_caller_size);
#else
  (void)t;
#endif
}

// FiberReturning runs last thing on the secret stack.
inline void FiberReturning(ThreadState& t) {
#ifdef SECRETMODE_ASAN
  __sanitizer_start_switch_fiber(&t.asan_fake_stack, t.asan_caller_bottom,
                                 t.asan_caller_size);
#else
  (void)t;
#endif
}

// FiberReturned runs first thing back on the caller's stack.
inline void FiberReturned(ThreadState& t) {
#ifdef SECRETMODE_ASAN
  __sanitizer_finish_switch_fiber(t.asan_fake_stack, nullptr, nullptr);
#else
  (void)t;
#endif
}

// FiberUnwoundOut completes a return that a forced unwind (pthread_exit
// inside fn) made without FiberReturned: AddressSanitizer then still took
// the secret stack for the current one, so it left the redzones of the
// caller's frames that the unwind skipped poisoned. Call it from code that
// is not instrumented itself (SECRETMODE_NO_ASAN), on the thread's stack.
SECRETMODE_NO_ASAN inline void FiberUnwoundOut(ThreadState& t) {
#ifdef SECRETMODE_ASAN
  if (!t.asan_return_pending) return;
  __sanitizer_finish_switch_fiber(t.asan_fake_stack, nullptr, nullptr);
  __asan_unpoison_memory_region(t.asan_caller_bottom, t.asan_caller_size);
  t.asan_return_pending = false;
#else
  (void)t;
#endif
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_SANITIZER_FIBER_H_
