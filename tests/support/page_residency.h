// Which pages of a mapping are resident, without touching the pages.
#ifndef SECRETMODE_TESTS_SUPPORT_PAGE_RESIDENCY_H_
#define SECRETMODE_TESTS_SUPPORT_PAGE_RESIDENCY_H_

#include <cstddef>
#include <cstdint>

namespace secret_test {

// Receives maximal [start, end) ranges of resident pages in address order.
class ResidentRangeSink {
 public:
  virtual void Resident(uintptr_t start, uintptr_t end) = 0;

 protected:
  ~ResidentRangeSink() = default;
};

enum class Residency { kOk, kUnsupported, kError };

size_t PageSize();

// mincore() over [start, end) of the calling process, in bounded chunks.
// kError if part of the range is no longer mapped.
Residency ResidentRangesByMincore(uintptr_t start, uintptr_t end,
                                  ResidentRangeSink* sink);

// PAGEMAP_SCAN ioctl (Linux >= 6.7) on an open /proc/PID/pagemap. It skips
// empty page-table levels, so sparse terabyte mappings (sanitizer shadow)
// cost little, unlike mincore or reading pagemap entries one by one.
// kUnsupported on older kernels.
Residency ResidentRangesByPagemapScan(int pagemap_fd, uintptr_t start,
                                      uintptr_t end, ResidentRangeSink* sink);

// Reads 8-byte /proc/PID/pagemap entries (present bit 63); cost is linear
// in the size of the range, so callers bound it.
Residency ResidentRangesByPagemapRead(int pagemap_fd, uintptr_t start,
                                      uintptr_t end, ResidentRangeSink* sink);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_PAGE_RESIDENCY_H_
