// memory_hooks.cc: see memory_hooks.h.

#include "shim/openssl/memory_hooks.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "secret/secret_c.h"
#include "shim/openssl/openssl_symbols.h"

namespace {

void* ArenaMalloc(size_t size, const char*, int) { return secret_malloc(size); }

// Blocks OpenSSL reallocates or frees are its own, hence arena blocks; free
// and realloc (which secretmode interposes) also take foreign ones, so a
// program that hands OpenSSL a block of its own does not abort.
void* ArenaRealloc(void* p, size_t size, const char*, int) {
  if (p == nullptr) return secret_malloc(size);
  if (size == 0) {
    free(p);
    return nullptr;
  }
  return secret_is_arena_block(p) ? secret_realloc(p, size) : realloc(p, size);
}

void ArenaFree(void* p, const char*, int) { free(p); }

// OpenSSL is found at run time, not linked: the preloaded shim must not
// load libcrypto into programs that do not use it.
using SetMemFunctions = int (*)(CRYPTO_malloc_fn, CRYPTO_realloc_fn,
                                CRYPTO_free_fn);
using GetMemFunctions = void (*)(CRYPTO_malloc_fn*, CRYPTO_realloc_fn*,
                                 CRYPTO_free_fn*);

GetMemFunctions FindGet() {
  return reinterpret_cast<GetMemFunctions>(
      secret_shim::FindOpenSslFunction("CRYPTO_get_mem_functions"));
}

}  // namespace

extern "C" int secret_openssl_loaded(void) { return FindGet() != nullptr ? 1 : 0; }

extern "C" int secret_openssl_arena_active(void) {
  const GetMemFunctions get = FindGet();
  if (get == nullptr) return 0;
  CRYPTO_malloc_fn m = nullptr;
  CRYPTO_realloc_fn r = nullptr;
  CRYPTO_free_fn f = nullptr;
  get(&m, &r, &f);
  return m == ArenaMalloc && r == ArenaRealloc && f == ArenaFree ? 1 : 0;
}

extern "C" int secret_openssl_use_arena(void) {
  const SetMemFunctions set = reinterpret_cast<SetMemFunctions>(
      secret_shim::FindOpenSslFunction("CRYPTO_set_mem_functions"));
  if (set == nullptr) return ENOENT;  // OpenSSL is not loaded
  if (secret_openssl_arena_active()) return 0;
  if (set(ArenaMalloc, ArenaRealloc, ArenaFree) == 1) return 0;
  if (secret_openssl_arena_active()) return 0;  // another thread won
  fprintf(stderr,
          "secretmode: OpenSSL has allocated memory already, so its heap "
          "cannot be moved to the secret arena; freed OpenSSL memory will not "
          "be zeroed. Call secret_openssl_use_arena() before anything uses "
          "OpenSSL.\n");
  return EALREADY;
}
