// keyscan_synthetic_core.cc: see keyscan_synthetic_core.h.

#include "tests/keyscan_synthetic_core.h"

#include <elf.h>

#include <cstring>

namespace keyscan_test {

std::string SyntheticCore(const std::vector<uint8_t>& secret, uint64_t dumped,
                          size_t note_desc, uint32_t note_type) {
  Elf64_Ehdr eh = {};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_CORE;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 2;
  Elf64_Nhdr nh = {};
  nh.n_namesz = 6;  // "LINUX\0"
  nh.n_descsz = static_cast<Elf64_Word>(note_desc);
  nh.n_type = note_type;
  std::string note(reinterpret_cast<const char*>(&nh), sizeof(nh));
  note.append("LINUX\0\0\0", 8);
  note.append((note_desc + 3) & ~size_t{3}, '\0');
  const uint64_t notes_at = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
  Elf64_Phdr ph[2] = {};
  ph[0].p_type = PT_NOTE;
  ph[0].p_offset = notes_at;
  ph[0].p_filesz = note.size();
  ph[1].p_type = PT_LOAD;
  ph[1].p_flags = PF_R | PF_W;
  ph[1].p_vaddr = 0x10000;
  ph[1].p_offset = notes_at + note.size();
  ph[1].p_filesz = dumped;
  ph[1].p_memsz = 0x3000;
  std::string memory(0x1000, '\0');
  std::memcpy(&memory[64], secret.data(), secret.size());
  memory.resize(dumped);
  std::string file(reinterpret_cast<const char*>(&eh), sizeof(eh));
  file.append(reinterpret_cast<const char*>(ph), sizeof(ph));
  file += note;
  file += memory;
  return file;
}

}  // namespace keyscan_test
