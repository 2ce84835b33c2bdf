// FindInProcess: scan of another process through /proc/PID/mem.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/byte_search.h"
#include "tests/support/memory_scan.h"
#include "tests/support/page_residency.h"
#include "tests/support/scan_internal.h"

namespace secret_test {
namespace {

constexpr size_t kReadChunk = size_t{1} << 20;
// Reading pagemap entries costs 8 bytes per page; above this size a mapping
// without PAGEMAP_SCAN falls back to the Rss rules instead.
constexpr uintptr_t kPagemapReadMaxBytes = uintptr_t{1} << 30;

// Holds bytes copied out of the target. They may be the secret itself, so
// they live in a private mapping that is wiped and unmapped afterwards,
// never in the heap that a later FindInSelf would scan.
class ScratchBuffer {
 public:
  explicit ScratchBuffer(size_t size) : size_(size) {
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
  }
  ~ScratchBuffer() {
    if (data_ == nullptr) return;
    explicit_bzero(data_, size_);
    munmap(data_, size_);
  }
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  uint8_t* data() const { return data_; }

 private:
  size_t size_;
  uint8_t* data_;
};

// Reads maximal resident runs in chunks, carrying the last len-1 bytes
// over so matches across chunk (and mapping) boundaries are found.
class RemoteScanner : public ResidentRangeSink {
 public:
  RemoteScanner(int mem_fd, const uint8_t* pattern, size_t len,
                uint8_t* buffer, internal::HitCollector* hits,
                ScanStats* stats)
      : mem_fd_(mem_fd),
        pattern_(pattern),
        len_(len),
        buffer_(buffer),
        hits_(hits),
        stats_(stats) {}

  void Resident(uintptr_t start, uintptr_t end) override {
    if (start != run_end_) Flush();
    if (run_start_ == run_end_) run_start_ = start;
    run_end_ = end;
  }

  void Flush() {
    const uintptr_t start = run_start_;
    const uintptr_t end = run_end_;
    run_start_ = run_end_ = 0;
    if (end > start && !stopped_ && !target_gone_) ReadRun(start, end);
  }

  bool stopped() const { return stopped_ || target_gone_; }
  bool target_gone() const { return target_gone_; }

 private:

  void ReadRun(uintptr_t start, uintptr_t end) {
    size_t carry = 0;
    uintptr_t addr = start;
    while (addr < end && !stopped_) {
      const size_t want = std::min<uintptr_t>(kReadChunk, end - addr);
      const ssize_t got = pread(mem_fd_, buffer_ + carry, want,
                                static_cast<off_t>(addr));
      if (got < 0 && errno == EINTR) continue;
      if (got == 0) {  // the target's mm is gone: it exited
        target_gone_ = true;
        return;
      }
      if (got < 0) {  // EIO: unreadable page; skip it and restart matching
        ++stats_->read_errors;
        const uintptr_t page = PageSize();
        addr = (addr + page) & ~(page - 1);
        carry = 0;
        continue;
      }
      const size_t total = carry + static_cast<size_t>(got);
      internal::MatchAt ctx{hits_, addr - carry};
      stopped_ =
          !SearchInPlace(buffer_, total, pattern_, len_, &internal::AddMatch, &ctx);
      stats_->bytes_scanned += static_cast<uint64_t>(got);
      addr += static_cast<uintptr_t>(got);
      carry = std::min(len_ - 1, total);
      std::memmove(buffer_, buffer_ + total - carry, carry);
    }
  }

  int mem_fd_;
  const uint8_t* pattern_;
  size_t len_;
  uint8_t* buffer_;
  internal::HitCollector* hits_;
  ScanStats* stats_;
  uintptr_t run_start_ = 0;
  uintptr_t run_end_ = 0;
  bool stopped_ = false;
  bool target_gone_ = false;
};

class Fd {
 public:
  explicit Fd(const std::string& path)
      : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::vector<Hit> FindInProcess(pid_t pid, const void* pattern, size_t len,
                               const ScanOptions& options) {
  ScanStats local_stats;
  ScanStats* stats = options.stats != nullptr ? options.stats : &local_stats;
  *stats = ScanStats();
  if (pattern == nullptr || len == 0 || pid <= 0) {
    internal::ScanFailed(options, "empty pattern or invalid pid");
    return {};
  }
  std::vector<Region> regions;
  std::string error;
  if (!ReadMaps(pid, /*with_rss=*/true, &regions, &error)) {
    internal::ScanFailed(options, error);
    return {};
  }
  stats->regions_total = regions.size();
  const std::string proc = "/proc/" + std::to_string(pid);
  Fd mem(proc + "/mem");
  if (mem.get() < 0) {
    internal::ScanFailed(options, "open " + proc + "/mem: " +
                                      std::strerror(errno));
    return {};
  }
  Fd pagemap(proc + "/pagemap");  // optional: residency falls back to Rss
  ScratchBuffer buffer(kReadChunk + len);
  if (buffer.data() == nullptr) {
    internal::ScanFailed(options, "mmap scratch buffer failed");
    return {};
  }

  internal::HitCollector hits(regions, options, len);
  RemoteScanner scanner(mem.get(), static_cast<const uint8_t*>(pattern), len,
                        buffer.data(), &hits, stats);
  bool pagemap_scan_supported = pagemap.get() >= 0;
  for (const Region& r : regions) {
    if (!internal::IsScannable(r, options.include_readonly) ||
        r.rss_kb == 0) {
      ++stats->regions_skipped;
      continue;
    }
    Residency result = Residency::kUnsupported;
    if (pagemap_scan_supported) {
      result = ResidentRangesByPagemapScan(pagemap.get(), r.start, r.end,
                                           &scanner);
      pagemap_scan_supported = result != Residency::kUnsupported;
    }
    if (result == Residency::kUnsupported && pagemap.get() >= 0 &&
        r.size() <= kPagemapReadMaxBytes) {
      result = ResidentRangesByPagemapRead(pagemap.get(), r.start, r.end,
                                           &scanner);
    }
    if (result == Residency::kUnsupported) {
      const bool fully_resident =
          r.rss_kb > 0 && static_cast<uint64_t>(r.rss_kb) * 1024 >= r.size();
      if (fully_resident || r.size() <= options.max_unknown_residency_bytes) {
        scanner.Resident(r.start, r.end);
        result = Residency::kOk;
      }
    }
    if (result == Residency::kOk) {
      ++stats->regions_scanned;
    } else {
      ++stats->regions_skipped;
    }
    if (scanner.stopped()) break;
  }
  scanner.Flush();
  if (scanner.target_gone()) {
    internal::ScanFailed(options, "process " + std::to_string(pid) +
                                      " exited during the scan");
  }
  stats->hits_truncated = hits.truncated();
  return hits.Take();
}

}  // namespace secret_test
