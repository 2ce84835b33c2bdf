// shim_levels.h: the OpenSSL shim's internal state that every wrapper
// consults: which levels of shim/entry_points.inc run in secret mode
// (SECRETMODE_SHIM_LEVELS, secret_shim_set_levels) and the per-entry-point
// counts (on when SECRETMODE_SHIM_REPORT is set, or by
// secret_shim_set_counting). The public API is in secret_shim.h.

#ifndef SECRETMODE_SHIM_OPENSSL_SHIM_LEVELS_H_
#define SECRETMODE_SHIM_OPENSSL_SHIM_LEVELS_H_

#include <stdint.h>

#include "shim/openssl/entry_index.h"

namespace secret_shim {

enum Level : unsigned {
  kLibssl = 1,
  kLibcrypto = 2,
};

// ShouldWrap returns whether wrappers of `level` run their function inside
// secret_do. Reads the environment at its first call; thread-safe.
bool ShouldWrap(unsigned level);

// CountingOn returns whether wrappers count their calls. Reads the
// environment at its first call; thread-safe.
bool CountingOn();

// CountCall counts one call of `entry` that reached its wrapper, and whether
// it was the outermost one (the call that switched to secret mode).
void CountCall(EntryIndex entry, bool outermost);

// CheckHeapOnce says once on stderr, at the first wrapped call, when
// OpenSSL's heap is not in the secret arena: libcrypto was loaded after the
// shim's constructor ran (dlopen, as Python's ssl module does) and had
// allocated before a hook could be set. The wrappers still work.
void CheckHeapOnce();

// ReportUnprotectedCall says once on stderr that a wrapped call ran outside
// secret mode because secret_do failed with `err` (ENOMEM: no secret stacks;
// EBUSY: the thread's secret stack is held by a paused coroutine's call).
void ReportUnprotectedCall(int err);

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OPENSSL_SHIM_LEVELS_H_
