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

}  // namespace secret_test

extern "C" {

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

// Reference "erasure": zeroes rax, rcx, rdx, rsi, rdi, r8-r11, all vector
// registers of the current level (vzeroall + zmm16-31) and k0-k7.
void secret_test_clear_caller_saved(void* unused);

}  // extern "C"

#elif defined(__aarch64__)

namespace secret_test {

// Vector state the helpers save, fill and clear. Chosen once from
// getauxval(AT_HWCAP) (DetectedVectorLevel); tests may lower it.
enum class VectorLevel : uint32_t {
  kAdvSimd = SECRET_TEST_VEC_ADVSIMD,  // v0-31, 128 bits each
  kSve = SECRET_TEST_VEC_SVE,  // z0-31 at the current length, p0-15, FFR
};

// The architecture's longest SVE vector (2048 bits), which the snapshot's
// slots are sized for.
constexpr size_t kMaxSveBytes = SECRET_TEST_SNAP_Z_STRIDE;

struct alignas(64) RegisterSnapshot {
  // As left by the called function. x[19] is the snapshot pointer and x[29]
  // the helper's frame pointer (the helper keeps them there, the callee must
  // preserve them), x[30] the callee's return address; sp is the helper's
  // stack pointer, equal to sp_before_call if the callee balanced the stack.
  uint64_t x[31];
  uint64_t sp;
  uint64_t sp_before_call;
  uint64_t nzcv;  // N, Z, C, V in bits 31-28
  uint64_t fpsr;  // cumulative exception flags (bits 0-4, 7), QC (bit 27)
  uint32_t vector_level;  // VectorLevel the vector state was saved with
  uint32_t sve_bytes;     // SVE vector length in bytes (rdvl), 0 below kSve
  uint8_t reserved0[SECRET_TEST_SNAP_V - SECRET_TEST_SNAP_SVE_BYTES - 4];
  // v[i] is v<i>, the low 128 bits of z<i>.
  uint8_t v[32][16];
  // Only with kSve: z<i> in the first sve_bytes bytes of its slot, p<i> and
  // FFR in the first sve_bytes / 8. The rest of each slot is left as it
  // was, so zero-initialise the snapshot if you read it.
  uint8_t z[32][SECRET_TEST_SNAP_Z_STRIDE];
  uint8_t p[16][SECRET_TEST_SNAP_P_STRIDE];
  uint8_t ffr[SECRET_TEST_SNAP_P_STRIDE];

  size_t vector_bytes() const;     // sve_bytes with kSve, else 16
  size_t predicate_bytes() const;  // sve_bytes / 8 with kSve, else 0
  int vector_count() const { return 32; }
};

static_assert(sizeof(RegisterSnapshot) == SECRET_TEST_SNAP_SIZE, "layout");
static_assert(offsetof(RegisterSnapshot, sp) == SECRET_TEST_SNAP_SP, "layout");
static_assert(offsetof(RegisterSnapshot, sp_before_call) ==
                  SECRET_TEST_SNAP_SP_BEFORE_CALL,
              "layout");
static_assert(offsetof(RegisterSnapshot, nzcv) == SECRET_TEST_SNAP_NZCV,
              "layout");
static_assert(offsetof(RegisterSnapshot, fpsr) == SECRET_TEST_SNAP_FPSR,
              "layout");
static_assert(offsetof(RegisterSnapshot, vector_level) ==
                  SECRET_TEST_SNAP_VECTOR_LEVEL,
              "layout");
static_assert(offsetof(RegisterSnapshot, sve_bytes) ==
                  SECRET_TEST_SNAP_SVE_BYTES,
              "layout");
static_assert(offsetof(RegisterSnapshot, v) == SECRET_TEST_SNAP_V, "layout");
static_assert(offsetof(RegisterSnapshot, z) == SECRET_TEST_SNAP_Z, "layout");
static_assert(offsetof(RegisterSnapshot, p) == SECRET_TEST_SNAP_P, "layout");
static_assert(offsetof(RegisterSnapshot, ffr) == SECRET_TEST_SNAP_FFR,
              "layout");

// SVE in the CPU and enabled by the kernel (AT_HWCAP & HWCAP_SVE).
bool CpuHasSve();
// The SVE vector length in bytes as the kernel reports it
// (prctl(PR_SVE_GET_VL)), 0 without SVE.
size_t SveVectorBytes();
VectorLevel DetectedVectorLevel();
VectorLevel CurrentVectorLevel();
// Lets a test exercise a narrower path (AdvSIMD on an SVE machine); the
// level is clamped to DetectedVectorLevel(). Returns the previous level.
VectorLevel SetVectorLevelForTesting(VectorLevel level);

// The registers AAPCS64 makes a callee preserve, as
// secret_test_call_with_callee_saved loads and reads them back.
struct CalleeSavedRegisters {
  uint64_t x[11];  // x19..x29
  uint64_t d[8];   // the low 64 bits of v8..v15
  uint64_t sp_before_call;  // outputs only
  uint64_t sp;
};
static_assert(sizeof(CalleeSavedRegisters) == SECRET_TEST_CS_SIZE, "layout");
static_assert(offsetof(CalleeSavedRegisters, d) == SECRET_TEST_CS_D, "layout");
static_assert(offsetof(CalleeSavedRegisters, sp_before_call) ==
                  SECRET_TEST_CS_SP_BEFORE_CALL,
              "layout");
static_assert(offsetof(CalleeSavedRegisters, sp) == SECRET_TEST_CS_SP,
              "layout");

// Loads in.x and in.d into x19-x29 and d8-d15, calls call(arg), and returns
// those registers and sp as call left them.
CalleeSavedRegisters CallWithCalleeSaved(const CalleeSavedRegisters& in,
                                         void (*call)(void*), void* arg);

}  // namespace secret_test

extern "C" {

// `request` is a const SecretTestFillRequest*; the void* signature lets it
// be the `call` of secret_test_call_and_snapshot. Loads, then calls
// request->fn(request->arg):
//   x1..x8 = p[0..64) and x9..x16 = p[0..64) again, 8 bytes each,
//   x17 = p[0..8), x18 = p[8..16)                          (little endian)
//   x0 = request->arg (the only caller-saved GPR without pattern bytes)
//   v0-v31 = p[0..16); with kSve every z<i> = p repeated from its first
//   byte (byte b is p[b % 64]), p0-p15 = p[0..sve_bytes / 8), and FFR all
//   true (SETFFR: FFR can only hold a run of leading ones)
//   NZCV = SECRET_TEST_FILL_NZCV, FPSR = SECRET_TEST_FILL_FPSR.
// When fn returns it restores its caller's x19-x21, x29, x30 and the low 64
// bits of v8-v15, leaving every other bit of z8-z15 as fn left it: a real fn
// that used them returns the same way (AAPCS64). Nothing else changes after
// fn's return: caller-saved registers, NZCV and FPSR are as fn left them.
void secret_test_fill_registers_and_call(void* request);

// Reference "erasure" of all AAPCS64 lets a function clobber: zeroes x0-x18,
// NZCV, FPSR, v0-v7 and v16-v31, bits 64-127 of v8-v15 (their low halves
// are kept), and with kSve every z bit above 128, p0-p15 and FFR.
void secret_test_clear_caller_saved(void* unused);

// Saves x19-x29 and d8-d15, loads in->x and in->d into them, calls
// call(arg), stores them and sp into *out (sp_before_call too), and restores
// its caller's. `out` is kept on the stack across the call.
void secret_test_call_with_callee_saved(
    const secret_test::CalleeSavedRegisters* in,
    secret_test::CalleeSavedRegisters* out, void (*call)(void*), void* arg);

}  // extern "C"

#endif  // defined(__x86_64__), defined(__aarch64__)

#if defined(__x86_64__) || defined(__aarch64__)

namespace secret_test {

// call(arg), then the snapshot. The snapshot is zeroed first.
RegisterSnapshot CallAndSnapshot(void (*call)(void*), void* arg);
// Loads `pattern` into the registers (see secret_test_fill_registers_and_call),
// calls call(arg), then snapshots.
RegisterSnapshot FillCallAndSnapshot(const uint8_t pattern[64],
                                     void (*call)(void*), void* arg);

// Names of saved registers whose bytes contain any `window`-byte run of
// secret[0, len), at any byte offset. window = 8 catches a whole 64-bit word
// of the secret in a GPR. x86-64: "rax", "xmm3", "ymm3", "zmm17", "k2",
// "rflags". AArch64: "x5", "sp", "nzcv", "fpsr", "v20" (below kSve) or "z20"
// (the whole Z register), "p7", "ffr"; a predicate register shorter than
// `window` (below 512-bit vectors with the default window) is never named.
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

// Calls call(arg); as the very next instructions stores every general
// register, the flags and the vector registers of secret_test_vector_level
// into *out. `out` is kept in a callee-saved register across the call (rbx;
// x19). On AArch64 the helper also restores its caller's d8-d15 after the
// snapshot, so a callee that breaks them cannot break the compiled caller.
void secret_test_call_and_snapshot(void (*call)(void*), void* arg,
                                   secret_test::RegisterSnapshot* out);

// Returns without touching any register: the snapshot then shows exactly
// what the fill left.
void secret_test_noop(void* unused);

// Read by the assembly; written only by register_snapshot.cc.
extern uint32_t secret_test_vector_level __attribute__((visibility("hidden")));

}  // extern "C"

#endif  // defined(__x86_64__) || defined(__aarch64__)

#endif  // SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_H_
