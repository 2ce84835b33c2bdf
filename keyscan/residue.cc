// residue.cc: see residue.h.
#include "keyscan/residue.h"

#include <algorithm>

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

void DropContainedResidues(const std::vector<Needle>& needles,
                           std::vector<Residue>* residues) {
  // Memory copies by start address, the longer first at one address; a copy
  // is inside an earlier one when it ends no later than the furthest end so
  // far, and is shorter than the copy that reaches that end.
  std::vector<size_t> order;
  for (size_t i = 0; i < residues->size(); ++i) {
    if ((*residues)[i].memory_class != MemoryClass::kRegisters) order.push_back(i);
  }
  auto length = [&](size_t i) {
    return needles[(*residues)[i].needle].bytes.size();
  };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const uint64_t start_a = (*residues)[a].address;
    const uint64_t start_b = (*residues)[b].address;
    return start_a != start_b ? start_a < start_b : length(a) > length(b);
  });
  std::vector<bool> drop(residues->size(), false);
  uint64_t furthest_end = 0;
  size_t furthest_length = 0;
  for (const size_t i : order) {
    const uint64_t end = (*residues)[i].address + length(i);
    if (end <= furthest_end && length(i) < furthest_length) {
      drop[i] = true;
    } else if (end > furthest_end) {
      furthest_end = end;
      furthest_length = length(i);
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < residues->size(); ++i) {
    if (drop[i]) continue;
    if (kept != i) (*residues)[kept] = std::move((*residues)[i]);
    ++kept;
  }
  residues->resize(kept);
}

bool ScanIncomplete(const ScanResult& result) {
  return result.regions_unread > 0 || result.bytes_unread > 0 ||
         result.read_errors > 0;
}

}  // namespace keyscan
