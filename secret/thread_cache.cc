// thread_cache.cc: see thread_cache.h.

#include "secret/thread_cache.h"

#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>

#include "secret/arena_small.h"

namespace secret {
namespace internal {

__thread ThreadCache* g_thread_cache
    __attribute__((tls_model("initial-exec"), visibility("hidden")));
__thread uint8_t g_cache_phase
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

namespace {

enum CachePhase : uint8_t {
  kNoCache = 0,
  kSettingUp = 1,  // allocations made while registering go to the central lists
  kAttached = 2,
  kRetired = 3,    // the thread is exiting; its cache was flushed
};

pthread_mutex_t g_registry_lock = PTHREAD_MUTEX_INITIALIZER;
ThreadCache* g_live_caches;   // caches of running threads
ThreadCache* g_spare_caches;  // flushed caches of exited threads, for reuse
// Counters of operations without a cache, and of exited threads' caches.
ArenaCounters g_shared_counters;

pthread_key_t g_exit_key;
pthread_once_t g_exit_key_once = PTHREAD_ONCE_INIT;
int g_exit_key_error;

// Capacity per class: 32 blocks for small classes, fewer for big ones, so a
// thread keeps at most about 16 KiB of any class for itself.
uint32_t BinCapacity(unsigned c) {
  uint32_t capacity = static_cast<uint32_t>(16384 / kSmallClassSize[c]);
  if (capacity > kBinCapacity) capacity = kBinCapacity;
  if (capacity < 4) capacity = 4;
  return capacity;
}

void FlushAll(ThreadCache* cache) {
  for (unsigned c = 0; c < kNumSmallClasses; ++c) {
    CacheBin& bin = cache->bins[c];
    ReturnCentralBlocks(c, bin.blocks, bin.count);
    bin.count = 0;
  }
}

void AddInto(ArenaCounters& to, const ArenaCounters& from) {
  AddRelaxed(&to.allocations, LoadRelaxed(&from.allocations));
  AddRelaxed(&to.frees, LoadRelaxed(&from.frees));
  AddRelaxed(&to.bytes_allocated, 
      LoadRelaxed(&from.bytes_allocated));
  AddRelaxed(&to.bytes_freed, LoadRelaxed(&from.bytes_freed));
}

void ResetCounters(ArenaCounters& c) {
  StoreRelaxed(&c.allocations, 0);
  StoreRelaxed(&c.frees, 0);
  StoreRelaxed(&c.bytes_allocated, 0);
  StoreRelaxed(&c.bytes_freed, 0);
}

// Retire flushes `cache`, folds its counters into the shared ones and keeps
// it as a spare. The registry lock must not be held.
void Retire(ThreadCache* cache) {
  FlushAll(cache);
  pthread_mutex_lock(&g_registry_lock);
  AddInto(g_shared_counters, cache->counters);
  ResetCounters(cache->counters);
  if (cache->prev != nullptr) {
    cache->prev->next = cache->next;
  } else {
    g_live_caches = cache->next;
  }
  if (cache->next != nullptr) cache->next->prev = cache->prev;
  cache->prev = nullptr;
  cache->next = g_spare_caches;
  g_spare_caches = cache;
  pthread_mutex_unlock(&g_registry_lock);
}

void OnThreadExit(void* value) {
  ThreadCache* cache = static_cast<ThreadCache*>(value);
  g_thread_cache = nullptr;
  g_cache_phase = kRetired;
  Retire(cache);
}

void CreateExitKey() { g_exit_key_error = pthread_key_create(&g_exit_key, OnThreadExit); }

}  // namespace

int InitThreadCaches() {
  pthread_once(&g_exit_key_once, CreateExitKey);
  return g_exit_key_error;
}

ThreadCache* AttachCache() {
  if (g_cache_phase != kNoCache) return nullptr;
  if (InitThreadCaches() != 0) return nullptr;
  g_cache_phase = kSettingUp;
  pthread_mutex_lock(&g_registry_lock);
  ThreadCache* cache = g_spare_caches;
  if (cache != nullptr) g_spare_caches = cache->next;
  pthread_mutex_unlock(&g_registry_lock);
  if (cache == nullptr) {
    void* p = mmap(nullptr, sizeof(ThreadCache), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      g_cache_phase = kNoCache;  // try again next time
      return nullptr;
    }
    cache = static_cast<ThreadCache*>(p);
    for (unsigned c = 0; c < kNumSmallClasses; ++c) {
      cache->bins[c].capacity = BinCapacity(c);
    }
  }
  pthread_mutex_lock(&g_registry_lock);
  cache->prev = nullptr;
  cache->next = g_live_caches;
  if (g_live_caches != nullptr) g_live_caches->prev = cache;
  g_live_caches = cache;
  pthread_mutex_unlock(&g_registry_lock);
  // May allocate (glibc's second-level key arrays); the phase sends any such
  // allocation to the central lists instead of back here.
  pthread_setspecific(g_exit_key, cache);
  g_thread_cache = cache;
  g_cache_phase = kAttached;
  return cache;
}

void RecordSharedAllocation(uint64_t bytes) {
  AddRelaxed(&g_shared_counters.allocations, 1);
  AddRelaxed(&g_shared_counters.bytes_allocated, bytes);
}

void RecordSharedFree(uint64_t bytes) {
  AddRelaxed(&g_shared_counters.frees, 1);
  AddRelaxed(&g_shared_counters.bytes_freed, bytes);
}

bool RefillBin(CacheBin& bin, unsigned c) {
  bin.count = static_cast<uint32_t>(
      TakeCentralBlocks(c, bin.blocks, bin.capacity / 2));
  return bin.count != 0;
}

void FlushBin(CacheBin& bin, unsigned c) {
  const uint32_t n = bin.capacity / 2;
  ReturnCentralBlocks(c, bin.blocks, n);
  for (uint32_t i = n; i < bin.count; ++i) bin.blocks[i - n] = bin.blocks[i];
  bin.count -= n;
}

CounterTotals SumCounters() {
  CounterTotals t{};
  auto add = [&t](const ArenaCounters& c) {
    t.allocations += LoadRelaxed(&c.allocations);
    t.frees += LoadRelaxed(&c.frees);
    t.bytes_allocated += LoadRelaxed(&c.bytes_allocated);
    t.bytes_freed += LoadRelaxed(&c.bytes_freed);
  };
  pthread_mutex_lock(&g_registry_lock);
  add(g_shared_counters);
  for (ThreadCache* c = g_live_caches; c != nullptr; c = c->next) add(c->counters);
  pthread_mutex_unlock(&g_registry_lock);
  return t;
}

void LockRegistry() { pthread_mutex_lock(&g_registry_lock); }
void UnlockRegistry() { pthread_mutex_unlock(&g_registry_lock); }

void ReclaimOtherCaches() {
  for (;;) {
    pthread_mutex_lock(&g_registry_lock);
    ThreadCache* other = g_live_caches;
    while (other != nullptr && other == g_thread_cache) other = other->next;
    pthread_mutex_unlock(&g_registry_lock);
    if (other == nullptr) return;
    Retire(other);
  }
}

}  // namespace internal
}  // namespace secret
