// boringssl_entry_table.cc: the BoringSSL shim's part of
// shim/shim_runtime.h: its entries of shim/entry_points.inc with their
// counters, and what the report at exit says about BoringSSL.

#include "shim/boringssl/entry_index.h"
#include "shim/entry_select.h"
#include "shim/shim_runtime.h"

namespace secret_shim {
namespace {

#define SECRETMODE_IF_THIS_LIBRARY SECRETMODE_IF_BORINGSSL
constexpr EntryInfo kEntries[kEntryCount] = {
#include "shim/entry_infos.inc"
};
#undef SECRETMODE_IF_THIS_LIBRARY

EntryCounts g_counts[kEntryCount];

constexpr EntryTable kTable = {kEntries, g_counts, kEntryCount};

}  // namespace

const EntryTable& ShimEntries() { return kTable; }

const char* ShimLibraryName() { return "BoringSSL"; }

// The shim is linked with BoringSSL: where it is, BoringSSL is.
bool ShimLibraryLoaded() { return true; }

// patches/boringssl/0001 makes the binding of BoringSSL's allocation hooks
// to the arena (//shim/boringssl:memory_hooks) a link-time requirement.
bool ShimHeapCovered() { return true; }

}  // namespace secret_shim
