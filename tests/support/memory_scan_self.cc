// FindInSelf: in-place scan of this process's resident memory.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "keyscan/page_residency.h"
#include "keyscan/proc_maps.h"
#include "keyscan/process_memory.h"
#include "tests/support/byte_search.h"
#include "tests/support/memory_scan.h"
#include "tests/support/scan_internal.h"

namespace secret_test {
namespace {

// mincore() costs a byte of output per page even for empty page tables, so
// for mappings above this size (sanitizer shadow and allocator reservations,
// terabytes) PAGEMAP_SCAN is preferred when the kernel has it.
constexpr uintptr_t kMincoreMaxBytes = uintptr_t{4} << 30;

// Scans maximal runs of resident memory in place. Runs are joined across
// mapping boundaries so a secret straddling two adjacent mappings is seen.
class InPlaceScanner : public keyscan::ResidentRangeSink {
 public:
  InPlaceScanner(const uint8_t* pattern, size_t len,
                 internal::HitCollector* hits, ScanStats* stats)
      : pattern_(pattern), len_(len), hits_(hits), stats_(stats) {}

  void Resident(uintptr_t start, uintptr_t end) override {
    if (start != run_end_) Flush();
    if (run_start_ == run_end_) run_start_ = start;
    run_end_ = end;
    stats_->bytes_scanned += end - start;
  }

  // Returns false once the hit collector wants no more hits.
  bool Flush() {
    const uintptr_t start = run_start_;
    const uintptr_t end = run_end_;
    run_start_ = run_end_ = 0;
    if (end <= start || stopped_) return !stopped_;
    internal::MatchAt ctx{hits_, start};
    stopped_ = !SearchInPlace(reinterpret_cast<const uint8_t*>(start),
                              end - start, pattern_, len_, &internal::AddMatch, &ctx);
    return !stopped_;
  }

  bool stopped() const { return stopped_; }

 private:

  const uint8_t* pattern_;
  size_t len_;
  internal::HitCollector* hits_;
  ScanStats* stats_;
  uintptr_t run_start_ = 0;
  uintptr_t run_end_ = 0;
  bool stopped_ = false;
};

}  // namespace

std::vector<Hit> FindInSelf(const void* pattern, size_t len,
                            const ScanOptions& options) {
  ScanStats local_stats;
  ScanStats* stats = options.stats != nullptr ? options.stats : &local_stats;
  *stats = ScanStats();
  if (pattern == nullptr || len == 0) {
    internal::ScanFailed(options, "empty pattern");
    return {};
  }
  // The maps snapshot is taken before any memory is read; allocations made
  // while scanning (hits) only land in memory that already was scannable or
  // is simply not scanned.
  std::vector<keyscan::Region> regions;
  std::string error;
  if (!keyscan::ReadMaps(0, /*with_rss=*/false, &regions, &error)) {
    internal::ScanFailed(options, error);
    return {};
  }
  stats->regions_total = regions.size();

  const auto* bytes = static_cast<const uint8_t*>(pattern);
  const auto pattern_addr = reinterpret_cast<uintptr_t>(pattern);
  internal::HitCollector hits(regions, options, len);
  hits.Exclude(pattern_addr, pattern_addr + len);
  InPlaceScanner scanner(bytes, len, &hits, stats);

  int pagemap_fd = -1;
  bool pagemap_scan_supported = true;
  for (const keyscan::Region& r : regions) {
    if (!keyscan::IsScannable(r, options.include_readonly)) {
      ++stats->regions_skipped;
      continue;
    }
    const uint64_t before = stats->bytes_scanned;
    keyscan::Residency result = keyscan::Residency::kUnsupported;
    if (r.size() > kMincoreMaxBytes && pagemap_scan_supported) {
      if (pagemap_fd < 0) {
        pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
      }
      if (pagemap_fd >= 0) {
        result = keyscan::ResidentRangesByPagemapScan(pagemap_fd, r.start,
                                                      r.end, &scanner);
      }
      pagemap_scan_supported = result != keyscan::Residency::kUnsupported;
    }
    if (result == keyscan::Residency::kUnsupported) {
      result = keyscan::ResidentRangesByMincore(r.start, r.end, &scanner);
    }
    // kError: unmapped since ReadMaps (e.g. a freed large block); what was
    // reported before the error has been scanned, the rest is gone.
    if (stats->bytes_scanned > before) {
      ++stats->regions_scanned;
    } else {
      ++stats->regions_skipped;
    }
    if (scanner.stopped()) break;
  }
  scanner.Flush();
  if (pagemap_fd >= 0) close(pagemap_fd);
  stats->hits_truncated = hits.truncated();
  return hits.Take();
}

}  // namespace secret_test
