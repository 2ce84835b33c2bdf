// Pieces shared by FindInSelf and FindInProcess. Not part of the API.
#ifndef SECRETMODE_TESTS_SUPPORT_SCAN_INTERNAL_H_
#define SECRETMODE_TESTS_SUPPORT_SCAN_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "keyscan/proc_maps.h"
#include "tests/support/memory_scan.h"

namespace secret_test {
namespace internal {

// Turns match addresses into Hits, applying exclusions and max_hits.
class HitCollector {
 public:
  HitCollector(const std::vector<keyscan::Region>& regions,
               const ScanOptions& options, size_t pattern_len);
  void Exclude(uintptr_t start, uintptr_t end);
  // Returns false once max_hits is reached, to stop the search.
  bool Add(uintptr_t address);
  bool truncated() const { return truncated_; }
  std::vector<Hit> Take() { return std::move(hits_); }

 private:
  const std::vector<keyscan::Region>& regions_;
  std::vector<std::pair<uintptr_t, uintptr_t>> exclude_;
  size_t pattern_len_;
  size_t max_hits_;
  bool truncated_ = false;
  std::vector<Hit> hits_;
};

// MatchAt is what SearchInPlace's callback needs to turn an offset into an
// address in the scanned process: where the searched bytes start there.
struct MatchAt {
  HitCollector* hits;
  uintptr_t base;
};

// AddMatch is SearchInPlace's callback for a MatchAt context.
bool AddMatch(void* match_at, size_t offset);

// A scan that cannot run must not look like a clean "no hits" result:
// record the error when the caller asked for stats, abort otherwise.
void ScanFailed(const ScanOptions& options, const std::string& message);

}  // namespace internal
}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_SCAN_INTERNAL_H_
