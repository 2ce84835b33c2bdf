// executor.cc: the compiled half of secret_do. The assembly entry
// (arch/<cpu>/secret_do.S) calls secretmode_enter before switching stacks,
// fn on the secret stack (secretmode_catch if fn throws), and
// secretmode_leave after switching back; see there for the order of clearing
// and erasure.

#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include <cxxabi.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include <exception>
#include <mutex>

#include "secret/config.h"
#include "secret/executor.h"
#include "secret/sanitizer_fiber.h"
#include "secret/secret_c.h"
#include "secret/signals.h"

namespace secret {
namespace internal {

namespace {


// Only touched when fn throws, so its lazy initializer costs nothing on the
// fast path.
thread_local std::exception_ptr g_pending_exception;

pthread_key_t g_exit_key;
std::once_flag g_exit_key_once;

uintptr_t StackPointer() {
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
}

// SmallZoneErased does the bookkeeping after a zone of at most
// kBlindEraseZone bytes was zeroed whole without a scan: the predictor
// learns only whether fn reached the bottom chunk (then the zone grows);
// otherwise it keeps its current estimate. secret_do.S does the same for
// the common case (`reached_bottom` false, no epoch ends) itself.
void SmallZoneErased(ThreadState& t, bool reached_bottom) {
  SecretStack& s = t.stack;
  const size_t zone = s.top - s.fence;
  t.bytes_inspected += zone;
  t.bytes_erased += zone;
  t.last_dirty_bytes = zone;
  RecordDepth(&s, reached_bottom ? zone : RecentDepth(&s), zone);
}

// EraseStackAfterCall zeroes what the last call left in [fence, top) and
// feeds the depth it found to the predictor.
void EraseStackAfterCall(ThreadState& t) {
  SecretStack& s = t.stack;
  const size_t zone = s.top - s.fence;
  if (zone <= kBlindEraseZone) {
    SmallZoneErased(t, secretmode_zero_small_range(s.fence, s.top) != 0);
    return;
  }
  const uintptr_t first_dirty = secretmode_erase_range(s.fence, s.top);
  size_t depth = s.top - first_dirty;
  if (s.lowest_fault != 0 && s.top - s.lowest_fault > depth) {
    depth = s.top - s.lowest_fault;
  }
  const size_t inspected = s.top - s.fence;
  t.bytes_inspected += inspected;
  t.bytes_erased += s.top - first_dirty;
  t.last_dirty_bytes = s.top - first_dirty;
  RecordDepth(&s, depth, inspected);
}

// EraseAfterAbandonedCall erases a call that never returned to secret_do
// (longjmp, pthread_exit), including the signal stack, which secret_do's
// own check did not see.
void EraseAfterAbandonedCall(ThreadState& t) {
  EraseStackAfterCall(t);
  WipeSignalStackIfUsed(t.signal_stack);
  ++t.deferred_erasures;
  t.active = 0;
}

// ReleaseThread runs at thread exit: it erases a call that never finished
// (pthread_exit or cancellation inside fn), gives the program back its own
// alternate signal stack, and unmaps ours.
void ReleaseThread(ThreadState& t) {
  t.fast_enter = false;
  if (!t.has_stacks) return;
  if (t.active) EraseAfterAbandonedCall(t);
  RestoreProgramSignalStack(t);
  t.has_stacks = false;
  MappedStacks stacks{t.stack, t.signal_stack};
  UnmapStacks(&stacks);
  t.stack = SecretStack{};
  t.signal_stack = SignalStack{};
}

SECRETMODE_NO_ASAN void OnThreadExit(void*) {
  FiberUnwoundOut(g_thread_state);
  ReleaseThread(g_thread_state);
}

// RecordOwnStack notes the calling thread's own stack in `t`, so that a
// call that switched stacks inside Do is not taken for one left by longjmp.
void RecordOwnStack(ThreadState& t) {
  t.own_stack_lo = t.own_stack_hi = 0;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* lo = nullptr;
  size_t size = 0;
  if (pthread_attr_getstack(&attr, &lo, &size) == 0 && lo != nullptr) {
    t.own_stack_lo = reinterpret_cast<uintptr_t>(lo);
    t.own_stack_hi = t.own_stack_lo + size;
  }
  pthread_attr_destroy(&attr);
}

int SetUpThread(ThreadState& t) {
  PrepareProcess();
  MappedStacks stacks;
  const int err = MapStacks(CurrentConfig(), &stacks);
  if (err != 0) return err;
  return AdoptStacks(t, &stacks);
}

// RecoverAbandonedCall handles a secret_do that fn left by longjmp: its
// stack is still dirty and `active` still set.
void RecoverAbandonedCall(ThreadState& t) {
  EraseAfterAbandonedCall(t);
  t.exception_pending = false;
}

}  // namespace


void PrepareProcess() {
  secretmode_arch_init();
  ActivateSignalHandling();
  std::call_once(g_exit_key_once,
                 [] { pthread_key_create(&g_exit_key, OnThreadExit); });
}

int AdoptStacks(ThreadState& t, MappedStacks* stacks) {
  UnblockSegv();
  RecordOwnStack(t);
  t.stack = stacks->stack;
  t.signal_stack = stacks->signal_stack;
  const int err = InstallSignalStack(t);
  if (err != 0) {
    UnmapStacks(stacks);
    t.stack = SecretStack{};
    t.signal_stack = SignalStack{};
    return err;
  }
  t.has_stacks = true;
  // Any non-null value makes the destructor run at thread exit.
  pthread_setspecific(g_exit_key, &t);
  return 0;
}

void CommitRoomForSignalsBlocked() {
  ThreadState& t = g_thread_state;
  if (!t.active || !t.has_stacks) return;
  SecretStack& s = t.stack;
  const uintptr_t sp = StackPointer();
  // Not on the secret stack (a handler on the signal stack, say): nothing
  // of it is used.
  if (sp < s.guard_end || sp >= s.end) return;
  const uintptr_t want = sp - s.guard_end > kSignalsBlockedRoom
                             ? sp - kSignalsBlockedRoom
                             : s.guard_end;
  if (want < s.fence) CommitBelowFence(&s, want);
}

}  // namespace internal
}  // namespace secret

using secret::internal::g_thread_state;
using secret::internal::ThreadState;

// SecretStackTops is secretmode_enter's answer, returned in two registers:
// where fn starts (0 when nested, an errno below 4096 on failure), and the
// top of the secret signal stack, which secret_do checks after the call.
struct SecretStackTops {
  uintptr_t stack;
  uintptr_t signal_stack;
};

namespace {

// StartCall plans where fn starts and marks the call active; `caller_sp` is
// the caller's stack pointer (see ThreadState::caller_sp).
inline SecretStackTops StartCall(ThreadState& t, uintptr_t caller_sp) {
  secret::internal::PlanNextTop(&t.stack);
  t.caller_sp = caller_sp;
  t.active = 1;
  ++t.calls;
  secret::internal::FiberLeaving(t);
  return {t.stack.top, t.signal_stack.hi};
}

// EnterSlowly is secretmode_enter's rare cases, kept out of line so that the
// common one needs no stack frame: a nested call, a call after one that fn
// left by longjmp, and a thread's first call.
__attribute__((noinline)) SecretStackTops EnterSlowly(ThreadState& t,
                                                      uintptr_t sp) {
  if (t.active) {
    // Nested, also when code inside the call switched to a stack of its own
    // (OpenSSL's ASYNC jobs do, inside SSL_do_handshake): fn runs where we
    // are.
    if (secret::internal::InsideActiveCall(t, sp)) return {0, 0};
    // Left by longjmp: erase it and start afresh. Paused in a coroutine that
    // switched back here: its frames are live on the secret stack, which
    // this call cannot use.
    if (!secret::internal::CallWasLeft(t)) return {EBUSY, 0};
    secret::internal::RecoverAbandonedCall(t);
  }
  if (!t.has_stacks) {
    const int err = secret::internal::SetUpThread(t);
    if (err != 0) return {static_cast<uintptr_t>(err), 0};
  }
  return StartCall(t, sp);
}

}  // namespace

extern "C" SecretStackTops secretmode_enter(void) {
  ThreadState& t = g_thread_state;
  const uintptr_t sp = secret::internal::StackPointer();
  if (__builtin_expect(t.active || !t.has_stacks, 0)) return EnterSlowly(t, sp);
  return StartCall(t, sp);
}

#if defined(SECRETMODE_ASAN)
// secretmode_run_on_fiber runs fn on the secret stack between the fiber
// annotations AddressSanitizer needs around a stack switch; secret_do calls it
// instead of fn under AddressSanitizer only. If fn throws, secretmode_catch
// makes the returning annotation.
extern "C" void secretmode_run_on_fiber(void (*fn)(void*), void* arg) {
  ThreadState& t = g_thread_state;
  secret::internal::FiberArrived(t);
  fn(arg);
  secret::internal::FiberReturning(t);
}
#endif

namespace {

// EndCatch ends the catch secretmode_catch began, both when it returns and
// while its rethrow of a forced unwind leaves it (as a compiler's catch block
// would).
struct EndCatch {
  ~EndCatch() { abi::__cxa_end_catch(); }
};

}  // namespace

// secretmode_catch is secret_do's catch (...) around fn: its landing pad,
// described by the LSDA in secret_do.S, calls it on the secret stack with
// the exception fn's call tree threw. A C++ exception is parked, to be
// rethrown by secretmode_rethrow after erasure, and secretmode_catch returns.
// Forced unwinding (pthread_exit, cancellation) and foreign exceptions have
// no type, cannot be parked and must keep unwinding: it rethrows them, and
// the secret stack stays marked dirty until the thread's next call or exit.
extern "C" void secretmode_catch(void* unwind_exception) {
  ThreadState& t = g_thread_state;
  abi::__cxa_begin_catch(unwind_exception);
  EndCatch end_catch;
  if (abi::__cxa_current_exception_type() == nullptr) {
    secret::internal::FiberReturning(t);
    t.asan_return_pending = true;
    abi::__cxa_rethrow();
  }
  secret::internal::g_pending_exception = std::current_exception();
  t.exception_pending = true;
  secret::internal::FiberReturning(t);
}

// secretmode_leave erases after a call; `signal_stack_dirty` is secret_do's
// finding that a signal frame reached the top of the secret signal stack.
// It also plans where the next call starts, so that secret_do can start it
// without calling secretmode_enter (`fast_enter`). Not under
// AddressSanitizer, whose fiber bookkeeping secretmode_enter must do.
namespace {

// FinishCall ends an outermost call after erasure: plans the next call's top
// and returns whether fn's exception must be rethrown.
inline int FinishCall(ThreadState& t) {
#if !defined(SECRETMODE_ASAN)
  secret::internal::PlanNextTop(&t.stack);
  t.fast_enter = true;
#endif
  // A signal handler's secret_do may start a call once `active` is 0: the
  // planned top must be in place first.
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  t.active = 0;
  return t.exception_pending ? 1 : 0;
}

}  // namespace

extern "C" int secretmode_leave(int signal_stack_dirty) {
  ThreadState& t = g_thread_state;
  secret::internal::FiberReturned(t);
  secret::internal::EraseStackAfterCall(t);
  if (signal_stack_dirty) secret::internal::WipeSignalStack(t.signal_stack);
  return FinishCall(t);
}

// secretmode_leave_bottom_reached ends a call whose small zone secret_do.S
// has zeroed itself, and which reached the zone's bottom chunk (so the
// predictor must widen the zone). Returns 0: secret_do takes this path only
// when fn threw nothing.
extern "C" int secretmode_leave_bottom_reached(void) {
  ThreadState& t = g_thread_state;
  secret::internal::SmallZoneErased(t, /*reached_bottom=*/true);
  return FinishCall(t);
}

extern "C" void secretmode_rethrow(void) {
  ThreadState& t = g_thread_state;
  t.exception_pending = false;
  std::exception_ptr pending = secret::internal::g_pending_exception;
  secret::internal::g_pending_exception = nullptr;
  std::rethrow_exception(pending);
}

extern "C" int secret_enabled(void) {
  return secret::internal::InSecretMode() ? 1 : 0;
}

extern "C" int secret_supported(void) { return 1; }

extern "C" int secret_get_thread_stats(struct secret_thread_stats* out) {
  const ThreadState& t = g_thread_state;
  *out = secret_thread_stats{};
  out->calls = t.calls;
  out->bytes_erased = t.bytes_erased;
  out->bytes_inspected = t.bytes_inspected;
  out->last_dirty_bytes = t.last_dirty_bytes;
  out->fence_faults = t.stack.faults;
  out->fence_shrinks = t.stack.shrinks;
  out->deferred_erasures = t.deferred_erasures;
  out->signal_stack_wipes = t.signal_stack.wipes;
  out->has_stacks = t.has_stacks ? 1 : 0;
  if (t.has_stacks) {
    out->stack_reserved = t.stack.end - t.stack.base;
    out->stack_committed = t.stack.end - t.stack.fence;
    out->signal_stack_size = t.signal_stack.hi - t.signal_stack.lo;
    out->stack_locked = t.stack.locked ? 1 : 0;
    out->signal_stack_locked = t.signal_stack.locked ? 1 : 0;
  }
  return 0;
}

#endif  // SECRETMODE_ARCH_SUPPORTED
