// register_erasure_test.cc: right after secret_do returns, every
// caller-saved register is zero, although f returned with a secret in all of
// them. The snapshot is taken by assembly as the very next instruction.

#include <stdio.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret_c.h"
#include "tests/support/memory_scan.h"
#include "tests/support/register_snapshot.h"

#if defined(__x86_64__)

namespace secret_test {
namespace {

alignas(64) uint8_t g_pattern[64];
SecretTestFillRequest g_fill;

}  // namespace
}  // namespace secret_test

// secret_test_fill_inside_do is fn: it returns with the pattern in every
// caller-saved GPR and every vector (and opmask) register.
extern "C" void secret_test_fill_inside_do(void* request) {
  secret_test_fill_registers_and_call(request);
}

// secret_test_call_secret_do jumps to secret_do(secret_test_fill_inside_do,
// arg), so that secret_do returns straight into the snapshot helper.
extern "C" __attribute__((naked)) void secret_test_call_secret_do(void*) {
  asm volatile(
      "movq %rdi, %rsi\n\t"
      "leaq secret_test_fill_inside_do(%rip), %rdi\n\t"
      "jmp secret_do@PLT\n\t");
}

namespace secret_test {
namespace {

const Gpr kCallerSaved[] = {kRax, kRcx, kRdx, kRsi, kRdi,
                            kR8,  kR9,  kR10, kR11};
const char* const kGprNames[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                                 "rbp", "rsp", "r8",  "r9",  "r10", "r11",
                                 "r12", "r13", "r14", "r15"};

class RegisterErasureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FillRandomSecret(g_pattern, sizeof g_pattern);
    g_fill = SecretTestFillRequest{g_pattern, secret_test_noop, nullptr};
  }
};

// Proof the snapshot sees a secret: without secret_do the filled registers
// come back as filled.
TEST_F(RegisterErasureTest, PlainCallLeavesSecretInRegisters) {
  RegisterSnapshot snap =
      CallAndSnapshot(secret_test_fill_registers_and_call, &g_fill);
  const std::vector<std::string> found =
      RegistersContaining(snap, g_pattern, sizeof g_pattern);
  EXPECT_GE(found.size(), 9u + 16u);
  WipeSnapshot(&snap);
}

TEST_F(RegisterErasureTest, CallerSavedRegistersAreZeroAfterSecretDo) {
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  const std::vector<std::string> found =
      RegistersContaining(snap, g_pattern, sizeof g_pattern, 2);
  EXPECT_TRUE(found.empty()) << DescribeSnapshot(snap);
  for (Gpr r : kCallerSaved) {
    EXPECT_EQ(snap.gpr[r], 0u) << kGprNames[r];
  }
  // The arithmetic flags are those of a fixed xor, whatever f computed.
  const uint64_t kArithmeticFlags = 0x8d5;  // CF PF AF ZF SF OF
  EXPECT_EQ(snap.rflags & kArithmeticFlags, 0x44u) << "rflags " << snap.rflags;
  for (int i = 0; i < snap.vector_count(); ++i) {
    for (size_t b = 0; b < snap.vector_bytes(); ++b) {
      ASSERT_EQ(snap.vec[i][b], 0) << "vector register " << i << " byte " << b;
    }
  }
  for (size_t i = 0; i < 8 && snap.k_bytes() > 0; ++i) {
    EXPECT_EQ(snap.k[i], 0u) << "k" << i;
  }
  WipeSnapshot(&snap);
}

TEST_F(RegisterErasureTest, Avx512StateIsZeroAfterSecretDo) {
  if (!CpuHasAvx512()) {
    GTEST_SKIP() << "this CPU (or OS) has no AVX-512: zmm16-31 and k0-7 do "
                    "not exist here; the AVX-512 clearing path is untested";
  }
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  ASSERT_EQ(snap.vector_count(), 32);
  for (int i = 16; i < 32; ++i) {
    for (size_t b = 0; b < 64; ++b) ASSERT_EQ(snap.vec[i][b], 0) << "zmm" << i;
  }
  for (int i = 0; i < 8; ++i) EXPECT_EQ(snap.k[i], 0u) << "k" << i;
  WipeSnapshot(&snap);
}

// The callee-saved registers hold what secret_do's caller had in them.
TEST_F(RegisterErasureTest, CalleeSavedRegistersArePreserved) {
  RegisterSnapshot plain = CallAndSnapshot(secret_test_noop, nullptr);
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  for (Gpr r : {kRbp, kR12, kR13, kR14, kR15}) {
    EXPECT_EQ(snap.gpr[r], plain.gpr[r]) << kGprNames[r];
  }
  EXPECT_EQ(snap.gpr[kRsp], snap.rsp_before_call);
  WipeSnapshot(&snap);
}

}  // namespace
}  // namespace secret_test

#endif  // __x86_64__
