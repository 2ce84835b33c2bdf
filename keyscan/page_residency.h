// Which pages of a mapping are resident, found without touching the pages.
#ifndef SECRETMODE_KEYSCAN_PAGE_RESIDENCY_H_
#define SECRETMODE_KEYSCAN_PAGE_RESIDENCY_H_

#include <cstddef>
#include <cstdint>

namespace keyscan {

// ResidentRangeSink receives the resident pages that the ResidentRangesBy*
// functions find, as maximal [start, end) ranges in address order; adjacent
// resident pages are joined into one call. Implementations are called on
// the thread that runs the query and must not throw.
class ResidentRangeSink {
 public:
  // Resident is called with each range [start, end) of resident pages;
  // both ends are page aligned and start < end.
  virtual void Resident(uintptr_t start, uintptr_t end) = 0;

 protected:
  ~ResidentRangeSink() = default;
};

// Residency is the outcome of a query: kOk when the whole range was
// examined; kUnsupported when the kernel lacks the mechanism (nothing was
// reported); kError when the query failed part way (what was reported
// before the failure is valid, the rest of the range was not examined).
enum class Residency { kOk, kUnsupported, kError };

// PageSize returns the system page size (sysconf(_SC_PAGESIZE)), read once
// and cached. Thread-safe; the first call is not async-signal-safe.
size_t PageSize();

// ResidentRangesByMincore reports to `sink` the resident pages of
// [start, end) in the calling process's address space, using mincore() in
// bounded chunks (64 Ki pages per call). `start` must be page aligned; a
// tail shorter than a page is ignored. Returns kOk, or kError when part of
// the range is not mapped (e.g. unmapped since it was listed). Thread-safe;
// allocates a 64 KiB vector, so not async-signal-safe.
//
// WARNING: mincore costs a byte of output per page even where no page table
// exists, so a terabyte reservation (sanitizer shadow) takes seconds; use
// ResidentRangesByPagemapScan for such mappings. Pages of file mappings
// may count as resident when they are in the page cache, even if this
// process never touched them; swapped-out pages are not resident.
Residency ResidentRangesByMincore(uintptr_t start, uintptr_t end,
                                  ResidentRangeSink* sink);

// ResidentRangesByPagemapScan reports to `sink` the present pages of
// [start, end) using the PAGEMAP_SCAN ioctl (Linux >= 6.7) on
// `pagemap_fd`, an open /proc/PID/pagemap (or /proc/self/pagemap) owned by
// the caller. The ioctl skips empty page-table levels, so sparse terabyte
// mappings cost little. Returns kOk; kUnsupported when the kernel lacks the
// ioctl (ENOTTY/EINVAL on the first call; nothing was reported); kError
// when a later call fails or makes no progress. Thread-safe; uses a 6 KiB
// stack buffer and no heap, but `sink` may allocate.
//
// WARNING: "present" means mapped to a page frame in the target's page
// tables: swapped-out pages are not reported, and neither are file pages in
// the page cache that the target never mapped.
Residency ResidentRangesByPagemapScan(int pagemap_fd, uintptr_t start,
                                      uintptr_t end, ResidentRangeSink* sink);

// ResidentRangesByPagemapRead reports to `sink` the present pages of
// [start, end) by reading the 8-byte /proc/PID/pagemap entries (bit 63,
// present) through `pagemap_fd`, owned by the caller. Works on every
// kernel that has pagemap. Returns kOk, or kError when a read fails or
// returns nothing. Thread-safe; uses a 64 KiB stack buffer and no heap.
//
// WARNING: its cost is linear in the size of the range (8 bytes per page,
// present or not), so callers must bound the ranges they pass. Swapped-out
// pages are not reported as present.
Residency ResidentRangesByPagemapRead(int pagemap_fd, uintptr_t start,
                                      uintptr_t end, ResidentRangeSink* sink);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_PAGE_RESIDENCY_H_
