// keyscan's command line: arguments in, report out, exit status back.
#ifndef SECRETMODE_KEYSCAN_CLI_H_
#define SECRETMODE_KEYSCAN_CLI_H_

#include <cstdio>
#include <vector>

#include "keyscan/needles.h"
#include "keyscan/report.h"
#include "keyscan/residue.h"

namespace keyscan {

// Exit statuses.
constexpr int kExitClean = 0;     // complete scan, no unexpected residue
constexpr int kExitResidues = 1;  // unexpected residues found
// The scan could not run, read no memory, or was incomplete (eligible
// memory not read) without finding an unexpected residue.
constexpr int kExitError = 2;

// ExitStatusFor returns the exit status for a scan that ran: kExitResidues
// when `result` holds an unexpected residue under `policy` (or was
// truncated at the residue limit), even if the scan was incomplete;
// otherwise kExitError when it read no memory (bytes_scanned == 0) or left
// eligible memory unread (ScanIncomplete); otherwise kExitClean.
// `needles` are the needles `result` indexes. Thread-safe.
//
// WARNING: kExitClean means "no exact copy in the memory that was read";
// memory that is not eligible ([vvar], devices), swapped out, or not in a
// core file is not covered.
int ExitStatusFor(const ScanResult& result, const std::vector<Needle>& needles,
                  const ReportPolicy& policy);

// RunCli runs `keyscan ARGS...` (argv[0] is the program name): parses the
// arguments, reads the key log, scans the process or core file and writes
// the report to `out` and errors and progress to `err`, as one line
// "keyscan: error: ...". Returns ExitStatusFor the scan, or kExitError
// (with its one-line error) for bad usage, a scan that could not run or
// read no memory (no report is printed then), and an incomplete scan
// without unexpected residues (after the report). --help prints the usage to `out` and returns
// kExitClean. Not thread-safe (OpenSSL's error queue, the streams).
//
// WARNING: it reads the key log into memory (heap) and wipes its copies
// before returning; the key log file itself is left as it is.
int RunCli(int argc, char** argv, std::FILE* out, std::FILE* err);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_CLI_H_
