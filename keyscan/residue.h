// What a scan found: each copy of a needle, where it sits, and the totals.
#ifndef SECRETMODE_KEYSCAN_RESIDUE_H_
#define SECRETMODE_KEYSCAN_RESIDUE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "keyscan/needles.h"

namespace keyscan {

// Where a copy sits, by the kind of memory holding it.
enum class MemoryClass {
  kHeap,         // the brk heap ([heap]; allocators' mmap'd arenas are kAnonymous)
  kMainStack,    // the main thread's stack
  kThreadStack,  // another thread's stack (found by its stack pointer)
  kSecretStack,  // a secretmode secret stack or secret signal stack
  kSecretArena,  // the secretmode arena
  kAnonymous,    // other anonymous memory
  kFileBacked,   // a mapping of a file
  kRegisters,    // a thread's saved registers (core files)
  kOther,        // kernel-provided mappings ([vdso], ...)
};

// MemoryClassName returns the class's report name: "heap", "main stack",
// "thread stack", "secret stack", "secret arena", "anonymous",
// "file-backed", "registers", "other" (a static string). Thread- and
// async-signal-safe.
//
// WARNING: none; it reads no secret.
const char* MemoryClassName(MemoryClass memory_class);

// One copy of one needle.
struct Residue {
  size_t needle = 0;     // index into the scanned needles
  uint64_t address = 0;  // in the target's address space (0 for registers)
  MemoryClass memory_class = MemoryClass::kOther;
  // The mapping ("0x7f..-0x7f.. rw-p [anon]"), path, thread or register
  // set, e.g. "thread 1234 NT_X86_XSTATE".
  std::string where;
};

// A scan's outcome.
struct ScanResult {
  std::string target;  // "process 1234" or "core file /path"
  std::vector<Residue> residues;
  uint64_t bytes_scanned = 0;
  size_t regions_scanned = 0;
  // Process scans: not scanned, regions_ineligible + regions_not_resident
  // + regions_unread (see ProcessMemoryStats). Core scans leave these 0
  // and note the bytes that were not dumped instead.
  size_t regions_skipped = 0;
  // Not eligible: [vvar], [vsyscall], device mappings; never read, by
  // design, and not a gap in the scan.
  size_t regions_ineligible = 0;
  size_t regions_not_resident = 0;  // eligible, nothing resident
  // Eligible memory that could not be read: regions whose residency was
  // unknown or could not be queried, their resident bytes, and the bytes
  // skipped after read errors. Non-zero means the scan is incomplete.
  size_t regions_unread = 0;
  uint64_t bytes_unread = 0;
  size_t read_errors = 0;    // pages that could not be read (EIO)
  bool truncated = false;    // stopped at the residue limit
  std::vector<std::string> notes;  // caveats to print with the report
};

// DropContainedResidues removes from *residues every copy that lies inside
// a copy of a longer needle found in memory (a register copy has no address
// and is always kept). Needles can overlap: the TLS 1.2 key block is one
// PRF output cut for every suite's layout, so the two 16-byte AES-128 keys
// are the halves of ChaCha20's 32-byte client key, and one copy of that key
// would otherwise count three times, once as a "server write" key.
// `needles` are the scanned needles (Residue::needle indexes them). Keeps
// the order of what remains. Allocates; not async-signal-safe.
//
// WARNING: none; it reads no secret.
void DropContainedResidues(const std::vector<Needle>& needles,
                           std::vector<Residue>* residues);

// ScanIncomplete returns whether eligible memory of `result`'s target was
// left unread (ScanResult::regions_unread, bytes_unread, read_errors):
// "no residue" then does not mean "none left". Thread- and
// async-signal-safe.
//
// WARNING: memory that is not eligible (ScanResult::regions_ineligible),
// swapped out, or not in a core file does not make a scan incomplete.
bool ScanIncomplete(const ScanResult& result);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_RESIDUE_H_
