// Scanners that prove a secret is (or is no longer) present in memory.
//
// Keeping the pattern: the scanners compare in place and never copy the
// pattern, but the pattern buffer itself is of course a copy of the secret.
// FindInSelf excludes [pattern, pattern + len) automatically; every other
// copy the test keeps on purpose (e.g. a reference copy used to fill the
// secret) must be listed in ScanOptions::exclude or wiped before scanning.
// Prefer a static or mmap'd buffer for the pattern over a local variable, so
// that compiler temporaries of the secret are less likely to exist.
//
// Both scanners read only resident pages, so a secret that was swapped out
// is not seen (the test machines run without swap; mlock() if in doubt).
// Other threads must not unmap or mprotect memory while FindInSelf runs.
#ifndef SECRETMODE_TESTS_SUPPORT_MEMORY_SCAN_H_
#define SECRETMODE_TESTS_SUPPORT_MEMORY_SCAN_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "keyscan/proc_maps.h"

namespace secret_test {

struct Hit {
  uintptr_t address = 0;
  keyscan::Region region;  // the mapping containing `address`
};

// What a scan covered. A test asserting "no hits" should also assert
// bytes_scanned > 0, or it can pass by scanning nothing.
struct ScanStats {
  size_t regions_total = 0;    // mappings listed by the kernel
  size_t regions_scanned = 0;  // mappings whose resident pages were read
  // Not read: ineligible (vvar, devices, no-access in FindInSelf), nothing
  // resident, or too big to query residency for.
  size_t regions_skipped = 0;
  size_t read_errors = 0;      // FindInProcess: preads that failed (EIO)
  uint64_t bytes_scanned = 0;
  bool hits_truncated = false;  // stopped at ScanOptions::max_hits
  std::string error;            // non-empty if the scan could not run
};

struct ScanOptions {
  // Also scan r-- and r-x mappings (e.g. code and rodata), not only rw.
  bool include_readonly = false;
  // [first, second) address ranges; a hit whose bytes overlap any of them
  // is dropped. For FindInProcess they are addresses in the target process.
  std::vector<std::pair<uintptr_t, uintptr_t>> exclude;
  size_t max_hits = 1024;
  // FindInProcess: when the target's page residency cannot be queried, a
  // partially resident mapping is read whole only up to this size (reading
  // untouched anonymous memory maps the zero page, it allocates nothing).
  uint64_t max_unknown_residency_bytes = uint64_t{64} << 20;
  // Optional; when null, a scan that cannot run at all aborts the test
  // program instead of returning "no hits".
  ScanStats* stats = nullptr;
};

// Scans every resident page of the readable+writable mappings of this
// process (plus r--/r-x with include_readonly), in place. Non-resident pages
// are never touched. Residency comes from mincore(), except for mappings
// over 4 GiB (sanitizer shadow, allocator reservations), which use the
// PAGEMAP_SCAN ioctl when the kernel has it (Linux >= 6.7): mincore costs a
// byte per page even where no page table exists (an ASan process: 14 s with
// mincore alone, 0.07 s this way). [vvar], [vsyscall], PROT_NONE and device
// mappings are skipped.
std::vector<Hit> FindInSelf(const void* pattern, size_t len,
                            const ScanOptions& options = {});

// Scans another process (typically a forked child, see child_process.h)
// through /proc/PID/mem, with keyscan::VisitProcessMemory (whose rules say
// what is read: residency from the PAGEMAP_SCAN ioctl or /proc/PID/pagemap
// present bits; mappings with an Rss of 0 kB are skipped; resident pages of
// no-access mappings are read too, as /proc/PID/mem allows).
// Regions that fail to read (EIO) are counted in ScanStats and skipped.
// Data read from the target is wiped from this process before returning.
// Unlike FindInSelf nothing is excluded implicitly: a forked child holds its
// own copy of the parent's pattern buffer at the same address.
std::vector<Hit> FindInProcess(pid_t pid, const void* pattern, size_t len,
                               const ScanOptions& options = {});

// One line per hit (address, offset in and name/perms of the mapping), for
// test failure messages.
std::string Describe(const std::vector<Hit>& hits);

// Fills out[0, n) from getrandom() with bytes that are never zero, so a
// secret can never be mistaken for erased memory. Aborts if getrandom fails.
void FillRandomSecret(uint8_t* out, size_t n);

// Copies a secret one byte at a time through volatile accesses, so no
// register ever holds more than one byte of it. A plain memcpy leaves the
// secret in vector registers, and e.g. the dynamic linker's lazy binding
// (_dl_runtime_resolve_xsave*) later spills those to the stack, creating
// copies the test did not intend.
void PlantSecret(void* dst, const void* src, size_t n);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_MEMORY_SCAN_H_
