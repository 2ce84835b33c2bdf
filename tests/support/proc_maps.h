// Parsing of /proc/<pid>/maps and /proc/<pid>/smaps for the memory scanners.
#ifndef SECRETMODE_TESTS_SUPPORT_PROC_MAPS_H_
#define SECRETMODE_TESTS_SUPPORT_PROC_MAPS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace secret_test {

// One mapping line. [start, end) is page aligned.
struct Region {
  uintptr_t start = 0;
  uintptr_t end = 0;
  std::string perms;  // "rw-p", "r-xp", ...
  // Path, or the kernel's bracketed name ("[heap]", "[stack]", "[vdso]",
  // "[anon:NAME]"); unnamed anonymous mappings are reported as "[anon]".
  std::string name;
  // Resident set size from smaps in KiB; -1 when only maps was read.
  int64_t rss_kb = -1;
  // The smaps "VmFlags:" value with a space on each side (" rd wr mr dd "),
  // so a flag can be searched as " dd "; empty when only maps was read.
  std::string vm_flags;

  uintptr_t size() const { return end - start; }
  bool readable() const { return perms.size() > 0 && perms[0] == 'r'; }
  bool writable() const { return perms.size() > 1 && perms[1] == 'w'; }
  bool executable() const { return perms.size() > 2 && perms[2] == 'x'; }
  bool contains(uintptr_t a) const { return a >= start && a < end; }
};

// Reads the mappings of `pid` (0 = the calling process) sorted by address.
// With `with_rss` the smaps file is parsed so that Region::rss_kb and
// Region::vm_flags are filled.
// Returns false and sets *error when the file cannot be read or parsed.
bool ReadMaps(pid_t pid, bool with_rss, std::vector<Region>* out,
              std::string* error);

// The region containing `address`, or nullptr. `regions` must be sorted.
const Region* FindRegion(const std::vector<Region>& regions,
                         uintptr_t address);

// VmFlagsOf returns the "VmFlags:" line of this process's mapping that
// contains `address`, with a space appended so that a flag can be searched
// as " dd ", or "" when no mapping contains it.
std::string VmFlagsOf(uintptr_t address);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_PROC_MAPS_H_
