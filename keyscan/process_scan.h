// Searching a live process for key-log needles.
#ifndef SECRETMODE_KEYSCAN_PROCESS_SCAN_H_
#define SECRETMODE_KEYSCAN_PROCESS_SCAN_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "keyscan/needles.h"
#include "keyscan/residue.h"
#include "keyscan/scan_settings.h"

namespace keyscan {

// ScanProcess searches every resident page of every readable mapping and
// of every no-access private mapping (---p: memory made PROT_NONE keeps its
// bytes) of process `pid` (through /proc/PID/smaps and /proc/PID/mem, with
// VisitProcessMemory, process_memory.h) for every needle, in one pass, and
// fills *result with each copy and its memory class (see
// ClassifyProcessMapping) and with the coverage: regions read, not
// eligible, not resident, and eligible but not read
// (ScanResult::regions_unread, bytes_unread, read_errors; see
// ScanIncomplete). `settings` (owned by the caller) gives the progress
// stream, the residue limit and the residency rules. The target keeps
// running; pages it has swapped out are not read. Returns true when the
// scan ran (with or without residues, complete or not). Returns false with
// a one-line *error when it cannot: no such process ("no process with PID
// N"), a zombie ("process N is a zombie ..."), no permission to read its
// memory (EACCES/EPERM, with what rights are needed), the target is
// keyscan itself, or it exited during the scan. Thread-safe; not
// async-signal-safe.
//
// WARNING: a live process changes while it is read: a copy made or erased
// during the scan may be missed or reported. Registers of a live process
// are not read (take a core with `gcore PID` and scan that). Not eligible,
// never searched: [vvar], [vsyscall] and device mappings; pages swapped
// out are not searched either. A true return with bytes_scanned == 0 or
// ScanIncomplete(*result) does not mean "no residue": ExitStatusFor
// (cli.h) maps both to exit status 2. Bytes read from the target pass
// through a private buffer that is wiped afterwards.
bool ScanProcess(pid_t pid, const std::vector<Needle>& needles,
                 const ScanSettings& settings, ScanResult* result,
                 std::string* error);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_PROCESS_SCAN_H_
