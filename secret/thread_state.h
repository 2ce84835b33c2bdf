// thread_state.h: everything secret mode keeps per thread.
//
// The state is a trivially constructible thread_local with the initial-exec
// TLS model, so that reading it costs one %fs-relative load, needs no lazy
// initializer, and is safe in signal handlers (the fault handler reads it).

#ifndef SECRETMODE_SECRET_THREAD_STATE_H_
#define SECRETMODE_SECRET_THREAD_STATE_H_

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

namespace secret {
namespace internal {

// SecretStack is one thread's secret stack. The reservation is, from low to
// high addresses: a 1 MiB guard gap, then PROT_NONE pages that fn has not reached
// yet, then the committed part [fence, end). fn starts at `top`, which slides
// within [end - kSlideRoom, end] so that the zone [fence, top) that erasure
// inspects tracks how deep fn goes, with page faults only on new depths.
struct SecretStack {
  uintptr_t base;        // lowest reserved address (start of the guard gap)
  uintptr_t guard_end;   // lowest address fn may use
  uintptr_t end;         // one past the highest reserved address
  uintptr_t fence;       // lowest committed address; below it faults
  uintptr_t top;         // where fn's call tree starts for the current call
  uintptr_t lowest_fault;// lowest address faulted in during the current call
  size_t usable;         // configured stack size (bytes fn may use)
  size_t slide;          // kSlideRoom rounded to pages
  bool locked;           // every committed page is mlocked
  bool lock_wanted;      // config asked for mlock
  unsigned valgrind_id;  // Valgrind's handle for the registered stack
  uint64_t faults;       // fence faults handled (new depths)
  uint64_t shrinks;      // times committed pages were given back
  // Predictor: the deepest dirt of recent calls, in two epochs.
  uint32_t epoch_calls;
  size_t epoch_waste;    // bytes scanned beyond the dirt in this epoch
  size_t epoch_max_depth;
  size_t previous_epoch_max_depth;
};

// SignalStack is one thread's secret signal stack: a guard page, then
// [lo, hi), installed with sigaltstack while the thread has secret stacks.
struct SignalStack {
  uintptr_t base;
  uintptr_t lo;
  uintptr_t hi;
  bool locked;
  uint64_t wipes;        // erasures after a signal used it
};

// ThreadState is the per-thread record. Zero means "no secret stacks yet".
struct ThreadState {
  // Set while an outermost secret_do is running on this thread. It stays set
  // when fn leaves by longjmp; `Enabled` then checks the stack pointer, and
  // the next secret_do erases the abandoned stack.
  uint32_t active;
  bool has_stacks;
  // An exception fn threw is parked in `PendingException()` (not here, since
  // std::exception_ptr is not trivially constructible).
  bool exception_pending;
  bool reserved;
  // Set when the next outermost call may start at `stack.top` without the
  // executor's C++ entry: the previous call planned that top when it left,
  // and nothing since needs the slow path (see secret_do.S). Offsets the
  // assembly uses are in fast_path_layout.h.
  bool fast_enter;
  SecretStack stack;
  SignalStack signal_stack;
  // The alternate signal stack the program asked for on this thread, which
  // the kernel does not see while ours is installed (see signal_interpose).
  stack_t program_altstack;
  // AddressSanitizer's bookkeeping for the stack switch (fiber API).
  void* asan_fake_stack;
  const void* asan_caller_bottom;
  size_t asan_caller_size;
  // Set when a forced unwind (pthread_exit) left the secret stack without
  // telling AddressSanitizer it arrived back; thread exit completes it.
  bool asan_return_pending;
  // Statistics (see secret_thread_stats).
  uint64_t calls;
  uint64_t bytes_erased;
  uint64_t bytes_inspected;
  uint64_t last_dirty_bytes;
  uint64_t deferred_erasures;
  // The thread's own stack, [own_stack_lo, own_stack_hi), recorded when it
  // gets secret stacks (both 0 when the C library cannot tell).
  uintptr_t own_stack_lo;
  uintptr_t own_stack_hi;
  // The stack pointer of the running outermost call's caller, set when the
  // call starts: tells a call left by longjmp (the caller's stack is the
  // own stack and the thread is back above it) from one that is paused in a
  // coroutine while the thread runs elsewhere.
  uintptr_t caller_sp;
};

// g_thread_state is the calling thread's state. It is a plain __thread
// variable, not a C++ thread_local, so that the allocator's fast path reads it
// with one %fs-relative load and no initialization wrapper.
//
// Every thread-local variable of secretmode is initial-exec and hidden:
// hidden, so that a shared object (the preloaded shim) resolves its offset
// when it is linked; a local or exported TLS symbol in the dynamic symbol
// table gets a wrong offset from the loader here, and writes to it land on
// another variable.
extern __thread ThreadState g_thread_state
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

// CurrentThread returns the calling thread's state. Async-signal-safe.
static inline ThreadState& CurrentThread() { return g_thread_state; }

// OnSecretStacks is true when `sp` lies on `t`'s secret stack or secret
// signal stack. Async-signal-safe.
static inline bool OnSecretStacks(const ThreadState& t, uintptr_t sp) {
  return (sp >= t.stack.guard_end && sp < t.stack.end) ||
         (sp >= t.signal_stack.lo && sp < t.signal_stack.hi);
}

// OnForeignStack is true when `sp` lies on neither the thread's own stack
// nor its secret stacks, while the own stack is known: code inside Do has
// switched to a stack of its own (swapcontext, a fiber library, OpenSSL's
// ASYNC jobs) and is still inside the call. Async-signal-safe.
static inline bool OnForeignStack(const ThreadState& t, uintptr_t sp) {
  return t.own_stack_hi != 0 &&
         !(sp >= t.own_stack_lo && sp < t.own_stack_hi) &&
         !OnSecretStacks(t, sp);
}

// InsideActiveCall is true when `sp` belongs to the running outermost call
// of `t` (which must be active): on the secret stacks, or on a foreign stack
// that code inside the call switched to. Back on the thread's own stack, the
// call was left by longjmp. Async-signal-safe.
static inline bool InsideActiveCall(const ThreadState& t, uintptr_t sp) {
  return OnSecretStacks(t, sp) || OnForeignStack(t, sp);
}

// CallWasLeft is true when `t`'s active call, seen from the thread's own
// stack outside it, was left for good (longjmp out of fn): the call was
// started from the own stack, whose only context is now here, above it. It
// is false when the call is paused instead: it was started from another
// stack (a coroutine, an OpenSSL ASYNC job) that switched back here. Where
// the own stack is unknown, every call seen from outside was left.
// Async-signal-safe.
static inline bool CallWasLeft(const ThreadState& t) {
  if (t.own_stack_hi == 0) return true;
  return t.caller_sp >= t.own_stack_lo && t.caller_sp < t.own_stack_hi;
}

// InSecretMode is `secret_enabled()`: a thread-local load when secret mode
// is off, inlined into the allocator's fast path. Async-signal-safe.
static inline bool InSecretMode() {
  const ThreadState& t = g_thread_state;
  if (__builtin_expect(!t.active, 1)) return false;
  return InsideActiveCall(
      t, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_THREAD_STATE_H_
