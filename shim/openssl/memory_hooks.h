/* memory_hooks.h: puts all of OpenSSL 3's heap in the secret arena.
 *
 * OpenSSL frees the `SSL` object without cleansing it: after SSL_free, both
 * application traffic secrets, the exporter secret and both IVs stay in
 * freed heap memory (measured with Debian's OpenSSL 3.0). With OpenSSL's
 * allocations in the secret arena, every freed block is zeroed instead. */

#ifndef SECRETMODE_SHIM_OPENSSL_MEMORY_HOOKS_H_
#define SECRETMODE_SHIM_OPENSSL_MEMORY_HOOKS_H_

#ifdef __cplusplus
extern "C" {
#endif

/* secret_openssl_use_arena hands OpenSSL's `CRYPTO_set_mem_functions` the
 * secret allocator, so that every block OpenSSL allocates from then on comes
 * from the secret arena and is zeroed when freed. OpenSSL accepts this only
 * before its first allocation: call it first thing in main, or link
 * //shim/openssl:heap_at_startup, which calls it from a constructor.
 *
 * It returns 0 when OpenSSL's heap is in the arena (also when it already
 * was); EALREADY when OpenSSL had allocated already, after printing a
 * message saying so to stderr (OpenSSL then keeps using the C library's
 * allocator); ENOENT, silently, when no OpenSSL is loaded in the process.
 * OpenSSL is found at run time (dlsym), never linked by this library.
 * Thread-safe; not async-signal-safe.
 *
 * WARNING: it covers OpenSSL's heap only. Secrets OpenSSL keeps on its stack
 * need its entry points run inside `secret_do` (the shim does that); blocks
 * stay readable while live, so a session still open keeps its keys in
 * memory (locked and out of core dumps where possible). */
int secret_openssl_use_arena(void);

/* secret_openssl_arena_active returns 1 when OpenSSL's allocation hooks are
 * the secret allocator's, and 0 otherwise (also when no OpenSSL is loaded).
 * Thread-safe. */
int secret_openssl_arena_active(void);

/* secret_openssl_loaded returns 1 when OpenSSL's libcrypto is loaded in the
 * process, and 0 otherwise. Thread-safe. */
int secret_openssl_loaded(void);

#ifdef __cplusplus
}
#endif

#endif /* SECRETMODE_SHIM_OPENSSL_MEMORY_HOOKS_H_ */
