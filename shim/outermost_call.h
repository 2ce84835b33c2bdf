// outermost_call.h: the question every wrapper asks first, inlined into the
// wrappers: is this call the one that switches to secret mode? A TLS record
// passes through ~16 wrapped calls that run nested inside SSL_read or
// SSL_write, so this check is on the hot path of every record.

#ifndef SECRETMODE_SHIM_OUTERMOST_CALL_H_
#define SECRETMODE_SHIM_OUTERMOST_CALL_H_

#include "secret/secret_mode_check.h"
#include "shim/shim_runtime.h"

namespace secret_shim {

// OutermostWrappedCall counts the call of entry `entry` (of `level`) when
// counting is on, and returns whether the call is to switch to secret mode:
// it is not `public_call` (shim/public_calls.h), its level is on and secret
// mode is not active yet. Otherwise the wrapper calls the function directly
// (a public or nested call, or a level turned off). Thread-safe and
// async-signal-safe.
inline bool OutermostWrappedCall(unsigned level, unsigned entry,
                                 bool public_call) {
  const bool outermost = !public_call && ShouldWrap(level) &&
                         !secret::internal::SecretModeOn();
  if (__builtin_expect(CountingOn(), 0)) CountCall(entry, outermost);
  return outermost;
}

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OUTERMOST_CALL_H_
