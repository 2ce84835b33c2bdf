// Searching an ELF core file for key-log needles.
#ifndef SECRETMODE_KEYSCAN_CORE_SCAN_H_
#define SECRETMODE_KEYSCAN_CORE_SCAN_H_

#include <string>
#include <vector>

#include "keyscan/needles.h"
#include "keyscan/residue.h"
#include "keyscan/scan_settings.h"

namespace keyscan {

// ScanCoreFile searches the core file at `path` for every needle: the
// memory of every PT_LOAD segment (classified by ClassifyCoreSegment;
// matches across adjacent segments are found), and every thread's register
// notes — NT_PRSTATUS (general registers), NT_FPREGSET and NT_X86_XSTATE,
// the latter also as whole zmm0-31 registers rebuilt from their XSAVE
// pieces — reported as class "registers" with the thread's id, at most
// once per needle and thread. Fills *result and returns true when the scan
// ran; result->notes then also say how many segments and bytes were not
// dumped (p_filesz < p_memsz: normal for MADV_DONTDUMP memory) and how
// many register notes were too large to search (more than the 1 MiB scan
// buffer), both of which are skipped. Returns false with a one-line *error when the file cannot be opened
// or read, is not an ELF core, or is malformed or truncated. Thread-safe;
// not async-signal-safe.
//
// WARNING: a core holds only what its writer dumped: MADV_DONTDUMP memory
// (secretmode's secret stacks and arena, by default) and mappings excluded
// by /proc/PID/coredump_filter are absent, so a clean core says nothing
// about them. Bytes read from the file pass through a private buffer that
// is wiped afterwards; the file itself is left as it is.
bool ScanCoreFile(const std::string& path, const std::vector<Needle>& needles,
                  const ScanSettings& settings, ScanResult* result,
                  std::string* error);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_CORE_SCAN_H_
