// arena_large.h: blocks above kMaxSmallSize, each in its own page run
// followed by a PROT_NONE guard. Freed runs are zeroed and kept, by size
// class, for the next allocation of that class: their guard stays in place
// and no system call is needed to reuse them.

#ifndef SECRETMODE_SECRET_ARENA_LARGE_H_
#define SECRETMODE_SECRET_ARENA_LARGE_H_

#include <stddef.h>
#include <stdint.h>

namespace secret {
namespace internal {

// AllocateLarge returns a zero-filled run of at least `size` bytes aligned
// to `alignment`, or NULL with errno ENOMEM. `*usable` receives its usable
// size.
void* AllocateLarge(size_t size, size_t alignment, size_t* usable);

// FreeLarge zeroes and keeps the run whose block starts at `p`, found at
// `slot`; returns its usable size (the whole run is zeroed). Aborts naming `caller` when `p` is not a
// live large block.
size_t FreeLarge(uintptr_t p, uint32_t slot, const char* caller);

// LargeUsableSize returns the usable bytes of the live large block `p`, or
// aborts naming `caller`.
size_t LargeUsableSize(uintptr_t p, uint32_t slot, const char* caller);

// LockLarge and UnlockLarge take and release the large-run lock around fork.
void LockLarge();
void UnlockLarge();

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_ARENA_LARGE_H_
