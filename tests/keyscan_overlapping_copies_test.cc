// keyscan_overlapping_copies_test.cc: a copy of a needle found inside a copy
// of a longer needle counts once, as the longer one (DropContainedResidues,
// keyscan/residue.h). The case that needs it: the TLS 1.2 key block is cut
// for every suite's layout, so AES-128-GCM's two 16-byte keys are the halves
// of ChaCha20's 32-byte client key.

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "keyscan/needles.h"
#include "keyscan/residue.h"

namespace keyscan {
namespace {

Residue Copy(size_t needle, uint64_t address,
             MemoryClass memory_class = MemoryClass::kHeap) {
  Residue r;
  r.needle = needle;
  r.address = address;
  r.memory_class = memory_class;
  r.where = "copy of needle " + std::to_string(needle);
  return r;
}

TEST(DropContainedResiduesTest, CopiesInsideALongerCopyCountOnce) {
  std::vector<Needle> needles(3);
  needles[0].bytes.assign(32, 1);  // ChaCha20 client write key
  needles[1].bytes.assign(16, 1);  // AES-128 client write key: its first half
  needles[2].bytes.assign(16, 2);  // AES-128 server write key: its second half
  std::vector<Residue> residues = {
      Copy(1, 0x1000),  // inside the 32-byte copy at 0x1000
      Copy(0, 0x1000),
      Copy(2, 0x1010),  // inside it too
      Copy(1, 0x5000),  // on its own: an AES-128 connection's key
      Copy(2, 0x6008),  // on its own
      Copy(1, 0, MemoryClass::kRegisters),  // registers have no address
      Copy(0, 0x7000),
      Copy(1, 0x7008),  // overlaps the 32-byte copy, inside it
  };
  DropContainedResidues(needles, &residues);
  ASSERT_EQ(residues.size(), 5u);
  EXPECT_EQ(residues[0].needle, 0u);
  EXPECT_EQ(residues[0].address, 0x1000u);
  EXPECT_EQ(residues[1].needle, 1u);
  EXPECT_EQ(residues[1].address, 0x5000u);
  EXPECT_EQ(residues[2].needle, 2u);
  EXPECT_EQ(residues[2].address, 0x6008u);
  EXPECT_EQ(residues[3].memory_class, MemoryClass::kRegisters);
  EXPECT_EQ(residues[4].needle, 0u);
  EXPECT_EQ(residues[4].address, 0x7000u);
  // What is kept keeps its description.
  for (const Residue& r : residues) {
    EXPECT_EQ(r.where, "copy of needle " + std::to_string(r.needle));
  }
}

// Copies that only overlap, or touch, are both kept; so are two needles'
// copies of the same length at one address.
TEST(DropContainedResiduesTest, OverlappingAndAdjacentCopiesAreKept) {
  std::vector<Needle> needles(3);
  needles[0].bytes.assign(32, 1);
  needles[1].bytes.assign(16, 2);
  needles[2].bytes.assign(16, 3);
  std::vector<Residue> residues = {
      Copy(0, 0x1000),
      Copy(1, 0x1018),  // runs 8 bytes past the 32-byte copy
      Copy(2, 0x1020),  // starts where the 32-byte copy ends
      Copy(1, 0x3000),
      Copy(2, 0x3000),
  };
  DropContainedResidues(needles, &residues);
  ASSERT_EQ(residues.size(), 5u);
  for (const Residue& r : residues) {
    EXPECT_EQ(r.where, "copy of needle " + std::to_string(r.needle));
  }
}

}  // namespace
}  // namespace keyscan
