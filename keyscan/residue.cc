// residue.cc: see residue.h.
#include "keyscan/residue.h"

namespace keyscan {

const char* MemoryClassName(MemoryClass memory_class) {
  switch (memory_class) {
    case MemoryClass::kHeap:
      return "heap";
    case MemoryClass::kMainStack:
      return "main stack";
    case MemoryClass::kThreadStack:
      return "thread stack";
    case MemoryClass::kSecretStack:
      return "secret stack";
    case MemoryClass::kSecretArena:
      return "secret arena";
    case MemoryClass::kAnonymous:
      return "anonymous";
    case MemoryClass::kFileBacked:
      return "file-backed";
    case MemoryClass::kRegisters:
      return "registers";
    case MemoryClass::kOther:
      return "other";
  }
  return "?";
}

bool ScanIncomplete(const ScanResult& result) {
  return result.regions_unread > 0 || result.bytes_unread > 0 ||
         result.read_errors > 0;
}

}  // namespace keyscan
