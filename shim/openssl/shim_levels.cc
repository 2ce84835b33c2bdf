// shim_levels.cc: see shim_levels.h.

#include "shim/openssl/shim_levels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>

#include "shim/openssl/memory_hooks.h"

namespace secret_shim {
namespace {

std::atomic<int> g_levels{-1};
std::atomic<uint64_t> g_calls[3];
std::atomic<bool> g_reported_unprotected{false};

int ParseLevels(const char* text) {
  if (strcmp(text, "none") == 0) return 0;
  int levels = 0;
  const char* p = text;
  while (*p != '\0') {
    const char* end = strchr(p, ',');
    const size_t len = end != nullptr ? static_cast<size_t>(end - p) : strlen(p);
    if (len == 6 && strncmp(p, "libssl", 6) == 0) {
      levels |= kLibssl;
    } else if (len == 9 && strncmp(p, "libcrypto", 9) == 0) {
      levels |= kLibcrypto;
    } else {
      return -1;
    }
    p += len;
    if (*p == ',') ++p;
  }
  return levels;
}

int Levels() {
  int levels = g_levels.load(std::memory_order_relaxed);
  if (__builtin_expect(levels >= 0, 1)) return levels;
  levels = kLibssl | kLibcrypto;
  const char* text = getenv("SECRETMODE_SHIM_LEVELS");
  if (text != nullptr) {
    const int parsed = ParseLevels(text);
    if (parsed < 0) {
      fprintf(stderr,
              "secretmode: ignoring SECRETMODE_SHIM_LEVELS=\"%s\": expected "
              "libssl, libcrypto, both separated by a comma, or none\n",
              text);
    } else {
      levels = parsed;
    }
  }
  g_levels.store(levels, std::memory_order_relaxed);
  return levels;
}

unsigned Index(unsigned level) { return level == kLibssl ? 1 : 2; }

__attribute__((destructor)) void ReportAtExit() {
  const char* report = getenv("SECRETMODE_SHIM_REPORT");
  if (report == nullptr || strcmp(report, "1") != 0) return;
  fprintf(stderr, "secretmode: shim wrapped %llu libssl and %llu libcrypto calls\n",
          static_cast<unsigned long long>(WrappedCalls(kLibssl)),
          static_cast<unsigned long long>(WrappedCalls(kLibcrypto)));
  if (secret_openssl_loaded()) {
    fprintf(stderr, "secretmode: OpenSSL's heap %s\n",
            secret_openssl_arena_active() ? "is in the secret arena"
                                          : "is NOT in the secret arena");
  }
}

}  // namespace

bool ShouldWrap(unsigned level) { return (Levels() & static_cast<int>(level)) != 0; }

void CountWrappedCall(unsigned level) {
  g_calls[Index(level)].fetch_add(1, std::memory_order_relaxed);
}

uint64_t WrappedCalls(unsigned level) {
  return g_calls[Index(level)].load(std::memory_order_relaxed);
}

void ReportUnprotectedCall(int err) {
  if (g_reported_unprotected.exchange(true)) return;
  fprintf(stderr,
          "secretmode: cannot set up secret stacks (%s); OpenSSL calls on "
          "this thread run unprotected\n",
          strerror(err));
}

}  // namespace secret_shim
