// thread_cache.h: per-thread caches of free small blocks, so that the common
// allocation and free touch no lock and no line another thread writes.
//
// A thread gets its cache at its first small allocation or free. The cache
// is flushed to the central lists at thread exit (a pthread key destructor);
// after that, and while the cache is being set up, the thread uses the
// central lists directly. Statistics are kept per cache and summed on demand.

#ifndef SECRETMODE_SECRET_THREAD_CACHE_H_
#define SECRETMODE_SECRET_THREAD_CACHE_H_

#include <stddef.h>
#include <stdint.h>

#include "secret/atomic_ops.h"

#include "secret/arena_layout.h"

namespace secret {
namespace internal {

constexpr uint32_t kBinCapacity = 32;

struct CacheBin {
  uint32_t count;
  uint32_t capacity;  // up to kBinCapacity; smaller for larger classes
  void* blocks[kBinCapacity];
};

// ArenaCounters are monotonic; live counts are differences. Each is written
// by one thread only (relaxed load and store, no read-modify-write).
struct ArenaCounters {
  uint64_t allocations;
  uint64_t frees;
  uint64_t bytes_allocated;
  uint64_t bytes_freed;  // every freed byte is zeroed
};

struct ThreadCache {
  CacheBin bins[kNumSmallClasses];
  ArenaCounters counters;
  ThreadCache* next;  // registry of caches in use, or of spare caches
  ThreadCache* prev;
};

// g_thread_cache is the calling thread's cache, or nullptr before its
// first use and after thread exit.
extern __thread ThreadCache* g_thread_cache
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

// g_cache_phase is where the calling thread is in its cache's life (see
// thread_cache.cc). Hidden for the reason given in thread_state.h.
extern __thread uint8_t g_cache_phase
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

// AttachCache sets up the calling thread's cache and returns it, or returns
// nullptr when the thread must use the central lists (while setting up,
// during and after thread exit, or when no memory is left for a cache).
ThreadCache* AttachCache();

// CurrentCache returns the calling thread's cache; see AttachCache.
static inline ThreadCache* CurrentCache() {
  ThreadCache* cache = g_thread_cache;
  if (__builtin_expect(cache != nullptr, 1)) return cache;
  return AttachCache();
}

// Bump adds `bytes` to one counter pair of the calling thread's cache.
static inline void Bump(uint64_t& count, uint64_t& total,
                 uint64_t bytes) {
  StoreRelaxed(&count, LoadRelaxed(&count) + 1);
  StoreRelaxed(&total, LoadRelaxed(&total) + bytes);
}

// RecordShared counts an operation that had no thread cache (atomically).
void RecordSharedAllocation(uint64_t bytes);
void RecordSharedFree(uint64_t bytes);

// RefillBin fills the empty bin of class `c` from the central lists; returns
// false when the region is full.
bool RefillBin(CacheBin& bin, unsigned c);

// FlushBin returns the older half of the full bin of class `c` to the
// central lists.
void FlushBin(CacheBin& bin, unsigned c);

// SumCounters adds every cache's counters, and those of exited threads, into
// `*out` (fields allocations, frees, bytes_allocated, bytes_freed).
struct CounterTotals {
  uint64_t allocations, frees, bytes_allocated, bytes_freed;
};
CounterTotals SumCounters();

// InitThreadCaches creates the thread-exit key once. Returns 0 or an errno.
int InitThreadCaches();

// LockRegistry and UnlockRegistry take and release the registry lock around
// fork. ReclaimOtherCaches, in a fork child with no locks held, returns the
// blocks cached by threads that do not exist in the child.
void LockRegistry();
void UnlockRegistry();
void ReclaimOtherCaches();

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_THREAD_CACHE_H_
