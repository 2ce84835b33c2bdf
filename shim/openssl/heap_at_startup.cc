// heap_at_startup.cc: calls secret_openssl_use_arena from a constructor, so
// that linking //shim/openssl:heap_at_startup is enough. The constructor
// runs after libcrypto's own (a shared library initializes first), before
// any of the program's.

#include "shim/openssl/memory_hooks.h"

namespace {

__attribute__((constructor(101))) void UseArenaAtStartup() {
  // A failure is reported on stderr by the call itself.
  secret_openssl_use_arena();
}

}  // namespace
