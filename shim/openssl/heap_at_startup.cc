// heap_at_startup.cc: calls secret_openssl_use_arena from a constructor, so
// that linking //shim/openssl:heap_at_startup (or the shim, or preloading
// it) is enough. The constructor runs after libcrypto's own (a shared library
// initializes first), before any of the program's. Where OpenSSL is not
// loaded it does nothing and says nothing; where OpenSSL is loaded later
// (dlopen), the shim's exit report says the heap is not covered.

#include "shim/openssl/memory_hooks.h"

namespace {

__attribute__((constructor(101))) void UseArenaAtStartup() {
  // EALREADY is reported on stderr by the call; ENOENT (no OpenSSL) is not.
  secret_openssl_use_arena();
}

}  // namespace
