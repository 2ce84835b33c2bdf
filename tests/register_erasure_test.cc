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

extern "C" void secret_test_fill_inside_do(void* request);

// secret_test_callee_saved_roundtrip loads markers 0x11..11 * (1..6) into
// rbx, rbp, r12, r13, r14, r15, calls secret_do with a filling fn, and
// stores the six registers into out[0..5] in that order.
extern "C" __attribute__((naked)) void secret_test_callee_saved_roundtrip(
    uint64_t* /*out*/) {
  asm volatile(
      "pushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\t"
      "pushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
      "pushq %rdi\n\t"                 // out; also realigns the stack
      "movabsq $0x1111111111111111, %rbx\n\t"
      "movabsq $0x2222222222222222, %rbp\n\t"
      "movabsq $0x3333333333333333, %r12\n\t"
      "movabsq $0x4444444444444444, %r13\n\t"
      "movabsq $0x5555555555555555, %r14\n\t"
      "movabsq $0x6666666666666666, %r15\n\t"
      "leaq secret_test_fill_inside_do(%rip), %rdi\n\t"
      "leaq secret_test_fill_request(%rip), %rsi\n\t"
      "call secret_do@PLT\n\t"
      "popq %rdi\n\t"
      "movq %rbx, 0(%rdi)\n\tmovq %rbp, 8(%rdi)\n\tmovq %r12, 16(%rdi)\n\t"
      "movq %r13, 24(%rdi)\n\tmovq %r14, 32(%rdi)\n\tmovq %r15, 40(%rdi)\n\t"
      "popq %r15\n\tpopq %r14\n\tpopq %r13\n\t"
      "popq %r12\n\tpopq %rbp\n\tpopq %rbx\n\t"
      "ret\n\t");
}

// The request fn gets; read by the assembly above, hence extern "C".
extern "C" {
SecretTestFillRequest secret_test_fill_request;
}

namespace secret_test {
namespace {
alignas(64) uint8_t g_pattern[64];
SecretTestFillRequest& g_fill = secret_test_fill_request;
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
  // rax rcx rdx rsi r8-r11 (rdi carries the argument) and 16 vectors.
  EXPECT_GE(found.size(), 8u + 16u);
  WipeSnapshot(&snap);
}

TEST_F(RegisterErasureTest, CallerSavedRegistersAreZeroAfterSecretDo) {
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  const std::vector<std::string> found =
      RegistersContaining(snap, g_pattern, sizeof g_pattern, 4);
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

// secret_do returns with the stack balanced.
TEST_F(RegisterErasureTest, StackIsBalanced) {
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  EXPECT_EQ(snap.gpr[kRsp], snap.rsp_before_call);
  WipeSnapshot(&snap);
}

// The callee-saved registers keep the caller's values across secret_do.
TEST_F(RegisterErasureTest, CalleeSavedRegistersArePreserved) {
  uint64_t after[6] = {};
  secret_test_callee_saved_roundtrip(after);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(after[i], 0x1111111111111111u * (i + 1)) << "register " << i;
  }
}

}  // namespace
}  // namespace secret_test

#endif  // __x86_64__
