// arch.h: what secret/ needs from the per-architecture assembly in arch/<cpu>/.
//
// The assembly owns the three steps where compiled code must not run: the
// switch onto the secret stack, the clearing of registers right after f, and
// the scan-and-zero of the stack f dirtied (its loads pass secret words through
// registers, so it must not spill them to a compiled frame).

#ifndef SECRETMODE_ARCH_ARCH_H_
#define SECRETMODE_ARCH_ARCH_H_

#include <stdint.h>

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define SECRETMODE_ARCH_SUPPORTED 1
#else
#define SECRETMODE_ARCH_SUPPORTED 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

// secretmode_arch_init detects which vector registers the CPU has (x86-64:
// SSE, AVX, AVX-512 with zmm16-31 and k0-7; arm64: AdvSIMD, SVE) so that the
// assembly clears all of them. It must run before the first `secret_do` that
// switches stacks. Idempotent and thread-safe; not signal-safe.
void secretmode_arch_init(void);

// secretmode_arch_vector_level returns what `secretmode_arch_init` found:
// 0 = baseline vector registers only, 1 = AVX (x86-64) or SVE (arm64),
// 2 = AVX-512 (x86-64). Signal-safe.
int secretmode_arch_vector_level(void);

// secretmode_erase_range scans [lo, hi) upward for the first non-zero 64-byte
// chunk, zeroes from that chunk up to `hi`, and returns the chunk's address
// (`hi` when the range was already zero). Both bounds must be 64-byte aligned.
// It relies on the invariant that memory below the first dirty chunk that is
// zero needs no write. Signal-safe.
uintptr_t secretmode_erase_range(uintptr_t lo, uintptr_t hi);

// secretmode_zero_small_range zeroes [lo, hi) without scanning it, and
// returns non-zero when its lowest 64-byte chunk was dirty. For zones of at
// most a few hundred bytes, where writing everything is cheaper than finding
// the dirt. Both bounds must be 64-byte aligned, lo < hi. Signal-safe.
uintptr_t secretmode_zero_small_range(uintptr_t lo, uintptr_t hi);

// secretmode_clear_vector_registers zeroes every vector register the CPU has
// (see `secretmode_vector_level`). Used by tests and by paths that leave
// secret mode without passing through `secret_do`'s own clearing. Signal-safe.
void secretmode_clear_vector_registers(void);

#ifdef __cplusplus
}
#endif

#endif  // SECRETMODE_ARCH_ARCH_H_
