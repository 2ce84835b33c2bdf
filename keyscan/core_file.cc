// core_file.cc: see core_file.h.
#include "keyscan/core_file.h"

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string.h>

#include "keyscan/file_io.h"

namespace keyscan {
namespace {

// Offsets in the x86-64 Linux note layouts (struct elf_prstatus and struct
// elf_prpsinfo of the kernel's uapi and gdb's writers).
constexpr size_t kPrstatusPid = 32;
constexpr size_t kPrstatusRegs = 112;
constexpr size_t kUserRegsRsp = 19;  // index in user_regs_struct
constexpr size_t kPrstatusMinSize = kPrstatusRegs + 27 * 8;
constexpr size_t kPrpsinfoPid = 24;
// Notes larger than this are not plausible (NT_FILE of a huge process is a
// few MB): refuse rather than allocate what a corrupt header asks.
constexpr uint64_t kMaxNoteSegment = uint64_t{256} << 20;

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
  return buf;
}

// Fits reports whether [offset, offset + size) lies inside the file.
bool Fits(uint64_t offset, uint64_t size, uint64_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

// ParseNtFile reads NT_FILE: count, page size, count (start, end, page
// offset) triples, then count NUL-terminated paths.
bool ParseNtFile(const uint8_t* d, uint64_t size, CoreFile* out,
                 std::string* error) {
  if (size < 16) {
    *error = "malformed NT_FILE note (" + std::to_string(size) + " bytes)";
    return false;
  }
  const uint64_t count = Load64(d);
  if (count > (size - 16) / 24) {
    *error = "malformed NT_FILE note (" + std::to_string(count) +
             " entries in " + std::to_string(size) + " bytes)";
    return false;
  }
  const uint8_t* names = d + 16 + count * 24;
  const uint8_t* end = d + size;
  for (uint64_t i = 0; i < count; ++i) {
    CoreFileMapping m;
    m.start = Load64(d + 16 + i * 24);
    m.end = Load64(d + 16 + i * 24 + 8);
    const void* nul = std::memchr(names, 0, static_cast<size_t>(end - names));
    if (nul == nullptr) {
      *error = "malformed NT_FILE note (unterminated path)";
      return false;
    }
    m.path.assign(reinterpret_cast<const char*>(names),
                  static_cast<const uint8_t*>(nul) - names);
    names = static_cast<const uint8_t*>(nul) + 1;
    out->files.push_back(std::move(m));
  }
  return true;
}

// ParseNotes walks one PT_NOTE segment, already read into `notes`.
bool ParseNotes(const std::vector<uint8_t>& notes, uint64_t file_offset,
                CoreFile* out, std::string* error) {
  size_t pos = 0;
  int current_tid = 0;
  while (pos + sizeof(Elf64_Nhdr) <= notes.size()) {
    Elf64_Nhdr h;
    std::memcpy(&h, notes.data() + pos, sizeof(h));
    const uint64_t name_at = pos + sizeof(h);
    const uint64_t desc_at = name_at + ((uint64_t{h.n_namesz} + 3) & ~3ull);
    const uint64_t next = desc_at + ((uint64_t{h.n_descsz} + 3) & ~3ull);
    if (desc_at + h.n_descsz > notes.size()) {
      *error = "malformed note at file offset " + Hex(file_offset + pos) +
               " (extends past its PT_NOTE segment)";
      return false;
    }
    const std::string name(
        reinterpret_cast<const char*>(notes.data() + name_at),
        h.n_namesz > 0 ? h.n_namesz - 1 : 0);
    const uint8_t* desc = notes.data() + desc_at;
    if (name == "CORE" && h.n_type == NT_PRSTATUS) {
      if (h.n_descsz < kPrstatusMinSize) {
        *error = "malformed NT_PRSTATUS note (" + std::to_string(h.n_descsz) +
                 " bytes)";
        return false;
      }
      CoreThread t;
      t.tid = static_cast<int>(Load32(desc + kPrstatusPid));
      if (out->machine == EM_X86_64) {
        t.sp = Load64(desc + kPrstatusRegs + kUserRegsRsp * 8);
      }
      current_tid = t.tid;
      out->threads.push_back(t);
    } else if (name == "CORE" && h.n_type == NT_PRPSINFO &&
               h.n_descsz >= kPrpsinfoPid + 4) {
      out->pid = static_cast<int>(Load32(desc + kPrpsinfoPid));
    } else if (name == "CORE" && h.n_type == NT_FILE) {
      if (!ParseNtFile(desc, h.n_descsz, out, error)) return false;
    }
    // Register sets: the general registers (in NT_PRSTATUS), the legacy
    // FXSAVE area, and the XSAVE area (AVX, AVX-512, ...), each per thread.
    if ((name == "CORE" &&
         (h.n_type == NT_PRSTATUS || h.n_type == NT_FPREGSET)) ||
        (name == "LINUX" && h.n_type == NT_X86_XSTATE)) {
      CoreRegisterNote r;
      r.tid = current_tid;
      r.type = h.n_type;
      r.offset = file_offset + desc_at;
      r.size = h.n_descsz;
      out->registers.push_back(r);
    }
    pos = static_cast<size_t>(next);
  }
  return true;
}

}  // namespace

bool ReadCoreFile(int fd, CoreFile* out, std::string* error) {
  *out = CoreFile();
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *error = std::string("fstat: ") + std::strerror(errno);
    return false;
  }
  out->file_size = static_cast<uint64_t>(st.st_size);
  Elf64_Ehdr eh;
  if (out->file_size < EI_NIDENT || !ReadAt(fd, 0, eh.e_ident, EI_NIDENT) ||
      std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    *error = "not an ELF file";
    return false;
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    *error = "not a 64-bit little-endian ELF file";
    return false;
  }
  if (!Fits(0, sizeof(eh), out->file_size) ||
      !ReadAt(fd, 0, &eh, sizeof(eh))) {
    *error = "truncated: the ELF header is incomplete (" +
             std::to_string(out->file_size) + " bytes)";
    return false;
  }
  if (eh.e_type != ET_CORE) {
    *error = "an ELF file but not a core file (e_type " +
             std::to_string(eh.e_type) + ")";
    return false;
  }
  out->machine = eh.e_machine;
  uint64_t phnum = eh.e_phnum;
  if (phnum == PN_XNUM) {  // the real count is in section header 0
    Elf64_Shdr sh0;
    if (!Fits(eh.e_shoff, sizeof(sh0), out->file_size) ||
        !ReadAt(fd, eh.e_shoff, &sh0, sizeof(sh0))) {
      *error = "truncated: section header 0 (program header count) missing";
      return false;
    }
    phnum = sh0.sh_info;
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr) && phnum > 0) {
    *error = "malformed: program header size " +
             std::to_string(eh.e_phentsize) + ", expected " +
             std::to_string(sizeof(Elf64_Phdr));
    return false;
  }
  if (phnum > out->file_size / sizeof(Elf64_Phdr) ||
      !Fits(eh.e_phoff, phnum * sizeof(Elf64_Phdr), out->file_size)) {
    *error = "truncated: " + std::to_string(phnum) +
             " program headers at offset " + Hex(eh.e_phoff) +
             " extend past the end of the file (" +
             std::to_string(out->file_size) + " bytes)";
    return false;
  }
  std::vector<Elf64_Phdr> phdrs(phnum);
  if (phnum > 0 && !ReadAt(fd, eh.e_phoff, phdrs.data(),
                           phnum * sizeof(Elf64_Phdr))) {
    *error = "cannot read the program headers";
    return false;
  }
  for (const Elf64_Phdr& ph : phdrs) {
    if (!Fits(ph.p_offset, ph.p_filesz, out->file_size)) {
      *error = std::string("truncated: the ") +
               (ph.p_type == PT_NOTE ? "PT_NOTE segment"
                                     : "segment at vaddr " + Hex(ph.p_vaddr)) +
               " needs file bytes up to " + Hex(ph.p_offset + ph.p_filesz) +
               ", the file has " + Hex(out->file_size);
      return false;
    }
    if (ph.p_type == PT_LOAD) {
      if (ph.p_filesz > ph.p_memsz) {
        *error = "malformed: the segment at vaddr " + Hex(ph.p_vaddr) +
                 " has more file bytes than memory bytes";
        return false;
      }
      CoreSegment s;
      s.vaddr = ph.p_vaddr;
      s.memsz = ph.p_memsz;
      s.offset = ph.p_offset;
      s.filesz = ph.p_filesz;
      s.flags = ph.p_flags;
      out->segments.push_back(s);
    } else if (ph.p_type == PT_NOTE && ph.p_filesz > 0) {
      if (ph.p_filesz > kMaxNoteSegment) {
        *error = "malformed: a PT_NOTE segment of " +
                 std::to_string(ph.p_filesz) + " bytes";
        return false;
      }
      std::vector<uint8_t> notes(ph.p_filesz);
      if (!ReadAt(fd, ph.p_offset, notes.data(), notes.size())) {
        *error = "cannot read the PT_NOTE segment";
        return false;
      }
      const bool parsed = ParseNotes(notes, ph.p_offset, out, error);
      // The notes hold the threads' registers, which may hold secrets.
      explicit_bzero(notes.data(), notes.size());
      if (!parsed) return false;
    }
  }
  if (out->segments.empty()) {
    *error = "malformed: no PT_LOAD segment (no memory in the core)";
    return false;
  }
  return true;
}

}  // namespace keyscan
