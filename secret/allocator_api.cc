// allocator_api.cc: the secret allocator's C API (secret_c.h) and its
// statistics.

#include <errno.h>

#include "secret/arena.h"
#include "secret/arena_region.h"
#include "secret/secret_c.h"
#include "secret/thread_cache.h"

using secret::internal::ArenaAllocate;
using secret::internal::ArenaFree;
using secret::internal::ArenaReallocate;
using secret::internal::ArenaUsableSize;
using secret::internal::InArena;

namespace {

// RequireArenaBlock aborts when `p` is not inside the arena at all: the
// explicit API accepts nothing else.
void RequireArenaBlock(const void* p, const char* caller) {
  if (!InArena(p)) {
    secret::internal::ArenaAbort(caller, p, "not a secret arena block");
  }
}

}  // namespace

extern "C" void* secret_malloc(size_t size) { return ArenaAllocate(size, 16); }

extern "C" void* secret_calloc(size_t count, size_t size) {
  size_t bytes = 0;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return ArenaAllocate(bytes, 16);
}

extern "C" void* secret_aligned_alloc(size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 ||
      alignment > (size_t{1} << 30)) {
    errno = EINVAL;
    return nullptr;
  }
  return ArenaAllocate(size, alignment);
}

extern "C" void* secret_realloc(void* ptr, size_t size) {
  if (ptr == nullptr) return ArenaAllocate(size, 16);
  RequireArenaBlock(ptr, "secret_realloc");
  return ArenaReallocate(ptr, size, "secret_realloc");
}

extern "C" void secret_free(void* ptr) {
  if (ptr == nullptr) return;
  RequireArenaBlock(ptr, "secret_free");
  ArenaFree(ptr, "secret_free");
}

extern "C" size_t secret_usable_size(const void* ptr) {
  if (ptr == nullptr) return 0;
  RequireArenaBlock(ptr, "secret_usable_size");
  return ArenaUsableSize(ptr, "secret_usable_size");
}

extern "C" int secret_is_arena_block(const void* ptr) {
  return InArena(ptr) ? 1 : 0;
}

extern "C" int secret_get_arena_stats(struct secret_arena_stats* out) {
  using secret::internal::g_region;
  const secret::internal::CounterTotals totals = secret::internal::SumCounters();
  *out = secret_arena_stats{};
  out->allocations = totals.allocations;
  out->frees = totals.frees;
  out->blocks_live = totals.allocations - totals.frees;
  out->bytes_live = totals.bytes_allocated - totals.bytes_freed;
  out->bytes_zeroed = totals.bytes_freed;
  if (secret::internal::LoadAcquire(&g_region.size) != 0) {
    secret::internal::LockRegion();
    out->bytes_reserved = secret::internal::LoadRelaxed(&g_region.size);
    out->bytes_committed = g_region.bytes_committed;
    out->locked = g_region.locked ? 1 : 0;
    out->lock_error = g_region.lock_error;
    out->excluded_from_core_dumps = g_region.dontdump ? 1 : 0;
    secret::internal::UnlockRegion();
  }
  return 0;
}
