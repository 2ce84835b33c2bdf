// Reading an ELF core file: its memory segments and the notes that say
// which thread had which registers and which mapping was which file.
#ifndef SECRETMODE_KEYSCAN_CORE_FILE_H_
#define SECRETMODE_KEYSCAN_CORE_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace keyscan {

// A PT_LOAD segment: [vaddr, vaddr + memsz) of the process, of which the
// first filesz bytes are in the file at `offset` (the rest was not dumped).
struct CoreSegment {
  uint64_t vaddr = 0;
  uint64_t memsz = 0;
  uint64_t offset = 0;
  uint64_t filesz = 0;
  uint32_t flags = 0;  // PF_R | PF_W | PF_X
};

// One entry of the NT_FILE note: [start, end) mapped `path`.
struct CoreFileMapping {
  uint64_t start = 0;
  uint64_t end = 0;
  std::string path;
};

// One register note of one thread, as the file holds it.
struct CoreRegisterNote {
  int tid = 0;           // from the NT_PRSTATUS that precedes it
  uint32_t type = 0;     // NT_PRSTATUS, NT_FPREGSET, NT_X86_XSTATE, ...
  uint64_t offset = 0;   // of the descriptor in the file
  uint64_t size = 0;     // of the descriptor
};

// A thread, from its NT_PRSTATUS note.
struct CoreThread {
  int tid = 0;
  uint64_t sp = 0;  // x86-64 rsp; 0 on other machines
};

// What keyscan needs from a core file. Descriptions only: register and
// memory bytes stay in the file until a scan reads them.
struct CoreFile {
  uint64_t file_size = 0;
  uint16_t machine = 0;  // e_machine (EM_X86_64 = 62)
  int pid = 0;           // from NT_PRPSINFO; 0 when absent
  std::vector<CoreSegment> segments;
  std::vector<CoreFileMapping> files;
  std::vector<CoreThread> threads;
  std::vector<CoreRegisterNote> registers;
};

// ReadCoreFile reads the ELF header, program headers and notes of the core
// file open on `fd` (read with pread; the file offset is not used) into
// *out and returns true. Returns false with a one-line *error when the file
// is not a 64-bit little-endian ELF core ("not an ELF file", "an ELF file
// but not a core file (type ET_EXEC)"), or is malformed or truncated
// (program headers, a note or a PT_LOAD segment extending past the end of
// the file: "truncated: ..."); every offset and size is checked against the
// file size before use, so hostile input cannot make it read out of bounds.
// Thread-safe.
//
// WARNING: it trusts what the notes say (thread ids, file names); it does
// not read segment contents, so a core whose memory bytes are corrupted
// but whose headers are intact reads fine.
bool ReadCoreFile(int fd, CoreFile* out, std::string* error);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_CORE_FILE_H_
