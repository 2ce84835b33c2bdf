// secret.h: the C++ API of secretmode, Go's runtime/secret for native code.
//
//   std::array<uint8_t, 32> shared;
//   secret::Do([&] {
//     uint8_t priv[32];               // lives on the secret stack
//     GenerateKey(priv);
//     ComputeSharedSecret(priv, peer, shared.data());
//   });                                // priv, its copies, registers: gone
//
// The C API in "secret/secret_c.h" is the same machinery; this header adds
// lambdas and exceptions.

#ifndef SECRETMODE_SECRET_SECRET_H_
#define SECRETMODE_SECRET_SECRET_H_

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "secret/secret_c.h"

namespace secret {

namespace internal {
// ThrowSetupError throws the std::system_error for a `secret_do` that could
// not set up secret mode (`err` is its result). Out of line: it is cold.
[[noreturn]] void ThrowSetupError(int err);
}  // namespace internal

// Do runs `f()` in secret mode: when Do returns, the registers and the stack
// f's call tree used are erased (see `secret_do` for the exact list). If f
// throws, the exception is caught on the secret stack, everything is erased,
// and the same exception is rethrown from Do; the rethrown exception carries
// no frames of f. Nested calls run f directly and the outermost Do erases.
// f is invoked exactly once; Do owns nothing of it.
//
// Do throws std::system_error (ENOMEM, or EBUSY: see `secret_do`) without
// calling f when this thread's secret stacks cannot be set up. It is not async-signal-safe on a thread's
// first call. On unsupported platforms it calls f directly (see `Supported`).
//
// WARNING: Do does not erase globals or heap memory f wrote outside the
// secret allocator, data f copied to memory that outlives it (a captured
// reference, a returned value), or the exception object f threw (it lives on
// until the catcher destroys it). If f leaves by longjmp or pthread_exit the
// stack is erased later, at this thread's next Do or at thread exit.
template <typename F>
void Do(F&& f) {
  using Fn = std::remove_reference_t<F>;
  const int err = secret_do(
      [](void* p) { (*static_cast<Fn*>(p))(); },
      const_cast<void*>(static_cast<const void*>(&f)));
  if (__builtin_expect(err != 0, 0)) internal::ThrowSetupError(err);
}

// Enabled returns true when the caller runs inside Do on this thread,
// including in signal handlers interrupting f and threads f started.
// Async-signal-safe; costs a thread-local load when false.
inline bool Enabled() noexcept { return secret_enabled() != 0; }

// Supported returns true when this build erases (linux/x86_64, linux/arm64)
// and false where Do just calls f. Async-signal-safe.
inline bool Supported() noexcept { return secret_supported() != 0; }

// Config holds the settings for secret stacks created from now on; see
// `secret_config` for each field, its default and its environment variable.
using Config = secret_config;

// GetConfig returns the current settings. Thread-safe.
Config GetConfig();

// SetConfig replaces the settings for stacks created from now on (each thread
// creates its own at its first Do). It throws std::invalid_argument, changing
// nothing, when a size is out of range. Thread-safe.
void SetConfig(const Config& config);

// ThreadStats describes the calling thread's secret mode; see
// `secret_thread_stats`.
using ThreadStats = secret_thread_stats;

// GetThreadStats returns the calling thread's statistics.
// Async-signal-safe.
ThreadStats GetThreadStats() noexcept;

// ArenaStats describes the secret allocator's arena; see
// `secret_arena_stats`.
using ArenaStats = secret_arena_stats;

// GetArenaStats returns the arena's statistics, summed over all threads.
// Thread-safe; not async-signal-safe.
ArenaStats GetArenaStats() noexcept;

// Allocator is a standard allocator over the secret arena, for containers
// that hold secrets outside Do (inside Do, every allocation already comes
// from the arena):
//
//   std::vector<uint8_t, secret::Allocator<uint8_t>> key(32);
//
// allocate throws std::bad_alloc when the arena is exhausted; deallocate
// zeroes the block. Any two Allocators compare equal: blocks may be freed
// through any of them, or with `secret_free`.
//
// WARNING: a container zeroes only the memory it frees. Contents moved out
// of it (copies into std::string, say) are ordinary heap memory.
template <typename T>
struct Allocator {
  using value_type = T;

  Allocator() noexcept = default;
  template <typename U>
  Allocator(const Allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_alloc();
    void* p = alignof(T) <= 16 ? secret_malloc(n * sizeof(T))
                               : secret_aligned_alloc(alignof(T), n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t) noexcept { secret_free(p); }

  template <typename U>
  bool operator==(const Allocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const Allocator<U>&) const noexcept { return false; }
};

}  // namespace secret

#endif  // SECRETMODE_SECRET_SECRET_H_
