// The mappings of a process, read from /proc/PID/maps or /proc/PID/smaps.
#ifndef SECRETMODE_KEYSCAN_PROC_MAPS_H_
#define SECRETMODE_KEYSCAN_PROC_MAPS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyscan {

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

  // size returns end - start in bytes.
  uintptr_t size() const { return end - start; }
  // readable, writable and executable return whether perms grants r, w, x.
  bool readable() const { return perms.size() > 0 && perms[0] == 'r'; }
  bool writable() const { return perms.size() > 1 && perms[1] == 'w'; }
  bool executable() const { return perms.size() > 2 && perms[2] == 'x'; }
  // contains returns whether address `a` lies in [start, end).
  bool contains(uintptr_t a) const { return a >= start && a < end; }
};

// ReadMaps replaces *out with the mappings of process `pid` (0 = the calling
// process), sorted by address. With `with_rss` it parses /proc/PID/smaps, so
// that Region::rss_kb and Region::vm_flags are filled; otherwise it reads
// /proc/PID/maps, which is cheaper. Returns true on success. Returns false
// and sets *error to a one-line message (with the path and errno text) when
// the file cannot be opened or read (no such process, no permission) or a
// line cannot be parsed; *out is then unchanged or partly filled.
// Thread-safe; allocates, so not async-signal-safe.
//
// WARNING: the result is a snapshot: the process (or, for pid 0, another
// thread of this one) may map, unmap or mprotect memory right after it is
// read. Reading smaps takes the target's mmap lock and costs a page walk
// per mapping.
bool ReadMaps(pid_t pid, bool with_rss, std::vector<Region>* out,
              std::string* error);

// ParseMaps replaces *out with the mappings listed in `text`, the contents
// of a /proc/PID/maps or /proc/PID/smaps file, sorted by address: what
// ReadMaps does once it has read the file, on its own so that the parsing
// can be tested and fuzzed without a process. smaps' "Rss:" and "VmFlags:"
// lines fill Region::rss_kb and Region::vm_flags of the mapping above
// them; other "Key:" lines are skipped. Returns true on success; returns
// false with *error = "cannot parse line of SOURCE: LINE" (`source` names
// the file, LINE is quoted with Printable) for a line that is not a mapping (bad addresses, permissions
// that are not 4 characters, end not above start); *out is then partly
// filled. Thread-safe; allocates.
//
// WARNING: `text` is trusted to come from the kernel only as far as the
// format goes: lines are checked, not their meaning (overlapping mappings
// are accepted).
bool ParseMaps(std::string_view text, const std::string& source,
               std::vector<Region>* out, std::string* error);

// FindRegion returns the element of `regions` that contains `address`, or
// nullptr when none does. The pointer refers into `regions` and is valid as
// long as the vector is not modified. Thread-safe for concurrent readers;
// async-signal-safe (no allocation).
//
// WARNING: `regions` must be sorted by address and non-overlapping (as
// ReadMaps returns them); otherwise the answer is unspecified.
const Region* FindRegion(const std::vector<Region>& regions,
                         uintptr_t address);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_PROC_MAPS_H_
