// openssl_entry_table.cc: the OpenSSL shim's part of shim/shim_runtime.h:
// its entries of shim/entry_points.inc with their counters, and what the
// report at exit says about OpenSSL.

#include "shim/entry_select.h"
#include "shim/openssl/entry_index.h"
#include "shim/openssl/memory_hooks.h"
#include "shim/shim_runtime.h"

namespace secret_shim {
namespace {

#define SECRETMODE_IF_THIS_LIBRARY SECRETMODE_IF_OPENSSL
constexpr EntryInfo kEntries[kEntryCount] = {
#include "shim/entry_infos.inc"
};
#undef SECRETMODE_IF_THIS_LIBRARY

EntryCounts g_counts[kEntryCount];

constexpr EntryTable kTable = {kEntries, g_counts, kEntryCount};

}  // namespace

const EntryTable& ShimEntries() { return kTable; }

const char* ShimLibraryName() { return "OpenSSL"; }

bool ShimLibraryLoaded() { return secret_openssl_loaded() != 0; }

bool ShimHeapCovered() { return secret_openssl_arena_active() != 0; }

}  // namespace secret_shim
