// preload_heap.cc: when the shim is loaded into a process that has OpenSSL,
// OpenSSL's heap goes to the secret arena (secret_openssl_use_arena, from
// this constructor, before the program's main). Where OpenSSL is not loaded
// the shim does nothing and says nothing; where it is loaded later (dlopen),
// the wrappers still work and the exit report says the heap is not covered.

#include "shim/openssl/memory_hooks.h"

namespace {

__attribute__((constructor(101))) void UseArenaForOpenSslHeap() {
  // EALREADY is reported on stderr by the call; ENOENT (no OpenSSL) is not.
  secret_openssl_use_arena();
}

}  // namespace
