/* secret_shim.h: controls and statistics of secretmode's shims: the OpenSSL
 * shim (//shim/openssl:shim, or libsecretmode_openssl.so preloaded) and the
 * BoringSSL link-time shim (//shim/boringssl:shim). A program links one of
 * them; both implement this API.
 *
 * A shim wraps the entry points of shim/entry_points.inc that exist in its
 * library: each wrapper runs the library's function inside `secret_do` (only
 * the outermost wrapped call on a thread switches stacks; calls the library
 * makes to other wrapped functions run directly inside it) and returns its
 * result, its out-parameters, its error queue and `errno` unchanged. A
 * program that preloads the OpenSSL shim can reach these functions with
 * `dlsym(RTLD_DEFAULT, ...)`. */

#ifndef SECRETMODE_SHIM_SECRET_SHIM_H_
#define SECRETMODE_SHIM_SECRET_SHIM_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* secret_shim_set_levels chooses which entry points run in secret mode:
 * `levels` is "libssl,libcrypto" (the default), "libssl", "libcrypto" or
 * "none", as in the `SECRETMODE_SHIM_LEVELS` environment variable, which it
 * overrides. It returns 0, or EINVAL for any other text (the levels are then
 * unchanged). Calls that start afterwards see the new levels; calls already
 * running are unaffected. Thread-safe and async-signal-safe.
 *
 * WARNING: "none" turns all protection off, and "libcrypto" alone leaves
 * libssl's own frames (which hold traffic keys in OpenSSL 3, and the
 * traffic keys and IVs BoringSSL derives in `tls13_set_traffic_key`)
 * unprotected. */
int secret_shim_set_levels(const char* levels);

/* secret_shim_levels returns the levels in effect as a static string in the
 * form `secret_shim_set_levels` accepts (never NULL; the caller does not
 * free it). Thread-safe and async-signal-safe.
 *
 * WARNING: another thread may change the levels right after the call; the
 * answer describes calls that start now, not calls already running. */
const char* secret_shim_levels(void);

/* secret_shim_call_count is one entry point's counts. */
typedef struct secret_shim_call_count {
  const char* name;      /* the function, e.g. "SSL_read" */
  const char* level;     /* "libssl" or "libcrypto" */
  const char* category;  /* "handshake", "record", "kdf", ... */
  uint64_t calls;        /* calls that reached the wrapper */
  uint64_t outermost;    /* of those, calls that switched to secret mode */
} secret_shim_call_count;

/* secret_shim_set_counting turns per-entry-point counting on (`on` != 0) or
 * off; it is off unless `SECRETMODE_SHIM_REPORT` is set, so that wrapped
 * calls on many threads never write a shared counter. Thread-safe and
 * async-signal-safe.
 *
 * WARNING: counting is for tests and diagnosis: with it on, every wrapped
 * call on every thread increments shared counters (contended cache lines on
 * a busy server). It changes nothing about what is protected. */
void secret_shim_set_counting(int on);

/* secret_shim_get_call_counts copies the counts of the shim's first
 * `capacity` entry points into `out` (caller-owned; may be NULL when
 * `capacity` is 0) in the order of shim/entry_points.inc (the entries of the
 * shim's library only), and returns the number of entry points, which may
 * exceed `capacity`. The strings are static. Never fails. Thread-safe;
 * not async-signal-safe.
 *
 * WARNING: the counts are read one by one, not as a snapshot: calls running
 * concurrently may be included in some entries and not in others. A count
 * says a call reached the wrapper, not what the wrapped function did. */
size_t secret_shim_get_call_counts(secret_shim_call_count* out,
                                   size_t capacity);

/* secret_shim_reset_call_counts sets every count to zero. Thread-safe and
 * async-signal-safe.
 *
 * WARNING: not atomic against calls counted concurrently: a call on another
 * thread may be counted in some of its counters before the reset and in
 * others after it. Reset while no wrapped call runs for exact counts. */
void secret_shim_reset_call_counts(void);

#ifdef __cplusplus
}
#endif

#endif /* SECRETMODE_SHIM_SECRET_SHIM_H_ */
