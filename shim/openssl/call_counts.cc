// call_counts.cc: per-entry-point counts of the OpenSSL shim's wrappers, and
// the report SECRETMODE_SHIM_REPORT asks for at exit (see secret_shim.h).

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>

#include "shim/openssl/entry_index.h"
#include "shim/openssl/memory_hooks.h"
#include "shim/openssl/secret_shim.h"
#include "shim/openssl/shim_levels.h"

namespace secret_shim {
namespace {

struct EntryInfo {
  const char* name;
  unsigned level;
  const char* category;
};

constexpr EntryInfo kEntries[kEntryCount] = {
#define SECRETMODE_ENTRY(level, category, ret, name, params, args, why) \
  {#name, level, category},
#define SECRETMODE_ENTRY_VOID(level, category, name, params, args, why) \
  {#name, level, category},
#include "shim/entry_points.inc"
#undef SECRETMODE_ENTRY
#undef SECRETMODE_ENTRY_VOID
};

struct Counts {
  std::atomic<uint64_t> calls;
  std::atomic<uint64_t> outermost;
};
Counts g_counts[kEntryCount];

constexpr int kUnread = -1;
std::atomic<int> g_counting{kUnread};

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
  CountingOn();
}

const char* LevelName(unsigned level) {
  return level == kLibssl ? "libssl" : "libcrypto";
}

__attribute__((destructor)) void ReportAtExit() {
  const int report = ReportLevel();
  // A process that never loaded OpenSSL (a shell, perl, a helper the
  // preload reached) says nothing.
  if (report == 0 || !secret_openssl_loaded()) return;
  uint64_t outermost[3] = {0, 0, 0};
  for (unsigned i = 0; i < kEntryCount; ++i) {
    outermost[kEntries[i].level] +=
        g_counts[i].outermost.load(std::memory_order_relaxed);
  }
  fprintf(stderr,
          "secretmode: shim wrapped %llu libssl and %llu libcrypto calls\n",
          static_cast<unsigned long long>(outermost[kLibssl]),
          static_cast<unsigned long long>(outermost[kLibcrypto]));
  if (report == 2) {
    for (unsigned i = 0; i < kEntryCount; ++i) {
      const uint64_t calls = g_counts[i].calls.load(std::memory_order_relaxed);
      if (calls == 0) continue;
      fprintf(stderr, "secretmode:   %-28s %-9s %10llu calls, %llu outermost\n",
              kEntries[i].name, LevelName(kEntries[i].level),
              static_cast<unsigned long long>(calls),
              static_cast<unsigned long long>(
                  g_counts[i].outermost.load(std::memory_order_relaxed)));
    }
  }
  fprintf(stderr, "secretmode: OpenSSL's heap %s\n",
          secret_openssl_arena_active() ? "is in the secret arena"
                                        : "is NOT in the secret arena");
}

}  // namespace

bool CountingOn() {
  int on = g_counting.load(std::memory_order_relaxed);
  if (__builtin_expect(on != kUnread, 1)) return on != 0;
  on = ReportLevel() != 0 ? 1 : 0;
  int expected = kUnread;
  if (!g_counting.compare_exchange_strong(expected, on,
                                          std::memory_order_relaxed)) {
    on = expected;
  }
  return on != 0;
}

void CountCall(EntryIndex entry, bool outermost) {
  g_counts[entry].calls.fetch_add(1, std::memory_order_relaxed);
  if (outermost) g_counts[entry].outermost.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace secret_shim

extern "C" void secret_shim_set_counting(int on) {
  secret_shim::g_counting.store(on != 0 ? 1 : 0, std::memory_order_relaxed);
}

extern "C" size_t secret_shim_get_call_counts(secret_shim_call_count* out,
                                              size_t capacity) {
  using secret_shim::g_counts;
  using secret_shim::kEntries;
  for (size_t i = 0; i < capacity && i < secret_shim::kEntryCount; ++i) {
    out[i].name = kEntries[i].name;
    out[i].level = secret_shim::LevelName(kEntries[i].level);
    out[i].category = kEntries[i].category;
    out[i].calls = g_counts[i].calls.load(std::memory_order_relaxed);
    out[i].outermost = g_counts[i].outermost.load(std::memory_order_relaxed);
  }
  return secret_shim::kEntryCount;
}

extern "C" void secret_shim_reset_call_counts(void) {
  for (auto& counts : secret_shim::g_counts) {
    counts.calls.store(0, std::memory_order_relaxed);
    counts.outermost.store(0, std::memory_order_relaxed);
  }
}
