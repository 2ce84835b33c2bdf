// shim_runtime.h: what every shim's wrappers share: which levels of
// shim/entry_points.inc run in secret mode (SECRETMODE_SHIM_LEVELS,
// secret_shim_set_levels), the per-entry-point counts (on when
// SECRETMODE_SHIM_REPORT is set, or by secret_shim_set_counting), the report
// at exit, and running a call in secret mode. The public API is in
// shim/secret_shim.h.
//
// Each shim (OpenSSL's, BoringSSL's) links this once and defines the
// functions under "Defined by each shim" for its library.

#ifndef SECRETMODE_SHIM_SHIM_RUNTIME_H_
#define SECRETMODE_SHIM_SHIM_RUNTIME_H_

#include <errno.h>
#include <stdint.h>

#include <atomic>

#include "secret/secret_c.h"

namespace secret_shim {

enum Level : unsigned {
  kLibssl = 1,
  kLibcrypto = 2,
};

// One entry point of the shim's library, in the list's order.
struct EntryInfo {
  const char* name;
  unsigned level;
  const char* category;
};

struct EntryCounts {
  std::atomic<uint64_t> calls;
  std::atomic<uint64_t> outermost;
};

// The shim's entries and their counters (both arrays of `size` elements).
struct EntryTable {
  const EntryInfo* entries;
  EntryCounts* counts;
  unsigned size;
};

// ---- Defined by each shim ----

// ShimEntries returns the shim's table (static; constant-initialized, so that
// it can be used before main). Thread-safe and async-signal-safe.
const EntryTable& ShimEntries();

// ShimLibraryName returns "OpenSSL" or "BoringSSL" (a static string), for
// messages. Thread-safe and async-signal-safe.
const char* ShimLibraryName();

// ShimLibraryLoaded returns whether the shim's library is in the process: a
// process the preload reached that never loaded it reports nothing at exit.
// Thread-safe; not async-signal-safe (the OpenSSL shim asks the loader).
bool ShimLibraryLoaded();

// ShimHeapCovered returns whether the library's heap is in the secret arena.
// Thread-safe; not async-signal-safe.
//
// WARNING: the BoringSSL shim answers true by construction (the patched
// library does not link without the arena's hooks); it checks nothing at
// run time.
bool ShimHeapCovered();

// ---- Shared ----

// kUnread is the value of `g_levels` and `g_counting` before the first read
// of their settings.
constexpr int kUnread = -1;

// g_levels holds the level bits whose wrappers run in secret mode
// (shim_levels.cc); g_counting holds 1 when wrappers count their calls
// (call_counts.cc). Both are read by every wrapped call, so their fast paths
// below are inline: one relaxed load each.
extern std::atomic<int> g_levels;
extern std::atomic<int> g_counting;

// SettleSetting stores `value` in `setting` unless another thread stored a
// value first (a concurrent secret_shim_set_* wins over the environment),
// and returns what `setting` then holds. Thread-safe.
inline int SettleSetting(std::atomic<int>& setting, int value) {
  int expected = kUnread;
  if (setting.compare_exchange_strong(expected, value,
                                      std::memory_order_relaxed)) {
    return value;
  }
  return expected;
}

// ReadLevels and ReadCounting set `g_levels` and `g_counting` from the
// environment unless something set them first, and return them. Thread-safe.
int ReadLevels();
bool ReadCounting();

// Levels returns the level bits whose wrappers run in secret mode. Reads the
// environment at its first call; thread-safe and, once read (the shim's
// constructor reads it), async-signal-safe.
inline int Levels() {
  const int levels = g_levels.load(std::memory_order_relaxed);
  if (__builtin_expect(levels != kUnread, 1)) return levels;
  return ReadLevels();
}

// ShouldWrap returns whether wrappers of `level` run their function inside
// secret_do. Thread-safe.
inline bool ShouldWrap(unsigned level) {
  return (Levels() & static_cast<int>(level)) != 0;
}

// CountingOn returns whether wrappers count their calls. Reads the
// environment at its first call; thread-safe.
inline bool CountingOn() {
  const int on = g_counting.load(std::memory_order_relaxed);
  if (__builtin_expect(on != kUnread, 1)) return on != 0;
  return ReadCounting();
}

// CountCall counts one call of entry `entry` (its index in the shim's table)
// that reached its wrapper, and whether it was the outermost one (the call
// that switched to secret mode). Thread-safe and async-signal-safe (relaxed
// atomic increments).
void CountCall(unsigned entry, bool outermost);

// ReportUnprotectedCall says once on stderr that a wrapped call ran outside
// secret mode because secret_do failed with `err` (ENOMEM: no secret stacks;
// EBUSY: the thread's secret stack is held by a paused coroutine's call).
void ReportUnprotectedCall(int err);

// CallResult holds what a wrapped call returned, so that one frame serves
// functions returning a value and functions returning nothing.
template <typename Result>
struct CallResult {
  Result value{};
  template <typename Call>
  void Run(const Call& call) {
    value = call();
  }
  Result Get() const { return value; }
};

template <>
struct CallResult<void> {
  template <typename Call>
  void Run(const Call& call) {
    call();
  }
  void Get() const {}
};

// CallInSecretMode runs `call` (a callable taking no arguments: the wrapped
// function with its arguments bound, by value) inside secret_do and returns
// its result, with errno as `call` left it: secret_do's own system calls
// must not change what a caller reads after SSL_ERROR_SYSCALL. If this
// thread's secret stacks cannot be set up, the call runs unprotected rather
// than failing a TLS operation, and that is reported once
// (ReportUnprotectedCall). Thread-safe; async-signal-safe when `call` is.
//
// The frame secret_do hands to fn holds a copy of `call` itself, so that fn
// reaches the arguments with one load each: a chain of references (a lambda
// capturing a lambda capturing the arguments) cost ~5 ns per call in
// dependent loads.
//
// WARNING: the fallback trades protection for availability: after ENOMEM
// (or EBUSY, a paused coroutine holding the secret stack) the call's stack
// frames and registers are not erased. The message on stderr is the only
// sign.
template <typename Call>
inline auto CallInSecretMode(const Call& call) -> decltype(call()) {
  using Result = decltype(call());
  // errno's address is the thread's, the same on every stack: taken once,
  // it saves a second call into the C library per wrapped call.
  int* const errno_location = &errno;
  struct Frame {
    Call call;
    int* errno_location;
    int call_errno;
    CallResult<Result> result;
  } frame{call, errno_location, 0, {}};
  const int err = secret_do(
      [](void* p) {
        Frame& f = *static_cast<Frame*>(p);
        f.result.Run(f.call);
        f.call_errno = *f.errno_location;
      },
      &frame);
  if (__builtin_expect(err != 0, 0)) {
    ReportUnprotectedCall(err);
    return call();
  }
  *errno_location = frame.call_errno;
  return frame.result.Get();
}

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_SHIM_RUNTIME_H_
