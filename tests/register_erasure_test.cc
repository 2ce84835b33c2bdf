// register_erasure_test.cc: right after secret_do returns, every
// caller-saved register is zero, although f returned with a secret in all of
// them, and every callee-saved register is as the caller left it. The
// snapshot is taken by assembly as the very next instruction.

#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
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

#elif defined(__aarch64__)

// secret_test_call_secret_do(request) branches to
// secret_do(secret_test_fill_registers_and_call, request), so that
// secret_do returns straight into the snapshot helper: no instruction runs
// between its return and the snapshot.
asm(R"(
	.pushsection .text
	.globl	secret_test_call_secret_do
	.type	secret_test_call_secret_do, %function
	.p2align 4
secret_test_call_secret_do:
	.cfi_startproc
	hint	#34			// bti c
	// x1 = the request, x0 = fn; a tail call, so secret_do returns to our
	// caller.
	mov	x1, x0
	adrp	x0, secret_test_fill_registers_and_call
	add	x0, x0, :lo12:secret_test_fill_registers_and_call
	b	secret_do
	.cfi_endproc
	.size	secret_test_call_secret_do, .-secret_test_call_secret_do
	.popsection
)");

extern "C" void secret_test_call_secret_do(void* request);

namespace secret_test {
namespace {

alignas(64) uint8_t g_pattern[64];
SecretTestFillRequest g_fill;

bool SavedSve(const RegisterSnapshot& snap) {
  return snap.vector_level == static_cast<uint32_t>(VectorLevel::kSve);
}

// The low 64 bits of v8-v15 are callee-saved (AAPCS64): secret_do must keep
// them, so only bytes 8-15 of those registers are caller-saved.
size_t FirstCallerSavedByte(int v) { return v >= 8 && v <= 15 ? 8 : 0; }

bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

class RegisterErasureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FillRandomSecret(g_pattern, sizeof g_pattern);
    // No zero byte: then any byte of a register left holding the pattern is
    // non-zero, also in a 2-byte predicate register (128-bit vectors).
    for (uint8_t& b : g_pattern) b |= 0x01;
    g_fill = SecretTestFillRequest{g_pattern, secret_test_noop, nullptr};
  }
  void TearDown() override { explicit_bzero(g_pattern, sizeof g_pattern); }
};

// Proof the snapshot sees a secret: without secret_do every register the
// tests below require to be zero comes back holding the pattern.
TEST_F(RegisterErasureTest, PlainCallLeavesSecretInRegisters) {
  RegisterSnapshot snap =
      CallAndSnapshot(secret_test_fill_registers_and_call, &g_fill);
  const std::string dump = DescribeSnapshot(snap);
  const std::vector<std::string> found =
      RegistersContaining(snap, g_pattern, sizeof g_pattern);
  // x1-x18 (x0 carries the argument) and the 32 vector registers.
  EXPECT_GE(found.size(), 18u + 32u) << dump;
  for (int i = 1; i <= 18; ++i) EXPECT_NE(snap.x[i], 0u) << "x" << i;
  EXPECT_EQ(snap.nzcv, static_cast<uint64_t>(SECRET_TEST_FILL_NZCV));
  EXPECT_EQ(snap.fpsr, static_cast<uint64_t>(SECRET_TEST_FILL_FPSR));
  for (int i = 0; i < 32; ++i) {
    const size_t from = FirstCallerSavedByte(i);
    EXPECT_EQ(memcmp(snap.v[i] + from, g_pattern + from, 16 - from), 0)
        << "v" << i << "\n" << dump;
  }
  if (SavedSve(snap)) {
    for (int i = 0; i < 32; ++i) {
      for (size_t b = 16; b < snap.sve_bytes; ++b) {
        ASSERT_EQ(snap.z[i][b], g_pattern[b % 64]) << "z" << i << " byte " << b;
      }
    }
    for (int i = 0; i < 16; ++i) {
      EXPECT_EQ(memcmp(snap.p[i], g_pattern, snap.predicate_bytes()), 0)
          << "p" << i;
    }
    EXPECT_NE(snap.ffr[0], 0) << "ffr";
  }
  WipeSnapshot(&snap);
}

TEST_F(RegisterErasureTest, CallerSavedGprsAndFlagsAreZeroAfterSecretDo) {
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  for (int i = 0; i <= 18; ++i) EXPECT_EQ(snap.x[i], 0u) << "x" << i;
  EXPECT_EQ(snap.nzcv, 0u) << "NZCV";
  if (HasFailure()) ADD_FAILURE() << DescribeSnapshot(snap);
  WipeSnapshot(&snap);
}

TEST_F(RegisterErasureTest, VectorRegistersAreZeroAfterSecretDo) {
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  for (int i = 0; i < 32; ++i) {
    const size_t from = FirstCallerSavedByte(i);
    EXPECT_TRUE(AllZero(snap.v[i] + from, 16 - from))
        << "v" << i << (from > 0 ? " bits 64-127" : "");
  }
  EXPECT_EQ(snap.fpsr, 0u) << "FPSR: the cumulative exception flags";
  if (HasFailure()) ADD_FAILURE() << DescribeSnapshot(snap);
  WipeSnapshot(&snap);
}

// Bits 128 and up of every Z register (z8-z15 included: only their low 64
// bits are callee-saved), p0-p15 and FFR.
TEST_F(RegisterErasureTest, SveStateIsZeroAfterSecretDo) {
  if (!CpuHasSve()) {
    GTEST_SKIP() << "this CPU (or kernel) has no SVE: z bits above 128, "
                    "p0-p15 and FFR do not exist here; the SVE clearing "
                    "path is untested";
  }
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  ASSERT_TRUE(SavedSve(snap));
  ASSERT_EQ(snap.sve_bytes, SveVectorBytes());
  printf("SVE vector length: %u bytes\n", snap.sve_bytes);
  for (int i = 0; i < 32; ++i) {
    EXPECT_TRUE(AllZero(snap.z[i] + 16, snap.sve_bytes - 16))
        << "z" << i << " above bit 128";
  }
  for (int i = 0; i < 16; ++i) {
    EXPECT_TRUE(AllZero(snap.p[i], snap.predicate_bytes())) << "p" << i;
  }
  EXPECT_TRUE(AllZero(snap.ffr, snap.predicate_bytes())) << "ffr";
  if (HasFailure()) ADD_FAILURE() << DescribeSnapshot(snap);
  WipeSnapshot(&snap);
}

// Whatever the exact values, no register may hold any 4 bytes of the
// secret; this also covers the callee-saved halves the tests above skip.
TEST_F(RegisterErasureTest, NoRegisterHoldsTheSecretAfterSecretDo) {
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  const std::vector<std::string> found =
      RegistersContaining(snap, g_pattern, sizeof g_pattern, 4);
  EXPECT_TRUE(found.empty()) << DescribeSnapshot(snap);
  WipeSnapshot(&snap);
}

// secret_do returns with the stack balanced.
TEST_F(RegisterErasureTest, StackIsBalanced) {
  RegisterSnapshot snap = CallAndSnapshot(secret_test_call_secret_do, &g_fill);
  EXPECT_EQ(snap.sp, snap.sp_before_call);
  WipeSnapshot(&snap);
}

// x19-x29 and the low halves of v8-v15 keep the caller's values across a
// secret_do whose fn filled every register with the secret.
TEST_F(RegisterErasureTest, CalleeSavedRegistersArePreserved) {
  CalleeSavedRegisters in = {};
  for (int i = 0; i < 11; ++i) in.x[i] = 0x1111111111111111u * (i + 1);
  for (int i = 0; i < 8; ++i) in.d[i] = 0x0101010101010101u * (0xd0 + i);
  const CalleeSavedRegisters out =
      CallWithCalleeSaved(in, secret_test_call_secret_do, &g_fill);
  for (int i = 0; i < 11; ++i) EXPECT_EQ(out.x[i], in.x[i]) << "x" << 19 + i;
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out.d[i], in.d[i]) << "d" << 8 + i;
  EXPECT_EQ(out.sp, out.sp_before_call);
}

}  // namespace
}  // namespace secret_test

#endif  // defined(__x86_64__), defined(__aarch64__)

#if defined(__x86_64__) || defined(__aarch64__)

// secret_test_call_secret_cxx_do(request) runs the filling fn through the
// C++ API, secret::Do.
extern "C" void secret_test_call_secret_cxx_do(void* request) {
  secret::Do([request] { secret_test_fill_registers_and_call(request); });
}

namespace secret_test {
namespace {

// secret::Do is compiled code around secret_do, so registers need not be
// zero when it returns, but none may hold any 4 bytes of the secret.
TEST_F(RegisterErasureTest, NoRegisterHoldsTheSecretAfterCxxDo) {
  RegisterSnapshot snap =
      CallAndSnapshot(secret_test_call_secret_cxx_do, &g_fill);
  const std::vector<std::string> found =
      RegistersContaining(snap, g_pattern, sizeof g_pattern, 4);
  EXPECT_TRUE(found.empty()) << DescribeSnapshot(snap);
  WipeSnapshot(&snap);
}

}  // namespace
}  // namespace secret_test

#endif  // defined(__x86_64__) || defined(__aarch64__)
