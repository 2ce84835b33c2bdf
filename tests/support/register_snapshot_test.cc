// Proves the register snapshot reads back what a callee left in registers,
// and that the fill and clear helpers do what register_snapshot.h says.
#include "tests/support/register_snapshot.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/memory_scan.h"

#if defined(__x86_64__) || defined(__aarch64__)

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

// Each test starts from a fresh pattern and leaves the vector level as it
// found it (some lower it).
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
  VectorLevel previous_level_{};
};

}  // namespace
}  // namespace secret_test

#endif  // defined(__x86_64__) || defined(__aarch64__)

#if defined(__x86_64__)

extern "C" {
void snapshot_test_set_r8_xmm3(void* values);
void snapshot_test_set_ymm3(void* bytes);
void snapshot_test_set_carry(void*);
void snapshot_test_clear_carry(void*);
}

namespace secret_test {
namespace {

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

#if defined(__aarch64__)

extern "C" {
void snapshot_test_set_x5_v20(void* values);
void snapshot_test_set_v9_high(void* value);
void snapshot_test_set_z3_p7_ffr(void* values);
void snapshot_test_set_nzcv_fpsr(void* values);
void snapshot_test_break_x23_d12(void* values);
}

namespace secret_test {
namespace {

bool IsCalleeSavedVector(int i) { return i >= 8 && i <= 15; }

// Distinct values for x19-x29 and d8-d15 that no register holds by chance.
CalleeSavedRegisters Markers() {
  CalleeSavedRegisters in = {};
  for (int i = 0; i < 11; ++i) in.x[i] = 0x1900000000000019u + 0x0101 * i;
  for (int i = 0; i < 8; ++i) in.d[i] = 0xd800000000000d08u + 0x0101 * i;
  return in;
}

TEST_F(RegisterSnapshotTest, ReadsBackX5AndV20SetByCallee) {
  struct {
    uint64_t x5;
    uint8_t v20[16];
  } values;
  values.x5 = 0x1122334455667788u;
  for (int i = 0; i < 16; ++i) values.v20[i] = static_cast<uint8_t>(0xa0 + i);
  RegisterSnapshot snap = CallAndSnapshot(&snapshot_test_set_x5_v20, &values);
  EXPECT_EQ(snap.x[5], values.x5) << DescribeSnapshot(snap);
  EXPECT_EQ(std::memcmp(snap.v[20], values.v20, 16), 0)
      << DescribeSnapshot(snap);
  EXPECT_EQ(snap.sp, snap.sp_before_call);
  EXPECT_EQ(snap.vector_level, static_cast<uint32_t>(CurrentVectorLevel()));
  EXPECT_NE(DescribeSnapshot(snap).find("1122334455667788"),
            std::string::npos);
}

// A callee that sets only bits 64-127 of v9 (the caller-saved half) is seen
// there. The fill first puts the pattern above bit 128 of z9: the AdvSIMD
// write must have zeroed it, which is what arch/aarch64's clearing of
// v8-v15 relies on.
TEST_F(RegisterSnapshotTest, ReadsBackUpperHalfOfV9) {
  uint64_t value = 0x99aabbccddeeff09u;
  RegisterSnapshot snap =
      FillCallAndSnapshot(pattern_, &snapshot_test_set_v9_high, &value);
  const std::string dump = DescribeSnapshot(snap);
  EXPECT_EQ(Load64(snap.v[9] + 8), value) << dump;
  if (snap.vector_level == SECRET_TEST_VEC_SVE) {
    EXPECT_EQ(std::memcmp(snap.z[9], snap.v[9], 16), 0) << dump;
    EXPECT_TRUE(AllZero(snap.z[9] + 16, snap.sve_bytes - 16)) << dump;
    // z10, untouched by the callee, still has the pattern there.
    if (snap.sve_bytes > 16) {
      EXPECT_EQ(snap.z[10][16], pattern_[16]) << dump;
    }
  }
  WipeSnapshot(&snap);
}

TEST_F(RegisterSnapshotTest, ReadsBackZ3AboveBit128AndP7AndFfr) {
  if (!CpuHasSve()) {
    GTEST_SKIP() << "this CPU has no SVE: z, p and FFR do not exist here; "
                    "the SVE snapshot path is untested";
  }
  struct {
    uint8_t z3[kMaxSveBytes];
    uint8_t p7[32];
    uint8_t ffr[32];
  } values = {};
  for (size_t i = 0; i < kMaxSveBytes; ++i) {
    values.z3[i] = static_cast<uint8_t>(0x30 + 7 * i);
  }
  for (size_t i = 0; i < 32; ++i) values.p7[i] = static_cast<uint8_t>(0x70 + i);
  values.ffr[0] = 0x1f;  // FFR holds only a run of leading ones
  RegisterSnapshot snap = CallAndSnapshot(&snapshot_test_set_z3_p7_ffr, &values);
  const std::string dump = DescribeSnapshot(snap);
  ASSERT_EQ(snap.vector_level, static_cast<uint32_t>(VectorLevel::kSve));
  ASSERT_EQ(snap.sve_bytes, SveVectorBytes());
  EXPECT_EQ(std::memcmp(snap.z[3], values.z3, snap.sve_bytes), 0) << dump;
  EXPECT_EQ(std::memcmp(snap.v[3], values.z3, 16), 0) << dump;
  EXPECT_EQ(std::memcmp(snap.p[7], values.p7, snap.predicate_bytes()), 0)
      << dump;
  EXPECT_EQ(std::memcmp(snap.ffr, values.ffr, snap.predicate_bytes()), 0)
      << dump;
  EXPECT_EQ(std::memcmp(snap.p[0], values.ffr, snap.predicate_bytes()), 0)
      << dump;
}

TEST_F(RegisterSnapshotTest, CapturesNzcvAndFpsrAsLeftByCallee) {
  const uint64_t cases[][2] = {
      {SECRET_TEST_FILL_NZCV, SECRET_TEST_FILL_FPSR},
      {0x20000000, 0x1},  // C alone, IOC alone
      {0, 0},
  };
  for (const auto& values : cases) {
    uint64_t in[2] = {values[0], values[1]};
    RegisterSnapshot snap = CallAndSnapshot(&snapshot_test_set_nzcv_fpsr, in);
    EXPECT_EQ(snap.nzcv, values[0]);
    EXPECT_EQ(snap.fpsr, values[1]);
  }
}

TEST_F(RegisterSnapshotTest, FillLoadsPatternWhereDocumented) {
  int marker = 0;
  RegisterSnapshot snap =
      FillCallAndSnapshot(pattern_, &secret_test_noop, &marker);
  const std::string dump = DescribeSnapshot(snap);
  EXPECT_EQ(snap.x[0], reinterpret_cast<uintptr_t>(&marker)) << dump;
  for (int i = 1; i <= 18; ++i) {
    const int word = i <= 16 ? (i - 1) % 8 : i - 17;
    EXPECT_EQ(snap.x[i], Load64(pattern_ + 8 * word)) << "x" << i << "\n"
                                                      << dump;
  }
  EXPECT_EQ(snap.nzcv, SECRET_TEST_FILL_NZCV);
  EXPECT_EQ(snap.fpsr, SECRET_TEST_FILL_FPSR);
  for (int i = 0; i < 32; ++i) {
    // v8-v15 come back with their caller's low halves (AAPCS64).
    const size_t from = IsCalleeSavedVector(i) ? 8 : 0;
    EXPECT_EQ(std::memcmp(snap.v[i] + from, pattern_ + from, 16 - from), 0)
        << "v" << i << "\n" << dump;
  }
  if (snap.vector_level == SECRET_TEST_VEC_SVE) {
    for (int i = 0; i < 32; ++i) {
      for (size_t b = IsCalleeSavedVector(i) ? 8 : 0; b < snap.sve_bytes; ++b) {
        ASSERT_EQ(snap.z[i][b], pattern_[b % 64])
            << "z" << i << " byte " << b << "\n" << dump;
      }
    }
    for (int i = 0; i < 16; ++i) {
      EXPECT_EQ(std::memcmp(snap.p[i], pattern_, snap.predicate_bytes()), 0)
          << "p" << i << "\n" << dump;
    }
    for (size_t b = 0; b < snap.predicate_bytes(); ++b) {
      EXPECT_EQ(snap.ffr[b], 0xff) << "ffr byte " << b;
    }
  }
  const std::vector<std::string> holding =
      RegistersContaining(snap, pattern_, sizeof pattern_);
  EXPECT_TRUE(Contains(holding, "x1"));
  EXPECT_TRUE(Contains(holding, "x18"));
  EXPECT_FALSE(Contains(holding, "x0"));
  EXPECT_FALSE(Contains(holding, "x19"));
  const size_t expected = 18 + 32 + (snap.predicate_bytes() >= 8 ? 16 : 0);
  EXPECT_EQ(holding.size(), expected) << dump;
  WipeSnapshot(&snap);
}

// The fill puts back what AAPCS64 makes a callee preserve: a secret_do
// that returns the caller's x19-x29 and d8-d15 then does so on its own.
TEST_F(RegisterSnapshotTest, FillPreservesCalleeSavedRegisters) {
  SecretTestFillRequest request = {pattern_, &secret_test_noop, nullptr};
  const CalleeSavedRegisters in = Markers();
  const CalleeSavedRegisters out = CallWithCalleeSaved(
      in, &secret_test_fill_registers_and_call, &request);
  for (int i = 0; i < 11; ++i) EXPECT_EQ(out.x[i], in.x[i]) << "x" << 19 + i;
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out.d[i], in.d[i]) << "d" << 8 + i;
  EXPECT_EQ(out.sp, out.sp_before_call);
}

TEST_F(RegisterSnapshotTest, CalleeSavedRoundTripSeesABrokenRegister) {
  const CalleeSavedRegisters in = Markers();
  const CalleeSavedRegisters kept =
      CallWithCalleeSaved(in, &secret_test_noop, nullptr);
  for (int i = 0; i < 11; ++i) EXPECT_EQ(kept.x[i], in.x[i]) << "x" << 19 + i;
  for (int i = 0; i < 8; ++i) EXPECT_EQ(kept.d[i], in.d[i]) << "d" << 8 + i;
  EXPECT_NE(kept.sp, 0u);
  EXPECT_EQ(kept.sp, kept.sp_before_call);

  uint64_t broken[2] = {0x2323232323232323u, 0x1212121212121212u};
  const CalleeSavedRegisters out =
      CallWithCalleeSaved(in, &snapshot_test_break_x23_d12, broken);
  for (int i = 0; i < 11; ++i) {
    EXPECT_EQ(out.x[i], 19 + i == 23 ? broken[0] : in.x[i]) << "x" << 19 + i;
  }
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(out.d[i], 8 + i == 12 ? broken[1] : in.d[i]) << "d" << 8 + i;
  }
}

TEST_F(RegisterSnapshotTest, ClearRoutineLeavesNoPatternBytes) {
  RegisterSnapshot snap =
      FillCallAndSnapshot(pattern_, &secret_test_clear_caller_saved, nullptr);
  const std::string dump = DescribeSnapshot(snap);
  for (int i = 0; i <= 18; ++i) EXPECT_EQ(snap.x[i], 0u) << "x" << i;
  EXPECT_EQ(snap.nzcv, 0u);
  EXPECT_EQ(snap.fpsr, 0u);
  for (int i = 0; i < 32; ++i) {
    const size_t from = IsCalleeSavedVector(i) ? 8 : 0;
    EXPECT_TRUE(AllZero(snap.v[i] + from, 16 - from)) << "v" << i << "\n"
                                                      << dump;
  }
  if (snap.vector_level == SECRET_TEST_VEC_SVE) {
    for (int i = 0; i < 32; ++i) {
      EXPECT_TRUE(AllZero(snap.z[i] + 16, snap.sve_bytes - 16))
          << "z" << i << "\n" << dump;
    }
    for (int i = 0; i < 16; ++i) {
      EXPECT_TRUE(AllZero(snap.p[i], snap.predicate_bytes())) << "p" << i;
    }
    EXPECT_TRUE(AllZero(snap.ffr, snap.predicate_bytes())) << "ffr";
  }
  // 4-byte windows: random 2-byte matches with sp/x19 would be flaky.
  EXPECT_TRUE(RegistersContaining(snap, pattern_, sizeof pattern_, 4).empty())
      << dump;
}

TEST_F(RegisterSnapshotTest, AdvSimdLevelTouchesOnlyV) {
  SetVectorLevelForTesting(VectorLevel::kAdvSimd);
  RegisterSnapshot snap =
      FillCallAndSnapshot(pattern_, &secret_test_noop, nullptr);
  ASSERT_EQ(snap.vector_level, static_cast<uint32_t>(VectorLevel::kAdvSimd));
  ASSERT_EQ(snap.vector_bytes(), 16u);
  ASSERT_EQ(snap.predicate_bytes(), 0u);
  EXPECT_EQ(snap.sve_bytes, 0u);
  for (int i = 0; i < 32; ++i) {
    const size_t from = IsCalleeSavedVector(i) ? 8 : 0;
    EXPECT_EQ(std::memcmp(snap.v[i] + from, pattern_ + from, 16 - from), 0)
        << "v" << i;
    EXPECT_TRUE(AllZero(snap.z[i], sizeof snap.z[i])) << "slot " << i;
  }
  EXPECT_TRUE(AllZero(&snap.p[0][0], sizeof snap.p));
  EXPECT_TRUE(AllZero(snap.ffr, sizeof snap.ffr));
  WipeSnapshot(&snap);

  snap = FillCallAndSnapshot(pattern_, &secret_test_clear_caller_saved,
                             nullptr);
  for (int i = 0; i < 32; ++i) {
    const size_t from = IsCalleeSavedVector(i) ? 8 : 0;
    EXPECT_TRUE(AllZero(snap.v[i] + from, 16 - from)) << "v" << i;
  }
}

TEST_F(RegisterSnapshotTest, LevelCannotExceedWhatTheCpuSupports) {
  SetVectorLevelForTesting(VectorLevel::kSve);
  EXPECT_EQ(CurrentVectorLevel(), DetectedVectorLevel());
}

TEST(RegistersContainingTest, FindsMisalignedWindows) {
  uint8_t secret[32];
  FillRandomSecret(secret, sizeof secret);
  RegisterSnapshot snap;
  std::memset(&snap, 0, sizeof snap);
  snap.vector_level = SECRET_TEST_VEC_ADVSIMD;
  std::memcpy(&snap.x[9], secret + 3, 8);
  std::memcpy(snap.v[7] + 1, secret + 5, 8);
  EXPECT_EQ(RegistersContaining(snap, secret, sizeof secret),
            (std::vector<std::string>{"x9", "v7"}));
  snap.v[7][8] = static_cast<uint8_t>(~secret[12]);  // only 7 bytes left
  EXPECT_EQ(RegistersContaining(snap, secret, sizeof secret),
            (std::vector<std::string>{"x9"}));

  // With SVE the whole Z register and the predicates are searched.
  snap.vector_level = SECRET_TEST_VEC_SVE;
  snap.sve_bytes = 64;  // 8-byte predicates
  std::memset(snap.v, 0, sizeof snap.v);
  std::memcpy(snap.z[7] + 20, secret + 20, 8);  // past v7
  std::memcpy(snap.p[3], secret, 8);
  EXPECT_EQ(RegistersContaining(snap, secret, sizeof secret),
            (std::vector<std::string>{"x9", "z7", "p3"}));
  std::memcpy(snap.ffr, secret + 11, 8);
  snap.sve_bytes = 32;  // 4-byte predicates: shorter than the window
  EXPECT_EQ(RegistersContaining(snap, secret, sizeof secret),
            (std::vector<std::string>{"x9", "z7"}));
  EXPECT_EQ(RegistersContaining(snap, secret, sizeof secret, 4),
            (std::vector<std::string>{"x9", "z7", "p3", "ffr"}));
  explicit_bzero(secret, sizeof secret);
  WipeSnapshot(&snap);
}

// The vector length the snapshot records (rdvl) is the one the kernel
// reports for this thread (prctl), so z and p are saved whole.
TEST(CpuFeatureTest, SnapshotRecordsTheKernelsVectorLength) {
  RegisterSnapshot snap = CallAndSnapshot(&secret_test_noop, nullptr);
  std::printf("SVE: %s, vector length %zu bytes\n",
              CpuHasSve() ? "yes" : "no", SveVectorBytes());
  EXPECT_EQ(DetectedVectorLevel() == VectorLevel::kSve, CpuHasSve());
  if (!CpuHasSve()) {
    EXPECT_EQ(snap.sve_bytes, 0u);
    EXPECT_EQ(SveVectorBytes(), 0u);
    return;
  }
  EXPECT_EQ(snap.sve_bytes, SveVectorBytes());
  EXPECT_GE(snap.sve_bytes, 16u);
  EXPECT_LE(snap.sve_bytes, kMaxSveBytes);
  EXPECT_EQ(snap.sve_bytes % 16, 0u);
}

}  // namespace
}  // namespace secret_test

#endif  // defined(__aarch64__)
