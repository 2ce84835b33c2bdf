// page_residency.cc: see page_residency.h.
#include "keyscan/page_residency.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace keyscan {
namespace {

// From <linux/fs.h> of Linux 6.7; older installed headers lack it.
constexpr uint64_t kPageIsPresent = 1u << 3;
struct PageRegion {
  uint64_t start;
  uint64_t end;
  uint64_t categories;
};
struct PmScanArg {
  uint64_t size;
  uint64_t flags;
  uint64_t start;
  uint64_t end;
  uint64_t walk_end;
  uint64_t vec;
  uint64_t vec_len;
  uint64_t max_pages;
  uint64_t category_inverted;
  uint64_t category_mask;
  uint64_t category_anyof_mask;
  uint64_t return_mask;
};
constexpr unsigned long kPagemapScan = _IOWR('f', 16, PmScanArg);

// Coalesces page-sized reports into maximal ranges.
class RangeJoiner {
 public:
  explicit RangeJoiner(ResidentRangeSink* sink) : sink_(sink) {}
  ~RangeJoiner() { Flush(); }
  void Add(uintptr_t start, uintptr_t end) {
    if (end_ == start && end_ != 0) {
      end_ = end;
      return;
    }
    Flush();
    start_ = start;
    end_ = end;
  }
  void Flush() {
    if (end_ > start_) sink_->Resident(start_, end_);
    start_ = end_ = 0;
  }

 private:
  ResidentRangeSink* sink_;
  uintptr_t start_ = 0;
  uintptr_t end_ = 0;
};

}  // namespace

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

Residency ResidentRangesByMincore(uintptr_t start, uintptr_t end,
                                  ResidentRangeSink* sink) {
  const size_t page = PageSize();
  constexpr size_t kPagesPerCall = size_t{1} << 16;
  std::vector<unsigned char> vec(kPagesPerCall);
  RangeJoiner joiner(sink);
  for (uintptr_t chunk = start; chunk < end;) {
    const size_t pages = std::min<size_t>(kPagesPerCall, (end - chunk) / page);
    if (pages == 0) break;  // unaligned tail: not a whole page
    if (mincore(reinterpret_cast<void*>(chunk), pages * page, vec.data()) !=
        0) {
      return Residency::kError;
    }
    for (size_t i = 0; i < pages; ++i) {
      if (vec[i] & 1) {
        joiner.Add(chunk + i * page, chunk + (i + 1) * page);
      } else {
        joiner.Flush();
      }
    }
    chunk += pages * page;
  }
  return Residency::kOk;
}

Residency ResidentRangesByPagemapScan(int pagemap_fd, uintptr_t start,
                                      uintptr_t end, ResidentRangeSink* sink) {
  PageRegion regions[256];
  RangeJoiner joiner(sink);
  uint64_t cursor = start;
  while (cursor < end) {
    PmScanArg arg = {};
    arg.size = sizeof arg;
    arg.start = cursor;
    arg.end = end;
    arg.vec = reinterpret_cast<uintptr_t>(regions);
    arg.vec_len = sizeof regions / sizeof regions[0];
    arg.category_mask = kPageIsPresent;
    arg.return_mask = kPageIsPresent;
    const int n = ioctl(pagemap_fd, kPagemapScan, &arg);
    if (n < 0) {
      if (cursor == start && (errno == ENOTTY || errno == EINVAL)) {
        return Residency::kUnsupported;
      }
      return Residency::kError;
    }
    for (int i = 0; i < n; ++i) joiner.Add(regions[i].start, regions[i].end);
    if (arg.walk_end <= cursor) return Residency::kError;  // no progress
    cursor = arg.walk_end;
  }
  return Residency::kOk;
}

Residency ResidentRangesByPagemapRead(int pagemap_fd, uintptr_t start,
                                      uintptr_t end, ResidentRangeSink* sink) {
  const size_t page = PageSize();
  constexpr size_t kEntriesPerRead = 8192;
  uint64_t entries[kEntriesPerRead];
  RangeJoiner joiner(sink);
  for (uintptr_t chunk = start; chunk < end;) {
    const size_t want = std::min<size_t>(kEntriesPerRead, (end - chunk) / page);
    const ssize_t got =
        pread(pagemap_fd, entries, want * sizeof(uint64_t),
              static_cast<off_t>(chunk / page * sizeof(uint64_t)));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return Residency::kError;
    const size_t n = static_cast<size_t>(got) / sizeof(uint64_t);
    for (size_t i = 0; i < n; ++i) {
      if (entries[i] >> 63) {
        joiner.Add(chunk + i * page, chunk + (i + 1) * page);
      } else {
        joiner.Flush();
      }
    }
    chunk += n * page;
  }
  return Residency::kOk;
}

}  // namespace keyscan
