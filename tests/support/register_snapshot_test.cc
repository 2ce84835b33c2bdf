// Proves the register snapshot reads back what a callee left in registers,
// and that the fill and clear helpers do what register_snapshot.h says.
#include "tests/support/register_snapshot.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/memory_scan.h"

#if defined(__x86_64__)

extern "C" {
void snapshot_test_set_r8_xmm3(void* values);
void snapshot_test_set_ymm3(void* bytes);
void snapshot_test_set_carry(void*);
void snapshot_test_clear_carry(void*);
}

namespace secret_test {
namespace {

uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool Contains(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

bool AllZero(const uint8_t* p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t b) { return b == 0; });
}

class RegisterSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FillRandomSecret(pattern_, sizeof pattern_);
    previous_level_ = CurrentVectorLevel();
  }
  void TearDown() override {
    SetVectorLevelForTesting(previous_level_);
    explicit_bzero(pattern_, sizeof pattern_);
  }

  alignas(64) uint8_t pattern_[64];
  VectorLevel previous_level_ = VectorLevel::kSse;
};

TEST_F(RegisterSnapshotTest, ReadsBackR8AndXmm3SetByCallee) {
  struct {
    uint64_t r8;
    uint8_t xmm3[16];
  } values;
  values.r8 = 0x1122334455667788u;
  for (int i = 0; i < 16; ++i) values.xmm3[i] = static_cast<uint8_t>(0xa0 + i);
  RegisterSnapshot snap = CallAndSnapshot(&snapshot_test_set_r8_xmm3, &values);
  EXPECT_EQ(snap.gpr[kR8], values.r8) << DescribeSnapshot(snap);
  EXPECT_EQ(std::memcmp(snap.vec[3], values.xmm3, 16), 0)
      << DescribeSnapshot(snap);
  EXPECT_EQ(snap.gpr[kRsp], snap.rsp_before_call);
  EXPECT_EQ(snap.vector_level, static_cast<uint32_t>(CurrentVectorLevel()));
  EXPECT_NE(DescribeSnapshot(snap).find("1122334455667788"),
            std::string::npos);
}

TEST_F(RegisterSnapshotTest, ReadsBackFullYmm3) {
  if (!CpuHasAvx()) GTEST_SKIP() << "no AVX";
  uint8_t bytes[32];
  for (int i = 0; i < 32; ++i) bytes[i] = static_cast<uint8_t>(i + 1);
  RegisterSnapshot snap = CallAndSnapshot(&snapshot_test_set_ymm3, bytes);
  ASSERT_GE(snap.vector_bytes(), 32u);
  EXPECT_EQ(std::memcmp(snap.vec[3], bytes, 32), 0) << DescribeSnapshot(snap);
}

TEST_F(RegisterSnapshotTest, CapturesFlagsAsLeftByCallee) {
  RegisterSnapshot set = CallAndSnapshot(&snapshot_test_set_carry, nullptr);
  RegisterSnapshot clear = CallAndSnapshot(&snapshot_test_clear_carry, nullptr);
  EXPECT_EQ(set.rflags & 1, 1u);
  EXPECT_EQ(clear.rflags & 1, 0u);
}

TEST_F(RegisterSnapshotTest, FillLoadsPatternWhereDocumented) {
  int marker = 0;
  RegisterSnapshot snap =
      FillCallAndSnapshot(pattern_, &secret_test_noop, &marker);
  const std::string dump = DescribeSnapshot(snap);
  EXPECT_EQ(snap.gpr[kRax], Load64(pattern_ + 0)) << dump;
  EXPECT_EQ(snap.gpr[kRcx], Load64(pattern_ + 8)) << dump;
  EXPECT_EQ(snap.gpr[kRdx], Load64(pattern_ + 16)) << dump;
  EXPECT_EQ(snap.gpr[kRsi], Load64(pattern_ + 24)) << dump;
  EXPECT_EQ(snap.gpr[kR8], Load64(pattern_ + 32)) << dump;
  EXPECT_EQ(snap.gpr[kR9], Load64(pattern_ + 40)) << dump;
  EXPECT_EQ(snap.gpr[kR10], Load64(pattern_ + 48)) << dump;
  EXPECT_EQ(snap.gpr[kR11], Load64(pattern_ + 56)) << dump;
  EXPECT_EQ(snap.gpr[kRdi], reinterpret_cast<uintptr_t>(&marker)) << dump;
  for (int i = 0; i < snap.vector_count(); ++i) {
    EXPECT_EQ(std::memcmp(snap.vec[i], pattern_, snap.vector_bytes()), 0)
        << "vector " << i << "\n" << dump;
  }
  for (int i = 0; i < 8 && snap.k_bytes() > 0; ++i) {
    EXPECT_EQ(std::memcmp(&snap.k[i], pattern_ + 8 * i, snap.k_bytes()), 0)
        << "k" << i << "\n" << dump;
  }
  const std::vector<std::string> holding =
      RegistersContaining(snap, pattern_, sizeof pattern_);
  EXPECT_TRUE(Contains(holding, "rax"));
  EXPECT_TRUE(Contains(holding, "r11"));
  EXPECT_FALSE(Contains(holding, "rdi"));
  EXPECT_FALSE(Contains(holding, "rbx"));
  const size_t expected = 8 + static_cast<size_t>(snap.vector_count()) +
                          (snap.k_bytes() >= 8 ? 8 : 0);
  EXPECT_EQ(holding.size(), expected) << dump;
  WipeSnapshot(&snap);
}

TEST_F(RegisterSnapshotTest, ClearRoutineLeavesNoPatternBytes) {
  RegisterSnapshot snap =
      FillCallAndSnapshot(pattern_, &secret_test_clear_caller_saved, nullptr);
  const std::string dump = DescribeSnapshot(snap);
  for (Gpr r : {kRax, kRcx, kRdx, kRsi, kRdi, kR8, kR9, kR10, kR11}) {
    EXPECT_EQ(snap.gpr[r], 0u) << "gpr " << r << "\n" << dump;
  }
  for (int i = 0; i < snap.vector_count(); ++i) {
    EXPECT_TRUE(AllZero(snap.vec[i], snap.vector_bytes()))
        << "vector " << i << "\n" << dump;
  }
  for (int i = 0; i < 8; ++i) EXPECT_EQ(snap.k[i], 0u) << "k" << i;
  // 4-byte windows: random 2-byte matches with rsp/rbx would be flaky.
  EXPECT_TRUE(RegistersContaining(snap, pattern_, sizeof pattern_, 4).empty())
      << dump;
}

TEST_F(RegisterSnapshotTest, SseLevelTouchesOnlyXmm) {
  SetVectorLevelForTesting(VectorLevel::kSse);
  RegisterSnapshot snap =
      FillCallAndSnapshot(pattern_, &secret_test_noop, nullptr);
  ASSERT_EQ(snap.vector_level, static_cast<uint32_t>(VectorLevel::kSse));
  ASSERT_EQ(snap.vector_bytes(), 16u);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(std::memcmp(snap.vec[i], pattern_, 16), 0) << "xmm" << i;
    EXPECT_TRUE(AllZero(snap.vec[i] + 16, 48)) << "slot " << i;
  }
  WipeSnapshot(&snap);

  snap = FillCallAndSnapshot(pattern_, &secret_test_clear_caller_saved,
                             nullptr);
  for (int i = 0; i < 16; ++i) {
    EXPECT_TRUE(AllZero(snap.vec[i], 16)) << "xmm" << i;
  }
}

TEST_F(RegisterSnapshotTest, LevelCannotExceedWhatTheCpuSupports) {
  SetVectorLevelForTesting(VectorLevel::kAvx512Bw);
  EXPECT_EQ(CurrentVectorLevel(), DetectedVectorLevel());
}

TEST(RegistersContainingTest, FindsMisalignedWindows) {
  uint8_t secret[32];
  FillRandomSecret(secret, sizeof secret);
  RegisterSnapshot snap;
  std::memset(&snap, 0, sizeof snap);
  snap.vector_level = static_cast<uint32_t>(VectorLevel::kAvx);
  std::memcpy(&snap.gpr[kR9], secret + 3, 8);
  std::memcpy(snap.vec[7] + 1, secret + 5, 8);
  EXPECT_EQ(RegistersContaining(snap, secret, sizeof secret),
            (std::vector<std::string>{"r9", "ymm7"}));
  std::memcpy(snap.vec[7] + 1, secret + 5, 7);
  snap.vec[7][8] = 0;  // only 7 bytes left: below the window
  EXPECT_EQ(RegistersContaining(snap, secret, sizeof secret),
            (std::vector<std::string>{"r9"}));
  explicit_bzero(secret, sizeof secret);
}

bool CpuinfoHasFlag(const std::string& flag) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 5, "flags") == 0) {
      return (line + " ").find(" " + flag + " ") != std::string::npos;
    }
  }
  return false;
}

TEST(CpuFeatureTest, MatchesKernelView) {
  EXPECT_EQ(CpuHasAvx(), CpuinfoHasFlag("avx"));
  EXPECT_EQ(CpuHasAvx512(), CpuinfoHasFlag("avx512f"));
  EXPECT_EQ(DetectedVectorLevel() >= VectorLevel::kAvx, CpuHasAvx());
  EXPECT_EQ(DetectedVectorLevel() >= VectorLevel::kAvx512, CpuHasAvx512());
}

}  // namespace
}  // namespace secret_test

#endif  // defined(__x86_64__)
