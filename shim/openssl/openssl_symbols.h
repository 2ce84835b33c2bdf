// openssl_symbols.h: finds OpenSSL's functions at run time, wherever
// libssl and libcrypto were loaded: in the global scope (linked, preloaded,
// or dlopen'd with RTLD_GLOBAL) or in a local scope (dlopen'd without it, as
// Python's ssl module does). secretmode never links OpenSSL: a preloaded shim
// must not load libcrypto into programs that do not use it.

#ifndef SECRETMODE_SHIM_OPENSSL_OPENSSL_SYMBOLS_H_
#define SECRETMODE_SHIM_OPENSSL_OPENSSL_SYMBOLS_H_

namespace secret_shim {

// FindNextDefinition returns the definition of `name` that the shim's own
// definition hides, or null when no loaded library defines it. It looks in
// the objects loaded after the shim in the global scope (dlsym RTLD_NEXT),
// then in libssl and libcrypto where they were loaded into a local scope
// with dlopen (Python's ssl module does that: libssl's calls then bind to
// the preloaded shim, but RTLD_NEXT cannot see the libcrypto they meant).
// Thread-safe; not async-signal-safe (dlsym, dlopen).
void* FindNextDefinition(const char* name);

// FindOpenSslFunction returns OpenSSL's definition of `name` (one the shim
// does not wrap, such as CRYPTO_set_mem_functions), or null when neither
// the global scope nor a loaded libssl or libcrypto defines it.
// Thread-safe; not async-signal-safe.
void* FindOpenSslFunction(const char* name);

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OPENSSL_OPENSSL_SYMBOLS_H_
