// openssl_entry_table.cc: the OpenSSL shim's part of shim/shim_runtime.h:
// its entries of shim/entry_points.inc with their counters, and what the
// report at exit says about OpenSSL.

#include <stdio.h>

#include <atomic>

#include "shim/entry_select.h"
#include "shim/openssl/entry_index.h"
#include "shim/openssl/memory_hooks.h"
#include "shim/shim_runtime.h"

namespace secret_shim {
namespace {

constexpr EntryInfo kEntries[kEntryCount] = {
#define SECRETMODE_ENTRY(libs, level, category, ret, name, params, args, why) \
  SECRETMODE_IF_OPENSSL(libs, {#name, level, category}, )
#define SECRETMODE_ENTRY_VOID(libs, level, category, name, params, args, why) \
  SECRETMODE_IF_OPENSSL(libs, {#name, level, category}, )
#include "shim/entry_points.inc"
#undef SECRETMODE_ENTRY
#undef SECRETMODE_ENTRY_VOID
};

EntryCounts g_counts[kEntryCount];

constexpr EntryTable kTable = {kEntries, g_counts, kEntryCount};

std::atomic<bool> g_heap_checked{false};

}  // namespace

const EntryTable& ShimEntries() { return kTable; }

const char* ShimLibraryName() { return "OpenSSL"; }

bool ShimLibraryLoaded() { return secret_openssl_loaded() != 0; }

bool ShimHeapCovered() { return secret_openssl_arena_active() != 0; }

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
