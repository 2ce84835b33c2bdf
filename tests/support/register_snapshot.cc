#include "tests/support/register_snapshot.h"

#if defined(__x86_64__) || defined(__aarch64__)

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace secret_test {
namespace {

void AppendHex(std::string* out, const uint8_t* bytes, size_t n) {
  // Most significant byte first, as debuggers print registers.
  char buf[3];
  for (size_t i = n; i-- > 0;) {
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    *out += buf;
  }
}

bool ContainsWindow(const uint8_t* reg, size_t reg_len, const uint8_t* secret,
                    size_t len, size_t window) {
  if (window == 0 || window > len || window > reg_len) return false;
  for (size_t s = 0; s + window <= len; ++s) {
    for (size_t r = 0; r + window <= reg_len; ++r) {
      if (std::memcmp(reg + r, secret + s, window) == 0) return true;
    }
  }
  return false;
}

}  // namespace

RegisterSnapshot CallAndSnapshot(void (*call)(void*), void* arg) {
  RegisterSnapshot snap;
  std::memset(&snap, 0, sizeof snap);
  secret_test_call_and_snapshot(call, arg, &snap);
  return snap;
}

RegisterSnapshot FillCallAndSnapshot(const uint8_t pattern[64],
                                     void (*call)(void*), void* arg) {
  SecretTestFillRequest request = {pattern, call, arg};
  return CallAndSnapshot(&secret_test_fill_registers_and_call, &request);
}

void WipeSnapshot(RegisterSnapshot* snap) { explicit_bzero(snap, sizeof *snap); }

VectorLevel CurrentVectorLevel() {
  return static_cast<VectorLevel>(secret_test_vector_level);
}

VectorLevel SetVectorLevelForTesting(VectorLevel level) {
  const VectorLevel previous = CurrentVectorLevel();
  secret_test_vector_level = std::min(static_cast<uint32_t>(level),
                                      static_cast<uint32_t>(DetectedVectorLevel()));
  return previous;
}

}  // namespace secret_test

#endif  // defined(__x86_64__) || defined(__aarch64__)

#if defined(__x86_64__)

#include <cpuid.h>

extern "C" {
// SSE until the initializer below runs: saving less than the CPU has is
// safe, touching registers the OS does not enable would fault.
__attribute__((visibility("hidden"))) uint32_t secret_test_vector_level =
    SECRET_TEST_VEC_SSE;
}

namespace secret_test {
namespace {

bool OsSavesXcr0Bits(uint64_t mask) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  if (!(ecx & bit_OSXSAVE)) return false;  // xgetbv would fault
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  const uint64_t xcr0 = (static_cast<uint64_t>(hi) << 32) | lo;
  return (xcr0 & mask) == mask;
}

bool Leaf7Ebx(unsigned bit) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return (ebx & bit) != 0;
}

// XCR0: 1 = SSE, 2 = AVX, 5 = opmask, 6 = ZMM_Hi256, 7 = Hi16_ZMM.
constexpr uint64_t kXcr0Avx = (1u << 1) | (1u << 2);
constexpr uint64_t kXcr0Avx512 = kXcr0Avx | (1u << 5) | (1u << 6) | (1u << 7);

[[maybe_unused]] const bool kLevelInitialized = [] {
  secret_test_vector_level = static_cast<uint32_t>(DetectedVectorLevel());
  return true;
}();

const char* const kGprNames[kGprCount] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

std::string VectorName(const RegisterSnapshot& snap, int i) {
  const char* prefix = snap.vector_bytes() == 64   ? "zmm"
                       : snap.vector_bytes() == 32 ? "ymm"
                                                   : "xmm";
  return prefix + std::to_string(i);
}

}  // namespace

size_t RegisterSnapshot::vector_bytes() const {
  return vector_level >= SECRET_TEST_VEC_AVX512 ? 64
         : vector_level == SECRET_TEST_VEC_AVX  ? 32
                                                : 16;
}

int RegisterSnapshot::vector_count() const {
  return vector_level >= SECRET_TEST_VEC_AVX512 ? 32 : 16;
}

size_t RegisterSnapshot::k_bytes() const {
  return vector_level == SECRET_TEST_VEC_AVX512BW ? 8
         : vector_level == SECRET_TEST_VEC_AVX512 ? 2
                                                  : 0;
}

bool CpuHasAvx() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  return (ecx & bit_AVX) && OsSavesXcr0Bits(kXcr0Avx);
}

bool CpuHasAvx512() {
  return Leaf7Ebx(1u << 16) && OsSavesXcr0Bits(kXcr0Avx512);
}

VectorLevel DetectedVectorLevel() {
  if (CpuHasAvx512()) {
    return Leaf7Ebx(1u << 30) ? VectorLevel::kAvx512Bw : VectorLevel::kAvx512;
  }
  return CpuHasAvx() ? VectorLevel::kAvx : VectorLevel::kSse;
}

std::vector<std::string> RegistersContaining(const RegisterSnapshot& snap,
                                             const uint8_t* secret, size_t len,
                                             size_t window) {
  std::vector<std::string> names;
  for (int i = 0; i < kGprCount; ++i) {
    const auto* reg = reinterpret_cast<const uint8_t*>(&snap.gpr[i]);
    if (ContainsWindow(reg, 8, secret, len, window)) {
      names.push_back(kGprNames[i]);
    }
  }
  if (ContainsWindow(reinterpret_cast<const uint8_t*>(&snap.rflags), 8,
                     secret, len, window)) {
    names.push_back("rflags");
  }
  for (int i = 0; i < snap.vector_count(); ++i) {
    if (ContainsWindow(snap.vec[i], snap.vector_bytes(), secret, len,
                       window)) {
      names.push_back(VectorName(snap, i));
    }
  }
  for (int i = 0; i < 8; ++i) {
    if (ContainsWindow(reinterpret_cast<const uint8_t*>(&snap.k[i]),
                       snap.k_bytes(), secret, len, window)) {
      names.push_back("k" + std::to_string(i));
    }
  }
  return names;
}

std::string DescribeSnapshot(const RegisterSnapshot& snap) {
  std::string out = "registers after return (vector level " +
                    std::to_string(snap.vector_level) + "):";
  for (int i = 0; i < kGprCount; ++i) {
    char line[48];
    std::snprintf(line, sizeof line, "\n  %-6s %016" PRIx64, kGprNames[i],
                  snap.gpr[i]);
    out += line;
  }
  char line[48];
  std::snprintf(line, sizeof line, "\n  rflags %016" PRIx64, snap.rflags);
  out += line;
  for (int i = 0; i < snap.vector_count(); ++i) {
    out += "\n  " + VectorName(snap, i) + (i < 10 ? "   " : "  ");
    AppendHex(&out, snap.vec[i], snap.vector_bytes());
  }
  for (int i = 0; i < 8 && snap.k_bytes() > 0; ++i) {
    out += "\n  k" + std::to_string(i) + "     ";
    AppendHex(&out, reinterpret_cast<const uint8_t*>(&snap.k[i]),
              snap.k_bytes());
  }
  return out;
}

}  // namespace secret_test

#elif defined(__aarch64__)

#include <sys/auxv.h>
#include <sys/prctl.h>

extern "C" {
// AdvSIMD until the initializer below runs: saving less than the CPU has is
// safe, an SVE instruction on a CPU without SVE would fault.
__attribute__((visibility("hidden"))) uint32_t secret_test_vector_level =
    SECRET_TEST_VEC_ADVSIMD;
}

namespace secret_test {
namespace {

[[maybe_unused]] const bool kLevelInitialized = [] {
  secret_test_vector_level = static_cast<uint32_t>(DetectedVectorLevel());
  return true;
}();

bool SavedSve(const RegisterSnapshot& snap) {
  return snap.vector_level == SECRET_TEST_VEC_SVE;
}

// With SVE the whole Z register, of which v<i> is the first 16 bytes.
std::string VectorName(const RegisterSnapshot& snap, int i) {
  return (SavedSve(snap) ? "z" : "v") + std::to_string(i);
}

const uint8_t* VectorBytes(const RegisterSnapshot& snap, int i) {
  return SavedSve(snap) ? snap.z[i] : snap.v[i];
}

// The registers RegistersContaining and DescribeSnapshot go through, in
// order: name, bytes, length.
struct SavedRegister {
  std::string name;
  const uint8_t* bytes;
  size_t size;
};

std::vector<SavedRegister> SavedRegisters(const RegisterSnapshot& snap) {
  std::vector<SavedRegister> regs;
  for (int i = 0; i < 31; ++i) {
    regs.push_back({"x" + std::to_string(i),
                    reinterpret_cast<const uint8_t*>(&snap.x[i]), 8});
  }
  regs.push_back({"sp", reinterpret_cast<const uint8_t*>(&snap.sp), 8});
  regs.push_back({"nzcv", reinterpret_cast<const uint8_t*>(&snap.nzcv), 8});
  regs.push_back({"fpsr", reinterpret_cast<const uint8_t*>(&snap.fpsr), 8});
  for (int i = 0; i < snap.vector_count(); ++i) {
    regs.push_back({VectorName(snap, i), VectorBytes(snap, i),
                    snap.vector_bytes()});
  }
  for (int i = 0; i < 16 && snap.predicate_bytes() > 0; ++i) {
    regs.push_back({"p" + std::to_string(i), snap.p[i],
                    snap.predicate_bytes()});
  }
  if (snap.predicate_bytes() > 0) {
    regs.push_back({"ffr", snap.ffr, snap.predicate_bytes()});
  }
  return regs;
}

}  // namespace

size_t RegisterSnapshot::vector_bytes() const {
  return vector_level == SECRET_TEST_VEC_SVE ? sve_bytes : 16;
}

size_t RegisterSnapshot::predicate_bytes() const {
  return vector_level == SECRET_TEST_VEC_SVE ? sve_bytes / 8 : 0;
}

bool CpuHasSve() { return (getauxval(AT_HWCAP) & HWCAP_SVE) != 0; }

size_t SveVectorBytes() {
  if (!CpuHasSve()) return 0;
  const int vl = prctl(PR_SVE_GET_VL, 0, 0, 0, 0);
  return vl < 0 ? 0 : static_cast<size_t>(vl & PR_SVE_VL_LEN_MASK);
}

VectorLevel DetectedVectorLevel() {
  return CpuHasSve() ? VectorLevel::kSve : VectorLevel::kAdvSimd;
}

CalleeSavedRegisters CallWithCalleeSaved(const CalleeSavedRegisters& in,
                                         void (*call)(void*), void* arg) {
  CalleeSavedRegisters out = {};
  secret_test_call_with_callee_saved(&in, &out, call, arg);
  return out;
}

std::vector<std::string> RegistersContaining(const RegisterSnapshot& snap,
                                             const uint8_t* secret, size_t len,
                                             size_t window) {
  std::vector<std::string> names;
  for (const SavedRegister& reg : SavedRegisters(snap)) {
    if (ContainsWindow(reg.bytes, reg.size, secret, len, window)) {
      names.push_back(reg.name);
    }
  }
  return names;
}

std::string DescribeSnapshot(const RegisterSnapshot& snap) {
  std::string out = "registers after return (vector level " +
                    std::to_string(snap.vector_level) + ", SVE vector " +
                    std::to_string(snap.sve_bytes) + " bytes):";
  for (const SavedRegister& reg : SavedRegisters(snap)) {
    std::string line = "\n  " + reg.name;
    line.resize(8, ' ');  // the values in one column
    AppendHex(&line, reg.bytes, reg.size);
    out += line;
  }
  return out;
}

}  // namespace secret_test

#endif  // defined(__x86_64__), defined(__aarch64__)
