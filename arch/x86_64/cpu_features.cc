// cpu_features.cc: decides which vector registers secret_do must clear.

#if defined(__x86_64__) && defined(__linux__)

#include <cpuid.h>
#include <stdint.h>


#include "arch/arch.h"

// Read by the assembly (clear_registers.inc, erase.S); hidden so that the
// assembly can address them %rip-relative from a shared object.
extern "C" {
__attribute__((visibility("hidden"))) int secretmode_vector_level = 0;
// Non-zero when `rep stosb` is the fastest way to zero a few KiB (the CPU
// has ERMS): erase.S then zeroes large dirty ranges with it, as glibc's
// memset does above 2 KiB, instead of 32-byte vector stores.
__attribute__((visibility("hidden"))) int secretmode_rep_stos_fast = 0;
}

namespace {

// XCR0 bits the OS sets when it saves the state on context switch.
constexpr uint64_t kXcr0Sse = 1u << 1;
constexpr uint64_t kXcr0Avx = 1u << 2;
constexpr uint64_t kXcr0Opmask = 1u << 5;
constexpr uint64_t kXcr0ZmmHi256 = 1u << 6;
constexpr uint64_t kXcr0Hi16Zmm = 1u << 7;

uint64_t ReadXcr0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

int DetectVectorLevel() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  const bool osxsave = (ecx & bit_OSXSAVE) != 0;
  const bool avx = (ecx & bit_AVX) != 0;
  if (!osxsave || !avx) return 0;
  const uint64_t xcr0 = ReadXcr0();
  if ((xcr0 & (kXcr0Sse | kXcr0Avx)) != (kXcr0Sse | kXcr0Avx)) return 0;
  const uint64_t avx512_state = kXcr0Opmask | kXcr0ZmmHi256 | kXcr0Hi16Zmm;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & bit_AVX512F) &&
      (xcr0 & avx512_state) == avx512_state) {
    return 2;
  }
  return 1;
}

// CPUID.(EAX=7,ECX=0):EBX bit 9, enhanced `rep movsb`/`rep stosb`.
constexpr unsigned kCpuid7EbxErms = 1u << 9;

bool HasErms() {
  unsigned eax, ebx, ecx, edx;
  return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) &&
         (ebx & kCpuid7EbxErms) != 0;
}

bool g_initialized{false};

}  // namespace

extern "C" void secretmode_arch_init(void) {
  if (__atomic_load_n(&g_initialized, __ATOMIC_ACQUIRE)) return;
  // Racing initializers compute the same value, so a plain store suffices.
  __atomic_store_n(&secretmode_vector_level, DetectVectorLevel(),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&secretmode_rep_stos_fast, HasErms() ? 1 : 0,
                   __ATOMIC_RELAXED);
  __atomic_store_n(&g_initialized, true, __ATOMIC_RELEASE);
}

extern "C" int secretmode_arch_vector_level(void) {
  return __atomic_load_n(&secretmode_vector_level, __ATOMIC_RELAXED);
}

#endif  // __x86_64__ && __linux__
