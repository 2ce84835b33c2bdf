// Register contents right after a function returns, to prove that code under
// test erased (or failed to erase) a secret from registers.
//
// Typical erasure test:
//   uint8_t pattern[64];  FillRandomSecret(pattern, 64);
//   RegisterSnapshot snap = FillCallAndSnapshot(pattern, &CodeUnderTest, arg);
//   EXPECT_THAT(RegistersContaining(snap, pattern, 64), IsEmpty())
//       << DescribeSnapshot(snap);
//   WipeSnapshot(&snap);  // the snapshot is itself a copy of the secret
//
// The helpers are assembly so that no compiled code runs between the fill
// and the call, or between the return and the snapshot.
#ifndef SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_H_
#define SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/register_snapshot_layout.h"

#if defined(__x86_64__)

namespace secret_test {

// Widest vector state the helpers save, fill and clear. Chosen once from
// cpuid+xgetbv (DetectedVectorLevel); tests may lower it.
enum class VectorLevel : uint32_t {
  kSse = SECRET_TEST_VEC_SSE,
  kAvx = SECRET_TEST_VEC_AVX,
  kAvx512 = SECRET_TEST_VEC_AVX512,      // AVX512F without BW: 16-bit k regs
  kAvx512Bw = SECRET_TEST_VEC_AVX512BW,  // 64-bit k regs
};

enum Gpr {
  kRax, kRbx, kRcx, kRdx, kRsi, kRdi, kRbp, kRsp,
  kR8, kR9, kR10, kR11, kR12, kR13, kR14, kR15,
  kGprCount
};

struct alignas(64) RegisterSnapshot {
  // As left by the called function. gpr[kRbx] is the snapshot pointer (the
  // helper keeps it there, the callee must preserve it) and gpr[kRsp] is
  // the helper's own stack pointer, equal to rsp_before_call if the callee
  // balanced the stack.
  uint64_t gpr[kGprCount];
  uint64_t rflags;
  uint64_t rsp_before_call;
  uint32_t vector_level;  // VectorLevel the vector/k state was saved with
  uint32_t reserved0;
  uint64_t k[8];  // only with kAvx512*; low 16 bits only with kAvx512
  uint8_t reserved1[SECRET_TEST_SNAP_VEC - SECRET_TEST_SNAP_K - 64];
  // vec[i] is zmm<i>: xmm<i> is its first 16 bytes, ymm<i> its first 32.
  // Bytes past the saved width (and slots 16-31 below kAvx512) are left as
  // they were, so zero-initialise the snapshot if you read them.
  uint8_t vec[32][SECRET_TEST_SNAP_VEC_STRIDE];

  size_t vector_bytes() const;  // 16, 32 or 64
  int vector_count() const;     // 16 or 32
  size_t k_bytes() const;       // 0, 2 or 8
};

static_assert(sizeof(RegisterSnapshot) == SECRET_TEST_SNAP_SIZE, "layout");
static_assert(offsetof(RegisterSnapshot, rflags) == SECRET_TEST_SNAP_RFLAGS,
              "layout");
static_assert(offsetof(RegisterSnapshot, rsp_before_call) ==
                  SECRET_TEST_SNAP_RSP_BEFORE_CALL,
              "layout");
static_assert(offsetof(RegisterSnapshot, vector_level) ==
                  SECRET_TEST_SNAP_VECTOR_LEVEL,
              "layout");
static_assert(offsetof(RegisterSnapshot, k) == SECRET_TEST_SNAP_K, "layout");
static_assert(offsetof(RegisterSnapshot, vec) == SECRET_TEST_SNAP_VEC,
              "layout");
static_assert(SECRET_TEST_SNAP_R15 == 8 * kR15, "layout");

// CPU and OS support (cpuid leaf 1 ECX.AVX/OSXSAVE and XCR0 bits 1,2).
bool CpuHasAvx();
// AVX512F (cpuid leaf 7 EBX bit 16) with XCR0 bits 1,2,5,6,7 enabled.
bool CpuHasAvx512();
VectorLevel DetectedVectorLevel();
VectorLevel CurrentVectorLevel();
// Lets a test exercise a narrower path (e.g. SSE on an AVX machine); the
// level is clamped to DetectedVectorLevel(). Returns the previous level.
VectorLevel SetVectorLevelForTesting(VectorLevel level);

// call(arg), then the snapshot. The snapshot is zeroed first.
RegisterSnapshot CallAndSnapshot(void (*call)(void*), void* arg);
// Loads `pattern` into the registers (see secret_test_fill_registers_and_call),
// calls call(arg), then snapshots.
RegisterSnapshot FillCallAndSnapshot(const uint8_t pattern[64],
                                     void (*call)(void*), void* arg);

// Names ("rax", "xmm3", "ymm3", "zmm17", "k2", "rflags") of saved registers
// whose bytes contain any `window`-byte run of secret[0, len), at any byte
// offset. window = 8 catches a whole 64-bit word of the secret in a GPR.
std::vector<std::string> RegistersContaining(const RegisterSnapshot& snap,
                                             const uint8_t* secret, size_t len,
                                             size_t window = 8);
// Every saved register in hex, for failure messages.
std::string DescribeSnapshot(const RegisterSnapshot& snap);
// explicit_bzero, so a snapshot of a secret does not show up in FindInSelf.
void WipeSnapshot(RegisterSnapshot* snap);

}  // namespace secret_test

extern "C" {

// Argument of secret_test_fill_registers_and_call.
struct SecretTestFillRequest {
  const uint8_t* pattern;  // 64 bytes
  void (*fn)(void*);
  void* arg;
};
static_assert(offsetof(SecretTestFillRequest, fn) == SECRET_TEST_FILL_FN,
              "layout");
static_assert(offsetof(SecretTestFillRequest, arg) == SECRET_TEST_FILL_ARG,
              "layout");

// Calls call(arg); as the very next instructions stores all 16 GPRs, rflags
// and the vector registers of secret_test_vector_level into *out. `out` is
// kept in rbx across the call.
void secret_test_call_and_snapshot(void (*call)(void*), void* arg,
                                   secret_test::RegisterSnapshot* out);

// `request` is a const SecretTestFillRequest*; the void* signature lets it
// be the `call` of secret_test_call_and_snapshot. Loads, then calls
// request->fn(request->arg):
//   rax=p[0..8) rcx=p[8..16) rdx=p[16..24) rsi=p[24..32)
//   r8=p[32..40) r9=p[40..48) r10=p[48..56) r11=p[56..64)   (little endian)
//   rdi = request->arg (the only caller-saved GPR without pattern bytes)
//   every vector register = p from its first byte: xmm0-15 = p[0..16),
//   ymm0-15 = p[0..32) with AVX, zmm0-31 = p[0..64) with AVX-512
//   k<i> = p[8i..8i+8) with AVX-512BW, p[8i..8i+2) with AVX512F only.
// Callee-saved registers (rbx, rbp, r12-r15) and rflags are not changed.
void secret_test_fill_registers_and_call(void* request);

// Returns without touching any register: the snapshot then shows exactly
// what the fill left.
void secret_test_noop(void* unused);

// Reference "erasure": zeroes rax, rcx, rdx, rsi, rdi, r8-r11, all vector
// registers of the current level (vzeroall + zmm16-31) and k0-k7.
void secret_test_clear_caller_saved(void* unused);

// Read by the assembly; written only by register_snapshot.cc.
extern uint32_t secret_test_vector_level __attribute__((visibility("hidden")));

}  // extern "C"

#endif  // defined(__x86_64__)

#endif  // SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_H_
