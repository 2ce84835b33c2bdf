// Reading another process's resident memory through /proc/PID/mem.
#ifndef SECRETMODE_KEYSCAN_PROCESS_MEMORY_H_
#define SECRETMODE_KEYSCAN_PROCESS_MEMORY_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "keyscan/proc_maps.h"

namespace keyscan {

// What VisitProcessMemory reads.
struct ProcessMemoryOptions {
  // Also read r-- and r-x mappings (code, rodata), not only rw ones.
  bool include_readonly = false;
  // Also read the resident pages of no-access private mappings (---p):
  // memory made PROT_NONE after it was written (secretmode's idle secret
  // stack pages, allocators' freed runs) keeps its bytes, and
  // /proc/PID/mem reads them. Mappings with an Rss of 0 kB (guard pages,
  // huge reservations) cost nothing either way.
  bool include_no_access = true;
  // Query page residency (PAGEMAP_SCAN, else /proc/PID/pagemap). False
  // acts as on a kernel without either, so that tests can exercise the
  // fallback below.
  bool query_residency = true;
  // When the target's page residency cannot be queried (no PAGEMAP_SCAN,
  // and a mapping too big to read its pagemap entries), a partially
  // resident mapping is read whole only up to this size (reading untouched
  // anonymous memory maps the zero page, it allocates nothing); a larger
  // one is counted as unread (ProcessMemoryStats::regions_unread).
  uint64_t max_unknown_residency_bytes = uint64_t{64} << 20;
};

// What a VisitProcessMemory call covered. Every listed mapping is exactly
// one of: scanned, ineligible, not resident, unread. A caller concluding
// "nothing found" must also check bytes_scanned > 0 (or it concludes so
// from reading nothing) and regions_unread == 0 and read_errors == 0 (or
// it concludes so from a partial read).
struct ProcessMemoryStats {
  size_t regions_total = 0;    // mappings listed by the kernel
  size_t regions_scanned = 0;  // mappings whose resident pages were read
  // Not eligible by the options and IsScannable: [vvar], [vsyscall],
  // device mappings, and mappings of permissions the options exclude.
  size_t regions_ineligible = 0;
  size_t regions_not_resident = 0;  // eligible, Rss 0 kB: nothing to read
  // Eligible and resident but not read: residency unknown and the mapping
  // too big (max_unknown_residency_bytes), or the residency query failed.
  size_t regions_unread = 0;
  // regions_ineligible + regions_not_resident + regions_unread (kept for
  // callers that only want "not scanned").
  size_t regions_skipped = 0;
  size_t read_errors = 0;  // reads of /proc/PID/mem that failed (EIO)
  uint64_t bytes_scanned = 0;
  // Eligible resident bytes not read: the Rss of the unread regions (an
  // upper bound when a query failed part way) plus the bytes skipped
  // after each read error.
  uint64_t bytes_unread = 0;
  std::string error;  // why the scan could not run; empty when it ran
};

// ProcessMemoryVisitor receives another process's resident memory from
// VisitProcessMemory, in address order, so that one pass can search for
// many patterns. Its methods are called on the thread that called
// VisitProcessMemory and must not throw.
class ProcessMemoryVisitor {
 public:
  // Regions is called once, before any Chunk, with the mappings the scan
  // will cover (read from smaps, sorted; Region::rss_kb and vm_flags set).
  // The vector stays valid until VisitProcessMemory returns.
  virtual void Regions(const std::vector<Region>& regions) { (void)regions; }
  // Chunk receives target bytes data[0, len) that start at `address` in the
  // target. The first `carried` bytes repeat the end of the previous chunk
  // (contiguous memory, up to VisitProcessMemory's `overlap`), so matches
  // across chunk and mapping boundaries are seen; a match lying entirely in
  // data[0, carried) was already seen in the previous chunk. `data` belongs
  // to VisitProcessMemory and is wiped after the call. Return false to stop
  // the scan.
  virtual bool Chunk(const uint8_t* data, size_t len, uintptr_t address,
                     size_t carried) = 0;

 protected:
  ~ProcessMemoryVisitor() = default;
};

// IsScannable returns whether a scan may read mapping `region`: a
// readable mapping, writable unless `include_readonly`; a no-access private
// mapping (---p) only with `include_no_access`; [vvar], [vvar_vclock] and
// [vsyscall] (which can fault and hold no program data) and device files
// under /dev/ other than /dev/zero and /dev/shm/ (reads may have side
// effects) never. Pure function: thread-safe and async-signal-safe.
//
// WARNING: it looks only at the permissions and the name: a readable
// mapping may still be unreadable in part (e.g. a file mapping beyond the
// end of its file), and it says nothing about residency. A scan of the
// calling process itself must keep `include_no_access` false: it reads in
// place, and touching a no-access page faults.
bool IsScannable(const Region& region, bool include_readonly,
                 bool include_no_access = false);

// VisitProcessMemory reads every resident page of the IsScannable mappings
// of process `pid` (no-access private ones included by default, see
// ProcessMemoryOptions) through /proc/PID/mem and hands it to `visitor` in
// chunks of at most 1 MiB plus `overlap` bytes carried over from the
// previous chunk (see ProcessMemoryVisitor::Chunk). Mappings are listed
// from /proc/PID/smaps; those with an Rss of 0 kB are skipped. Residency
// comes from the PAGEMAP_SCAN ioctl, else from /proc/PID/pagemap entries
// (mappings up to 1 GiB), else from the Rss (see ProcessMemoryOptions);
// a mapping whose resident pages cannot be found is counted in
// stats->regions_unread and stats->bytes_unread. Pages that fail to read
// (EIO) are counted in stats->read_errors and stats->bytes_unread, and
// skipped. The bytes read pass through a private buffer, excluded from
// core dumps, that is wiped after each chunk and unmapped on return.
// Resets and fills *stats (required, owned by the caller). Returns true
// when the scan ran, also when the visitor stopped it. Returns false with
// a one-line stats->error when it cannot run (invalid pid, smaps or
// /proc/PID/mem cannot be opened, no memory for the buffer) or the target
// exits during it. Thread-safe (each call has its own state); allocates,
// so not async-signal-safe.
//
// WARNING: the target keeps running: memory it writes, maps or unmaps
// during the scan may be missed or seen half-written; stop it first
// (SIGSTOP, ptrace) for a consistent picture. Swapped-out pages and
// ineligible mappings are not read, and are not counted as unread.
// Opening /proc/PID/mem needs ptrace rights over the target (same user and
// the Yama ptrace_scope, or CAP_SYS_PTRACE).
bool VisitProcessMemory(pid_t pid, size_t overlap,
                        const ProcessMemoryOptions& options,
                        ProcessMemoryVisitor* visitor,
                        ProcessMemoryStats* stats);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_PROCESS_MEMORY_H_
