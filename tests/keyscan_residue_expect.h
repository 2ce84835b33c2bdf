// What keyscan's process and core tests check in a ScanResult.
#ifndef SECRETMODE_TESTS_KEYSCAN_RESIDUE_EXPECT_H_
#define SECRETMODE_TESTS_KEYSCAN_RESIDUE_EXPECT_H_

#include <string>
#include <vector>

#include "keyscan/needles.h"
#include "keyscan/residue.h"

namespace keyscan_test {

// Classes of the copies of needle (label, kind, size) in `result`, in
// order, e.g. {"heap"}; `where` gets their locations for messages.
std::vector<std::string> ClassesOf(const keyscan::ScanResult& result,
                                   const std::vector<keyscan::Needle>& needles,
                                   const std::string& label,
                                   keyscan::NeedleKind kind, size_t size,
                                   std::string* where);

// Every residue of `result`, one per line, for failure messages.
std::string Dump(const keyscan::ScanResult& result,
                 const std::vector<keyscan::Needle>& needles);

}  // namespace keyscan_test

#endif  // SECRETMODE_TESTS_KEYSCAN_RESIDUE_EXPECT_H_
