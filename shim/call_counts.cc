// call_counts.cc: per-entry-point counts of a shim's wrappers, and the
// report SECRETMODE_SHIM_REPORT asks for at exit (see secret_shim.h).

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>

#include "shim/secret_shim.h"
#include "shim/shim_runtime.h"

namespace secret_shim {
namespace {

// ReportLevel returns 0 (no report), 1 (totals) or 2 (totals and every
// entry point called) from SECRETMODE_SHIM_REPORT, read once.
int ReportLevel() {
  static const int level = [] {
    const char* report = getenv("SECRETMODE_SHIM_REPORT");
    if (report == nullptr) return 0;
    if (strcmp(report, "2") == 0) return 2;
    return strcmp(report, "1") == 0 ? 1 : 0;
  }();
  return level;
}

// Servers such as nginx scrub the environment of the workers they fork: the
// settings are read here, in the process that loaded the shim, and inherited.
__attribute__((constructor)) void ReadReportSettingAtStartup() {
  ReportLevel();
  ReadCounting();
}

const char* LevelName(unsigned level) {
  return level == kLibssl ? "libssl" : "libcrypto";
}

__attribute__((destructor)) void ReportAtExit() {
  const int report = ReportLevel();
  // A process that never loaded the shim's library (a shell, perl, a helper
  // the OpenSSL preload reached) says nothing.
  if (report == 0 || !ShimLibraryLoaded()) return;
  const EntryTable& table = ShimEntries();
  uint64_t outermost[3] = {0, 0, 0};
  for (unsigned i = 0; i < table.size; ++i) {
    outermost[table.entries[i].level] +=
        table.counts[i].outermost.load(std::memory_order_relaxed);
  }
  fprintf(stderr,
          "secretmode: shim wrapped %llu libssl and %llu libcrypto calls\n",
          static_cast<unsigned long long>(outermost[kLibssl]),
          static_cast<unsigned long long>(outermost[kLibcrypto]));
  if (report == 2) {
    for (unsigned i = 0; i < table.size; ++i) {
      const uint64_t calls =
          table.counts[i].calls.load(std::memory_order_relaxed);
      if (calls == 0) continue;
      fprintf(stderr, "secretmode:   %-32s %-9s %10llu calls, %llu outermost\n",
              table.entries[i].name, LevelName(table.entries[i].level),
              static_cast<unsigned long long>(calls),
              static_cast<unsigned long long>(
                  table.counts[i].outermost.load(std::memory_order_relaxed)));
    }
  }
  fprintf(stderr, "secretmode: %s's heap %s\n", ShimLibraryName(),
          ShimHeapCovered() ? "is in the secret arena"
                            : "is NOT in the secret arena");
}

}  // namespace

std::atomic<int> g_counting{kUnread};

bool ReadCounting() {
  return SettleSetting(g_counting, ReportLevel() != 0 ? 1 : 0) != 0;
}

void CountCall(unsigned entry, bool outermost) {
  EntryCounts& counts = ShimEntries().counts[entry];
  counts.calls.fetch_add(1, std::memory_order_relaxed);
  if (outermost) counts.outermost.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace secret_shim

extern "C" void secret_shim_set_counting(int on) {
  secret_shim::g_counting.store(on != 0 ? 1 : 0, std::memory_order_relaxed);
}

extern "C" size_t secret_shim_get_call_counts(secret_shim_call_count* out,
                                              size_t capacity) {
  const secret_shim::EntryTable& table = secret_shim::ShimEntries();
  for (size_t i = 0; i < capacity && i < table.size; ++i) {
    out[i].name = table.entries[i].name;
    out[i].level = secret_shim::LevelName(table.entries[i].level);
    out[i].category = table.entries[i].category;
    out[i].calls = table.counts[i].calls.load(std::memory_order_relaxed);
    out[i].outermost =
        table.counts[i].outermost.load(std::memory_order_relaxed);
  }
  return table.size;
}

extern "C" void secret_shim_reset_call_counts(void) {
  const secret_shim::EntryTable& table = secret_shim::ShimEntries();
  for (unsigned i = 0; i < table.size; ++i) {
    table.counts[i].calls.store(0, std::memory_order_relaxed);
    table.counts[i].outermost.store(0, std::memory_order_relaxed);
  }
}
