// next_allocator.h: the allocator that secretmode's malloc family forwards
// to outside secret mode: the next definition in the process's symbol search
// order (the C library's, a sanitizer runtime's, or one the program links,
// such as tcmalloc), found with dlsym(RTLD_NEXT).

#ifndef SECRETMODE_SECRET_NEXT_ALLOCATOR_H_
#define SECRETMODE_SECRET_NEXT_ALLOCATOR_H_

#include <stddef.h>

#include "secret/atomic_ops.h"

namespace secret {
namespace internal {

struct NextAllocator {
  void* (*malloc)(size_t);
  void (*free)(void*);
  void* (*calloc)(size_t, size_t);
  void* (*realloc)(void*, size_t);
  void* (*memalign)(size_t, size_t);
  void* (*aligned_alloc)(size_t, size_t);
  int (*posix_memalign)(void**, size_t, size_t);
  void* (*valloc)(size_t);
  void* (*pvalloc)(size_t);
  size_t (*malloc_usable_size)(void*);  // may be null: nothing is zeroed then
};

extern const NextAllocator* g_next_allocator;

// ResolveNextAllocator looks the functions up and publishes the table. It
// returns nullptr while this thread is inside the lookup (dlsym may itself
// allocate); the caller then serves the request from the arena, whose free
// accepts it anywhere. Aborts with a message if no malloc can be found.
const NextAllocator* ResolveNextAllocator();

// NextAllocatorOrNull returns the table, resolving it on first use; see
// ResolveNextAllocator for when it is null.
static inline const NextAllocator* NextAllocatorOrNull() {
  const NextAllocator* next = LoadAcquire(&g_next_allocator);
  if (__builtin_expect(next != nullptr, 1)) return next;
  return ResolveNextAllocator();
}

// ResolveNextSymbol returns the next definition of `name` after this
// library's, or nullptr. Not for malloc itself (see above); used for the
// operator new and delete forms.
void* ResolveNextSymbol(const char* name);

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_NEXT_ALLOCATOR_H_
