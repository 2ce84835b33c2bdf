// core_memory_class.cc: see core_memory_class.h.
#include "keyscan/core_memory_class.h"

#include <elf.h>

#include <cinttypes>
#include <cstdio>

namespace keyscan {

MemoryClass ClassifyCoreSegment(const CoreSegment& segment,
                                const CoreFile& core, std::string* where) {
  char range[96];
  std::snprintf(range, sizeof(range), "0x%" PRIx64 "-0x%" PRIx64 " %c%c%c",
                segment.vaddr, segment.vaddr + segment.memsz,
                segment.flags & PF_R ? 'r' : '-',
                segment.flags & PF_W ? 'w' : '-',
                segment.flags & PF_X ? 'x' : '-');
  *where = range;
  const uint64_t end = segment.vaddr + segment.memsz;
  const int main_tid = core.pid != 0           ? core.pid
                       : core.threads.empty() ? 0
                                              : core.threads[0].tid;
  for (const CoreThread& t : core.threads) {
    if (t.sp < segment.vaddr || t.sp >= end) continue;
    if (t.tid == main_tid) return MemoryClass::kMainStack;
    *where += " thread " + std::to_string(t.tid);
    return MemoryClass::kThreadStack;
  }
  for (const CoreFileMapping& f : core.files) {
    if (f.start < end && segment.vaddr < f.end) {
      *where += " " + f.path;
      return MemoryClass::kFileBacked;
    }
  }
  return MemoryClass::kAnonymous;
}

}  // namespace keyscan
