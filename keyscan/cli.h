// keyscan's command line: arguments in, report out, exit status back.
#ifndef SECRETMODE_KEYSCAN_CLI_H_
#define SECRETMODE_KEYSCAN_CLI_H_

#include <cstdio>

namespace keyscan {

// Exit statuses.
constexpr int kExitClean = 0;     // no unexpected residue
constexpr int kExitResidues = 1;  // unexpected residues found
constexpr int kExitError = 2;     // the scan could not run

// RunCli runs `keyscan ARGS...` (argv[0] is the program name): parses the
// arguments, reads the key log, scans the process or core file and writes
// the report to `out` and errors and progress to `err`, as one line
// "keyscan: error: ...". Returns kExitClean, kExitResidues or kExitError
// (also for bad usage). --help prints the usage to `out` and returns
// kExitClean. Not thread-safe (OpenSSL's error queue, the streams).
//
// WARNING: it reads the key log into memory (heap) and wipes its copies
// before returning; the key log file itself is left as it is.
int RunCli(int argc, char** argv, std::FILE* out, std::FILE* err);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_CLI_H_
