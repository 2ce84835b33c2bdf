// process_memory_class.cc: see process_memory_class.h.
#include "keyscan/process_memory_class.h"

#include <cinttypes>
#include <cstdio>

namespace keyscan {
namespace {

bool HasFlag(const Region& region, const char* flag) {
  return region.vm_flags.find(std::string(" ") + flag + " ") !=
         std::string::npos;
}

bool IsAnonymous(const Region& region) {
  return region.name.compare(0, 5, "[anon") == 0;
}

}  // namespace

MemoryClass ClassifyProcessMapping(
    const Region& region, pid_t pid,
    const std::vector<ThreadStackPointer>& threads, std::string* where) {
  char range[96];
  std::snprintf(range, sizeof(range), "0x%" PRIxPTR "-0x%" PRIxPTR " %s ",
                region.start, region.end, region.perms.c_str());
  *where = range + region.name;

  if (IsAnonymous(region) && HasFlag(region, "dd")) {
    return HasFlag(region, "wf") ? MemoryClass::kSecretStack
                                 : MemoryClass::kSecretArena;
  }
  if (region.name == "[heap]") return MemoryClass::kHeap;
  if (region.name == "[stack]") return MemoryClass::kMainStack;
  for (const ThreadStackPointer& t : threads) {
    if (!region.contains(static_cast<uintptr_t>(t.sp))) continue;
    if (t.tid == pid) return MemoryClass::kMainStack;
    *where += " thread " + std::to_string(t.tid);
    return MemoryClass::kThreadStack;
  }
  if (IsAnonymous(region)) return MemoryClass::kAnonymous;
  if (!region.name.empty() && region.name[0] == '/') {
    return MemoryClass::kFileBacked;
  }
  return MemoryClass::kOther;
}

}  // namespace keyscan
