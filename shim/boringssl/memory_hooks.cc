// memory_hooks.cc: BoringSSL's allocation hooks, bound to the secret arena.
//
// BoringSSL calls OPENSSL_memory_alloc, OPENSSL_memory_free and
// OPENSSL_memory_get_size for every allocation it makes (src/crypto/mem.c).
// Stock BoringSSL declares them weak and falls back to malloc with a cleanse
// on free; patches/boringssl/0001 makes them strong references, so a program
// that links BoringSSL without this library fails to link instead of
// silently running without the arena. With the hooks defined BoringSSL no
// longer cleanses on free: the arena's zeroing on free is what erases its
// keys (tests/boringssl_heap_hooks_test.cc proves it).
//
// BoringSSL may call the hooks with its own locks held, from thread
// destructors and before main: the arena takes only its own locks and never
// calls back into BoringSSL.

#include <stddef.h>

#include "secret/secret_c.h"

extern "C" {

void* OPENSSL_memory_alloc(size_t size) { return secret_malloc(size); }

void OPENSSL_memory_free(void* ptr) { secret_free(ptr); }

size_t OPENSSL_memory_get_size(void* ptr) { return secret_usable_size(ptr); }

}  // extern "C"
