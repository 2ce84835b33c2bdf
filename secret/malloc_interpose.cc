// malloc_interpose.cc: the C library's malloc family, routed to the secret
// arena while secret mode is enabled on the calling thread and forwarded to
// the next allocator otherwise (see secret_c.h for the contract).
//
// Whatever the mode, a pointer inside the arena is the arena's: free and
// realloc look at the pointer, not at the mode, so a block allocated inside
// secret_do is zeroed wherever and whenever it is freed.

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret/arena.h"
#include "secret/next_allocator.h"
#include "secret/secret_mode_check.h"

namespace secret {
namespace internal {
namespace {

bool IsPowerOfTwo(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

size_t PageSize() { return static_cast<size_t>(getpagesize()); }

// ZeroForeignBlock clears a block of the next allocator that is freed or
// moved inside secret mode: fn may have written secrets into it.
void ZeroForeignBlock(const NextAllocator* next, void* p) {
  if (next->malloc_usable_size == nullptr) return;
  ZeroBlock(p, next->malloc_usable_size(p));
}

// AllocatorForNewBlock returns the allocator a new block should come from:
// the next one, or nullptr for the arena (in secret mode, and inside the
// first lookup of the next allocator, which may itself allocate).
__attribute__((always_inline)) inline const NextAllocator* AllocatorForNewBlock() {
  if (__builtin_expect(SecretModeOn(), 0)) return nullptr;
  return NextAllocatorOrNull();
}

// ZeroAndFreeForeignBlock hands a block of the next allocator back to it,
// zeroed first: it is freed or moved inside secret mode.
void ZeroAndFreeForeignBlock(const NextAllocator* next, void* p) {
  ZeroForeignBlock(next, p);
  next->free(p);
}

}  // namespace
}  // namespace internal
}  // namespace secret

using secret::internal::AllocatorForNewBlock;
using secret::internal::ArenaAllocate;
using secret::internal::ArenaFree;
using secret::internal::ArenaReallocate;
using secret::internal::ArenaUsableSize;
using secret::internal::InArena;
using secret::internal::NextAllocator;
using secret::internal::NextAllocatorOrNull;
using secret::internal::SecretModeOn;

extern "C" {

void* malloc(size_t size) {
  const NextAllocator* next = AllocatorForNewBlock();
  if (__builtin_expect(next == nullptr, 0)) return ArenaAllocate(size, 16);
  return next->malloc(size);
}

void free(void* p) {
  if (p == nullptr) return;
  if (InArena(p)) {
    ArenaFree(p, "free");
    return;
  }
  const NextAllocator* next = NextAllocatorOrNull();
  // Null only inside the first lookup, which allocates from the arena: a
  // foreign pointer then cannot be freed safely, so it is left alone.
  if (__builtin_expect(next == nullptr, 0)) return;
  if (__builtin_expect(SecretModeOn(), 0)) {
    secret::internal::ZeroAndFreeForeignBlock(next, p);
    return;
  }
  next->free(p);
}

void* calloc(size_t count, size_t size) {
  const NextAllocator* next = AllocatorForNewBlock();
  if (next != nullptr) return next->calloc(count, size);
  size_t bytes = 0;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return ArenaAllocate(bytes, 16);  // arena memory is already zero
}

void* realloc(void* p, size_t size) {
  if (p == nullptr) return malloc(size);
  if (InArena(p)) {
    if (size == 0) {  // as glibc: free, and return NULL
      ArenaFree(p, "realloc");
      return nullptr;
    }
    return ArenaReallocate(p, size, "realloc");
  }
  const NextAllocator* next = NextAllocatorOrNull();
  if (__builtin_expect(next == nullptr, 0)) {  // see free
    errno = ENOMEM;
    return nullptr;
  }
  if (__builtin_expect(!SecretModeOn(), 1)) return next->realloc(p, size);
  // Inside secret mode the block moves into the arena, and the old one is
  // zeroed before the next allocator gets it back.
  if (size == 0) {
    secret::internal::ZeroAndFreeForeignBlock(next, p);
    return nullptr;
  }
  void* moved = ArenaAllocate(size, 16);
  if (moved == nullptr) return nullptr;
  const size_t old = next->malloc_usable_size != nullptr
                         ? next->malloc_usable_size(p)
                         : size;  // unknown: the caller vouches for `size`
  memcpy(moved, p, old < size ? old : size);
  secret::internal::ZeroAndFreeForeignBlock(next, p);
  return moved;
}

void* reallocarray(void* p, size_t count, size_t size) {
  size_t bytes = 0;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(p, bytes);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (!secret::internal::IsPowerOfTwo(alignment) ||
      alignment % sizeof(void*) != 0) {
    return EINVAL;
  }
  const NextAllocator* next = AllocatorForNewBlock();
  if (next != nullptr && next->posix_memalign != nullptr) {
    return next->posix_memalign(out, alignment, size);
  }
  const int saved = errno;
  void* p = next != nullptr ? next->memalign(alignment, size)
                            : ArenaAllocate(size, alignment);
  errno = saved;  // posix_memalign reports through its result only
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* aligned_alloc(size_t alignment, size_t size) {
  const NextAllocator* next = AllocatorForNewBlock();
  if (next != nullptr) return next->aligned_alloc(alignment, size);
  if (!secret::internal::IsPowerOfTwo(alignment)) {
    errno = EINVAL;
    return nullptr;
  }
  return ArenaAllocate(size, alignment);
}

void* memalign(size_t alignment, size_t size) {
  const NextAllocator* next = AllocatorForNewBlock();
  if (next != nullptr) return next->memalign(alignment, size);
  // As glibc: an alignment that is not a power of two is rounded up.
  size_t rounded = 16;
  while (rounded < alignment && rounded != 0) rounded <<= 1;
  if (rounded == 0) {
    errno = EINVAL;
    return nullptr;
  }
  return ArenaAllocate(size, rounded);
}

void* valloc(size_t size) {
  const NextAllocator* next = AllocatorForNewBlock();
  if (next != nullptr) return next->valloc(size);
  return ArenaAllocate(size, secret::internal::PageSize());
}

void* pvalloc(size_t size) {
  const NextAllocator* next = AllocatorForNewBlock();
  if (next != nullptr) return next->pvalloc(size);
  const size_t page = secret::internal::PageSize();
  size_t rounded = 0;
  if (__builtin_add_overflow(size, page - 1, &rounded)) {
    errno = ENOMEM;
    return nullptr;
  }
  return ArenaAllocate(rounded & ~(page - 1), page);
}

size_t malloc_usable_size(void* p) {
  if (p == nullptr) return 0;
  if (InArena(p)) return ArenaUsableSize(p, "malloc_usable_size");
  const NextAllocator* next = NextAllocatorOrNull();
  return next->malloc_usable_size != nullptr ? next->malloc_usable_size(p) : 0;
}

}  // extern "C"
