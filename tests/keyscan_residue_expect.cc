// keyscan_residue_expect.cc: see keyscan_residue_expect.h.
#include "tests/keyscan_residue_expect.h"

namespace keyscan_test {

std::vector<std::string> ClassesOf(const keyscan::ScanResult& result,
                                   const std::vector<keyscan::Needle>& needles,
                                   const std::string& label,
                                   keyscan::NeedleKind kind, size_t size,
                                   std::string* where) {
  std::vector<std::string> classes;
  where->clear();
  for (const keyscan::Residue& r : result.residues) {
    const keyscan::Needle& n = needles[r.needle];
    if (n.label != label || n.kind != kind || n.bytes.size() != size) continue;
    classes.push_back(keyscan::MemoryClassName(r.memory_class));
    *where += "\n  " + r.where;
  }
  return classes;
}

std::string Dump(const keyscan::ScanResult& result,
                 const std::vector<keyscan::Needle>& needles) {
  std::string out;
  for (const keyscan::Residue& r : result.residues) {
    out += "\n  " + needles[r.needle].Describe() + " " +
           keyscan::MemoryClassName(r.memory_class) + " " + r.where;
  }
  return out;
}

}  // namespace keyscan_test
