// shim_levels.h: which levels of shim/entry_points.inc the OpenSSL shim
// wraps, and its counts of wrapped calls.
//
// SECRETMODE_SHIM_LEVELS chooses the levels: "libssl,libcrypto" (the
// default), "libssl", "libcrypto" or "none". SECRETMODE_SHIM_REPORT=1 prints
// the counts, and whether OpenSSL's heap is in the secret arena, to stderr
// when the process exits.

#ifndef SECRETMODE_SHIM_OPENSSL_SHIM_LEVELS_H_
#define SECRETMODE_SHIM_OPENSSL_SHIM_LEVELS_H_

#include <stdint.h>

namespace secret_shim {

enum Level : unsigned {
  kLibssl = 1,
  kLibcrypto = 2,
};

// ShouldWrap returns whether wrappers of `level` run their function inside
// secret_do. Reads the environment once; thread-safe.
bool ShouldWrap(unsigned level);

// CountWrappedCall counts one outermost wrapped call of `level`.
void CountWrappedCall(unsigned level);

// WrappedCalls returns the calls counted for `level` so far.
uint64_t WrappedCalls(unsigned level);

// ReportUnprotectedCall says once on stderr that a wrapped call ran outside
// secret mode because secret_do failed with `err`.
void ReportUnprotectedCall(int err);

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OPENSSL_SHIM_LEVELS_H_
