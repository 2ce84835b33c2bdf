// process_memory.cc: see process_memory.h.
#include "keyscan/process_memory.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "keyscan/file_io.h"
#include "keyscan/page_residency.h"
#include "keyscan/scratch_buffer.h"

namespace keyscan {
namespace {

constexpr size_t kReadChunk = size_t{1} << 20;
// Reading pagemap entries costs 8 bytes per page; above this size a mapping
// without PAGEMAP_SCAN falls back to the Rss rules instead.
constexpr uintptr_t kPagemapReadMaxBytes = uintptr_t{1} << 30;

// Reads maximal resident runs in chunks, carrying the last `overlap` bytes
// over so matches across chunk (and mapping) boundaries are found.
class RemoteReader : public ResidentRangeSink {
 public:
  RemoteReader(int mem_fd, size_t overlap, uint8_t* buffer,
               ProcessMemoryVisitor* visitor, ProcessMemoryStats* stats)
      : mem_fd_(mem_fd),
        overlap_(overlap),
        buffer_(buffer),
        visitor_(visitor),
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
        const uintptr_t next = std::min<uintptr_t>((addr + page) & ~(page - 1), end);
        stats_->bytes_unread += next - addr;
        addr = next;
        carry = 0;
        continue;
      }
      const size_t total = carry + static_cast<size_t>(got);
      stopped_ = !visitor_->Chunk(buffer_, total, addr - carry, carry);
      stats_->bytes_scanned += static_cast<uint64_t>(got);
      addr += static_cast<uintptr_t>(got);
      const size_t next_carry = std::min(overlap_, total);
      std::memmove(buffer_, buffer_ + total - next_carry, next_carry);
      // What is not carried may be a secret: do not leave it in the buffer.
      explicit_bzero(buffer_ + next_carry, total - next_carry);
      carry = next_carry;
    }
  }

  int mem_fd_;
  size_t overlap_;
  uint8_t* buffer_;
  ProcessMemoryVisitor* visitor_;
  ProcessMemoryStats* stats_;
  uintptr_t run_start_ = 0;
  uintptr_t run_end_ = 0;
  bool stopped_ = false;
  bool target_gone_ = false;
};

}  // namespace

bool IsNoAccess(const Region& r) { return r.perms == "---p"; }

bool IsScannable(const Region& r, bool include_readonly,
                 bool include_no_access) {
  // Reading [vvar] can fault (time namespace pages) and neither can hold
  // program data; device memory may have read side effects.
  if (r.name == "[vvar]" || r.name == "[vvar_vclock]" ||
      r.name == "[vsyscall]") {
    return false;
  }
  if (r.name.compare(0, 5, "/dev/") == 0 &&
      r.name.compare(0, 9, "/dev/zero") != 0 &&
      r.name.compare(0, 9, "/dev/shm/") != 0) {
    return false;
  }
  // A no-access private mapping may hold what was written before an
  // mprotect(PROT_NONE); /proc/PID/mem reads it (FOLL_FORCE).
  if (IsNoAccess(r)) return include_no_access;
  if (!r.readable()) return false;  // e.g. write-only or shared no-access
  if (!r.writable() && !include_readonly) return false;
  return true;
}

bool VisitProcessMemory(pid_t pid, size_t overlap,
                        const ProcessMemoryOptions& options,
                        ProcessMemoryVisitor* visitor,
                        ProcessMemoryStats* stats) {
  *stats = ProcessMemoryStats();
  if (pid <= 0) {
    stats->error = "invalid pid";
    return false;
  }
  std::vector<Region> regions;
  if (!ReadMaps(pid, /*with_rss=*/true, &regions, &stats->error)) {
    return false;
  }
  stats->regions_total = regions.size();
  const std::string proc = "/proc/" + std::to_string(pid);
  Fd mem(OpenReadOnly(proc + "/mem"));
  if (mem.get() < 0) {
    stats->error = "open " + proc + "/mem: " + std::strerror(errno);
    return false;
  }
  // Optional: without it, residency falls back to the Rss rules.
  Fd pagemap(OpenReadOnly(proc + "/pagemap"));
  ScratchBuffer buffer(kReadChunk + overlap);
  if (buffer.data() == nullptr) {
    stats->error = "mmap scratch buffer failed";
    return false;
  }

  visitor->Regions(regions);
  RemoteReader reader(mem.get(), overlap, buffer.data(), visitor, stats);
  bool pagemap_scan_supported = pagemap.get() >= 0;
  for (const Region& r : regions) {
    if (!IsScannable(r, options.include_readonly, options.include_no_access)) {
      ++stats->regions_ineligible;
      ++stats->regions_skipped;
      continue;
    }
    if (r.rss_kb == 0) {  // nothing resident: nothing to read
      ++stats->regions_not_resident;
      ++stats->regions_skipped;
      continue;
    }
    const uint64_t resident_bytes =
        r.rss_kb > 0 ? static_cast<uint64_t>(r.rss_kb) * 1024 : r.size();
    Residency result = Residency::kUnsupported;
    if (pagemap_scan_supported && options.query_residency) {
      result = ResidentRangesByPagemapScan(pagemap.get(), r.start, r.end,
                                           &reader);
      pagemap_scan_supported = result != Residency::kUnsupported;
    }
    if (result == Residency::kUnsupported && pagemap.get() >= 0 &&
        options.query_residency && r.size() <= kPagemapReadMaxBytes) {
      result = ResidentRangesByPagemapRead(pagemap.get(), r.start, r.end,
                                           &reader);
    }
    if (result == Residency::kUnsupported) {
      const bool fully_resident = resident_bytes >= r.size();
      if (fully_resident || r.size() <= options.max_unknown_residency_bytes) {
        reader.Resident(r.start, r.end);
        result = Residency::kOk;
      }
    }
    if (result == Residency::kOk) {
      ++stats->regions_scanned;
    } else {
      // Unknown residency and too big to read whole, or the residency
      // query failed part way: resident pages may have been left unread.
      ++stats->regions_unread;
      ++stats->regions_skipped;
      stats->bytes_unread += resident_bytes;
    }
    if (reader.stopped()) break;
  }
  reader.Flush();
  if (reader.target_gone()) {
    stats->error =
        "process " + std::to_string(pid) + " exited during the scan";
    return false;
  }
  return true;
}

}  // namespace keyscan
