// stack_erasure_test.cc: the stack f used is erased when secret::Do returns,
// exactly (holes cannot hide deeper writes) and at a cost that follows what
// f dirtied, not the stack's size.

#include <stdio.h>
#include <string.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"

#ifndef SECRETMODE_DEFERRED_HANDLER_ROOM
#define SECRETMODE_DEFERRED_HANDLER_ROOM 0
#endif

namespace secret_test {
namespace {

volatile uint64_t g_sink;

class StackErasureTest : public ::testing::Test {
 protected:
  void SetUp() override { NewTestSecret(); }
};

// Proof that the scan can see a residue: the same code, called plainly,
// leaves the secret behind on the thread's stack.
TEST_F(StackErasureTest, PlainCallLeavesSecretOnTheStack) {
  g_sink = HoldInLocals(TestSecret());
  const Residue residue = FindResidueInSelf();
  EXPECT_GT(residue.bytes_scanned, 0u);
  EXPECT_FALSE(residue.whole.empty()) << residue.Describe();
  EXPECT_FALSE(residue.words.empty()) << residue.Describe();
}

TEST_F(StackErasureTest, DoErasesLocalsArraysAndSpilledRegisters) {
  secret::Do([] { g_sink = HoldInLocals(TestSecret()); });
  const Residue residue = FindResidueInSelf();
  EXPECT_GT(residue.bytes_scanned, 0u);
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(StackErasureTest, PlainCallBelowAHoleLeavesSecretBehind) {
  g_sink = HoldBelowHole(TestSecret());
  EXPECT_FALSE(FindResidueInSelf().empty());
}

// A 256 KiB array f never writes sits between f's top frames and the frame
// holding the secret. Erasure must not stop at that run of zeros, whether
// the depth is new (a fence fault) or already committed.
TEST_F(StackErasureTest, UntouchedHoleDoesNotHideDeeperWrites) {
  for (int round = 0; round < 3; ++round) {
    NewTestSecret();
    secret::Do([] { g_sink = HoldBelowHole(TestSecret()); });
    const Residue residue = FindResidueInSelf();
    EXPECT_TRUE(residue.empty()) << "round " << round << "\n"
                                 << residue.Describe();
  }
}

TEST_F(StackErasureTest, ShallowCallsAfterAHoleStayErased) {
  secret::Do([] { g_sink = HoldBelowHole(TestSecret()); });
  for (int i = 0; i < 200; ++i) {
    secret::Do([] { g_sink = HoldInLocals(TestSecret()); });
  }
  // The zone has shrunk back; a deep call must fault in and still be erased.
  NewTestSecret();
  secret::Do([] { g_sink = HoldBelowHole(TestSecret()); });
  EXPECT_TRUE(FindResidueInSelf().empty());
}

// Go erases a goroutine's whole stack on every call: one deep call makes
// every later call pay for it. Here, after a 512 KiB call, shallow calls go
// back to inspecting a few hundred bytes and the memory is given back.
TEST_F(StackErasureTest, EraseCostFollowsDepthNotHistory) {
  secret::Do([] { g_sink = DirtyStack(512 * 1024); });
  const secret::ThreadStats after_deep = secret::GetThreadStats();
  EXPECT_GE(after_deep.stack_committed, 512u * 1024);
  EXPECT_GE(after_deep.last_dirty_bytes, 512u * 1024);
  for (int i = 0; i < 200; ++i) secret::Do([] { g_sink = DirtyStack(256); });
  const secret::ThreadStats before = secret::GetThreadStats();
  secret::Do([] { g_sink = DirtyStack(256); });
  const secret::ThreadStats after = secret::GetThreadStats();
  // (Under ThreadSanitizer every zone also holds the deferred handlers'
  // room: secret/deferred_handler_room.bzl.)
  EXPECT_LT(after.bytes_inspected - before.bytes_inspected,
            8u * 1024 + SECRETMODE_DEFERRED_HANDLER_ROOM);
  EXPECT_GT(after.fence_shrinks, after_deep.fence_shrinks);
  EXPECT_LT(after.stack_committed, 128u * 1024);
}

// Zones of at most 1 KiB are zeroed whole, unread (cheaper than a scan
// at that size). After shallow calls have shrunk the zone that far, a call
// holding the secret in locals and spilled registers is still erased.
TEST_F(StackErasureTest, SmallZonesZeroedWithoutAScanAreErased) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "instrumented frames make this call's zone exceed 1 KiB";
#endif
  for (int i = 0; i < 200; ++i) secret::Do([] { g_sink = HoldInLocals(TestSecret()); });
  NewTestSecret();
  const secret::ThreadStats before = secret::GetThreadStats();
  secret::Do([] { g_sink = HoldInLocals(TestSecret()); });
  const secret::ThreadStats after = secret::GetThreadStats();
  ASSERT_LE(after.bytes_inspected - before.bytes_inspected, 1024u)
      << "the zone did not shrink to the unread-zeroing size: "
      << after.bytes_inspected - before.bytes_inspected;
  EXPECT_EQ(after.fence_faults, before.fence_faults);
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(StackErasureTest, SteadyDepthCausesNoFaults) {
  for (int i = 0; i < 10; ++i) secret::Do([] { g_sink = DirtyStack(48 * 1024); });
  const uint64_t faults = secret::GetThreadStats().fence_faults;
  for (int i = 0; i < 100; ++i) secret::Do([] { g_sink = DirtyStack(48 * 1024); });
  EXPECT_EQ(secret::GetThreadStats().fence_faults, faults);
}

// The erasure relies on the secret stack being all zero between calls: after
// a call, every byte between the fence and the top must read zero. Checked
// through the mapping that contains an address f used.
TEST_F(StackErasureTest, SecretStackIsAllZeroBetweenCalls) {
  static uintptr_t inside;
  secret::Do([] {
    volatile uint8_t probe[64];
    for (auto& b : probe) b = 0x5a;
    inside = reinterpret_cast<uintptr_t>(&probe[0]);
  });
  std::ifstream maps("/proc/self/maps");
  std::string line;
  uintptr_t lo = 0, hi = 0;
  while (std::getline(maps, line)) {
    unsigned long a, b;
    char perms[5];
    if (sscanf(line.c_str(), "%lx-%lx %4s", &a, &b, perms) == 3 &&
        a <= inside && inside < b) {
      lo = a;
      hi = b;
      ASSERT_EQ(std::string(perms).substr(0, 2), "rw");
    }
  }
  ASSERT_NE(lo, 0u);
  for (uintptr_t p = lo; p < hi; p += 8) {
    ASSERT_EQ(*reinterpret_cast<const uint64_t*>(p), 0u)
        << "non-zero word at offset " << (p - lo) << " of the secret stack";
  }
}

}  // namespace
}  // namespace secret_test
