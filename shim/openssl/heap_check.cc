// heap_check.cc: see heap_check.h.

#include "shim/openssl/heap_check.h"

#include <stdio.h>

#include <atomic>

#include "shim/openssl/memory_hooks.h"

namespace secret_shim {
namespace {

std::atomic<bool> g_heap_checked{false};

}  // namespace

void CheckHeapOnce() {
  if (g_heap_checked.exchange(true)) return;
  if (secret_openssl_arena_active()) return;
  fprintf(stderr,
          "secretmode: OpenSSL's heap is NOT in the secret arena: libcrypto "
          "was loaded after the shim started (dlopen) and had allocated "
          "already, so freed OpenSSL memory is not zeroed. Its entry points "
          "still run in secret mode. Preload or link the shim with a program "
          "that links libcrypto to cover the heap.\n");
}

}  // namespace secret_shim
