// usage.cc: see usage.h.
#include "keyscan/usage.h"

namespace keyscan {

const char kUsage[] = R"(Usage: keyscan --keylog FILE (--pid PID | --core FILE) [options]

Searches a live process or an ELF core file for the TLS secrets of the
connections in an NSS key log (SSLKEYLOGFILE), and for the TLS 1.3 record
keys and IVs derived from them, and reports every copy and where it sits.

  --keylog FILE   the key log: TLS 1.3 CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET,
                  CLIENT_/SERVER_TRAFFIC_SECRET_0, CLIENT_EARLY_TRAFFIC_SECRET,
                  EXPORTER_SECRET, EARLY_EXPORTER_SECRET (SHA-256 and SHA-384
                  suites: the secret, its 16- and 32-byte keys and 12-byte IV
                  are searched), TLS 1.2 CLIENT_RANDOM (the master secret;
                  with a line `SECRETMODE_SERVER_RANDOM CLIENT_RANDOM
                  SERVER_RANDOM` for the connection, also its AEAD record
                  keys, and ChaCha20's IVs)
  --pid PID       scan the live process PID (/proc/PID/mem: needs root or
                  ptrace rights over it; the process keeps running)
  --core FILE     scan a core file (e.g. from `gcore PID`): memory segments
                  and the threads' saved registers
  --json          print the report as one JSON object instead of a table
  --progress      print progress to stderr (default: when stderr is a terminal)
  --no-progress   never print progress
  --expect-cached-master-secrets
                  TLS 1.2 master secrets kept by design (a server's session
                  cache) do not count towards the exit status; they are
                  still reported, on their own lines
  --help          this text

Where a copy sits ("class"):
  heap            the brk heap ([heap]); allocators' mmap'd arenas are
                  "anonymous"
  main stack      the main thread's stack
  thread stack    another thread's stack, found by the stack pointer of a
                  blocked thread (live: /proc/PID/task/TID/syscall; core:
                  NT_PRSTATUS)
  secret stack    secretmode's secret stacks and signal stacks, and
  secret arena    its arena (live processes only), recognized by their madvise
                  flags (VmFlags dd and wf): other MADV_DONTDUMP memory is
                  reported as "secret arena" too
  anonymous       other anonymous memory (in a core: all memory not listed
                  in its NT_FILE note, the heap included)
  file-backed     a mapping of a file
  registers       a thread's registers saved in a core (general, x87/SSE,
                  AVX/AVX-512 rebuilt whole from NT_X86_XSTATE)
  other           [vdso] and other kernel mappings

Process scans read every resident page of every readable mapping and of
every no-access private mapping (---p: memory made PROT_NONE keeps its
bytes, and /proc/PID/mem reads them), from the kernel's page residency
(PAGEMAP_SCAN, else /proc/PID/pagemap). Not eligible, never read: [vvar],
[vsyscall] and device mappings. The report says how many regions were read,
not eligible, not resident, and eligible but not read (residency unknown
for a partly resident mapping over 64 MiB, a failed residency query, read
errors): the latter make the scan INCOMPLETE.

Not covered: registers of a live process (scan a core instead); pages
swapped out; [vvar], [vsyscall] and device mappings. Core files hold no
MADV_DONTDUMP memory: secretmode's secret stacks and arena are not in them
by design (SECRETMODE_DONTDUMP=1), nor is memory excluded by
/proc/PID/coredump_filter; the report notes segments whose bytes were not
dumped and register notes too large to search. Only exact copies are found.

Exit status: 0 the scan read memory, all eligible memory was read, and no
unexpected residue was found; 1 unexpected residues found (also when the
scan was incomplete); 2 error: the scan could not run, read no memory at
all (e.g. a zombie process), or was incomplete (eligible memory not read)
without finding an unexpected residue, so that "clean" is never claimed
from a partial read.
)";

}  // namespace keyscan
