// Shared scanner pieces, Describe and FillRandomSecret. The scanners
// themselves are in memory_scan_self.cc and memory_scan_process.cc.
#include "tests/support/memory_scan.h"

#include <sys/random.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "keyscan/proc_maps.h"
#include "tests/support/scan_internal.h"

namespace secret_test {
namespace internal {

bool AddMatch(void* match_at, size_t offset) {
  auto* at = static_cast<MatchAt*>(match_at);
  return at->hits->Add(at->base + offset);
}

HitCollector::HitCollector(const std::vector<keyscan::Region>& regions,
                           const ScanOptions& options, size_t pattern_len)
    : regions_(regions),
      exclude_(options.exclude),
      pattern_len_(pattern_len),
      max_hits_(options.max_hits) {}

void HitCollector::Exclude(uintptr_t start, uintptr_t end) {
  exclude_.emplace_back(start, end);
}

bool HitCollector::Add(uintptr_t address) {
  const uintptr_t end = address + pattern_len_;
  for (const auto& ex : exclude_) {
    if (address < ex.second && ex.first < end) return true;
  }
  if (hits_.size() >= max_hits_) {
    truncated_ = true;
    return false;
  }
  Hit hit;
  hit.address = address;
  if (const keyscan::Region* r = keyscan::FindRegion(regions_, address)) {
    hit.region = *r;
  }
  hits_.push_back(std::move(hit));
  return true;
}

void ScanFailed(const ScanOptions& options, const std::string& message) {
  if (options.stats != nullptr) {
    options.stats->error = message;
    return;
  }
  std::fprintf(stderr, "secret_test memory scan failed: %s\n",
               message.c_str());
  std::abort();
}

}  // namespace internal

std::string Describe(const std::vector<Hit>& hits) {
  std::string out = std::to_string(hits.size()) + " hit(s)";
  for (const Hit& h : hits) {
    char line[160];
    if (h.region.end == 0) {
      std::snprintf(line, sizeof line, "\n  0x%" PRIxPTR " (no mapping)",
                    h.address);
      out += line;
      continue;
    }
    std::snprintf(line, sizeof line,
                  "\n  0x%" PRIxPTR " = +0x%" PRIxPTR " in 0x%" PRIxPTR
                  "-0x%" PRIxPTR " %s ",
                  h.address, h.address - h.region.start, h.region.start,
                  h.region.end, h.region.perms.c_str());
    out += line + h.region.name;
  }
  return out;
}

void FillRandomSecret(uint8_t* out, size_t n) {
  size_t filled = 0;
  while (filled < n) {
    const ssize_t got = getrandom(out + filled, n - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      std::fprintf(stderr, "getrandom: %s\n", std::strerror(errno));
      std::abort();
    }
    filled += static_cast<size_t>(got);
  }
  // Redraw zero bytes in place so no second copy of the secret is made.
  for (size_t i = 0; i < n; ++i) {
    while (out[i] == 0) {
      if (getrandom(out + i, 1, 0) != 1 && errno != EINTR) {
        std::fprintf(stderr, "getrandom: %s\n", std::strerror(errno));
        std::abort();
      }
    }
  }
}

void PlantSecret(void* dst, const void* src, size_t n) {
  auto* d = static_cast<volatile uint8_t*>(dst);
  const auto* s = static_cast<const volatile uint8_t*>(src);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
}

}  // namespace secret_test
