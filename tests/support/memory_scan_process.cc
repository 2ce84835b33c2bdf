// FindInProcess: scan of another process through /proc/PID/mem, with
// keyscan's process memory reader.
#include <optional>
#include <vector>

#include "keyscan/proc_maps.h"
#include "keyscan/process_memory.h"
#include "tests/support/byte_search.h"
#include "tests/support/memory_scan.h"
#include "tests/support/scan_internal.h"

namespace secret_test {
namespace {

// FindInProcess's search of one pattern, as a visitor.
class PatternVisitor : public keyscan::ProcessMemoryVisitor {
 public:
  PatternVisitor(const uint8_t* pattern, size_t len, const ScanOptions& options)
      : pattern_(pattern), len_(len), options_(options) {}

  void Regions(const std::vector<keyscan::Region>& regions) override {
    hits_.emplace(regions, options_, len_);
  }

  bool Chunk(const uint8_t* data, size_t len, uintptr_t address,
             size_t /*carried*/) override {
    // The carry is len_ - 1 bytes: no whole match fits in it, so nothing
    // is reported twice.
    internal::MatchAt ctx{&*hits_, address};
    return SearchInPlace(data, len, pattern_, len_, &internal::AddMatch, &ctx);
  }

  bool truncated() const { return hits_ && hits_->truncated(); }
  std::vector<Hit> Take() { return hits_ ? hits_->Take() : std::vector<Hit>(); }

 private:
  const uint8_t* pattern_;
  size_t len_;
  const ScanOptions& options_;
  std::optional<internal::HitCollector> hits_;
};

}  // namespace

std::vector<Hit> FindInProcess(pid_t pid, const void* pattern, size_t len,
                               const ScanOptions& options) {
  if (pattern == nullptr || len == 0) {
    if (options.stats != nullptr) *options.stats = ScanStats();
    internal::ScanFailed(options, "empty pattern");
    return {};
  }
  PatternVisitor visitor(static_cast<const uint8_t*>(pattern), len, options);
  keyscan::ProcessMemoryOptions read_options;
  read_options.include_readonly = options.include_readonly;
  read_options.max_unknown_residency_bytes =
      options.max_unknown_residency_bytes;
  keyscan::ProcessMemoryStats read;
  const bool ran = keyscan::VisitProcessMemory(pid, len - 1, read_options,
                                               &visitor, &read);
  if (options.stats != nullptr) {
    ScanStats* stats = options.stats;
    *stats = ScanStats();
    stats->regions_total = read.regions_total;
    stats->regions_scanned = read.regions_scanned;
    stats->regions_skipped = read.regions_skipped;
    stats->read_errors = read.read_errors;
    stats->bytes_scanned = read.bytes_scanned;
    stats->hits_truncated = visitor.truncated();
  }
  if (!ran) internal::ScanFailed(options, read.error);
  return visitor.Take();
}

}  // namespace secret_test
