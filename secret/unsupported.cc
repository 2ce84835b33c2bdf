// unsupported.cc: secret_do on platforms without arch/ support calls fn
// directly, as Go's runtime/secret does there.

#include "arch/arch.h"

#if !SECRETMODE_ARCH_SUPPORTED

#include "secret/secret_c.h"

extern "C" int secret_do(void (*fn)(void*), void* arg) {
  fn(arg);
  return 0;
}

extern "C" int secret_enabled(void) { return 0; }

extern "C" int secret_supported(void) { return 0; }

extern "C" int secret_get_thread_stats(struct secret_thread_stats* out) {
  *out = secret_thread_stats{};
  return 0;
}

#endif  // !SECRETMODE_ARCH_SUPPORTED
