// heap_check.h: the OpenSSL shim's one-time warning that OpenSSL's heap is
// not in the secret arena.

#ifndef SECRETMODE_SHIM_OPENSSL_HEAP_CHECK_H_
#define SECRETMODE_SHIM_OPENSSL_HEAP_CHECK_H_

namespace secret_shim {

// CheckHeapOnce says once on stderr, at the first wrapped call, when
// OpenSSL's heap is not in the secret arena: libcrypto was loaded after the
// shim's constructor ran (dlopen, as Python's ssl module does) and had
// allocated before a hook could be set. The wrappers still work.
// Thread-safe; not async-signal-safe (stdio).
//
// WARNING: it warns, it does not fix: freed OpenSSL memory in such a process
// is not zeroed.
void CheckHeapOnce();

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OPENSSL_HEAP_CHECK_H_
