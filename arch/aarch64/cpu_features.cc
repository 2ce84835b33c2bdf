// cpu_features.cc: decides which vector registers secret_do must clear on
// AArch64: AdvSIMD always, the SVE predicate registers and FFR when the CPU
// (and the kernel) have SVE.

#if defined(__aarch64__) && defined(__linux__)

#include <asm/hwcap.h>
#include <sys/auxv.h>

#include "arch/arch.h"

// Read by the assembly (clear_registers.inc); hidden so that the assembly can
// address it pc-relative from a shared object.
extern "C" {
__attribute__((visibility("hidden"))) int secretmode_vector_level = 0;
}

namespace {

int DetectVectorLevel() {
  return (getauxval(AT_HWCAP) & HWCAP_SVE) != 0 ? 1 : 0;
}

bool g_initialized{false};

}  // namespace

extern "C" void secretmode_arch_init(void) {
  if (__atomic_load_n(&g_initialized, __ATOMIC_ACQUIRE)) return;
  // Racing initializers compute the same value, so a plain store suffices.
  __atomic_store_n(&secretmode_vector_level, DetectVectorLevel(),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&g_initialized, true, __ATOMIC_RELEASE);
}

extern "C" int secretmode_arch_vector_level(void) {
  return __atomic_load_n(&secretmode_vector_level, __ATOMIC_RELAXED);
}

#endif  // __aarch64__ && __linux__
