// secret_mode_check.h: `secret_enabled()` inlined for the allocator's hot
// paths, on every platform (it is always false where secret_do just calls fn).

#ifndef SECRETMODE_SECRET_SECRET_MODE_CHECK_H_
#define SECRETMODE_SECRET_SECRET_MODE_CHECK_H_

#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED
#include "secret/thread_state.h"
#endif

namespace secret {
namespace internal {

// SecretModeOn is true when the caller runs inside secret_do on this thread.
// Async-signal-safe; a thread-local load when false.
static inline bool SecretModeOn() {
#if SECRETMODE_ARCH_SUPPORTED
  return InSecretMode();
#else
  return false;
#endif
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_SECRET_MODE_CHECK_H_
