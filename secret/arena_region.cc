// arena_region.cc: see arena_region.h.

#include "secret/arena_region.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "secret/config.h"

namespace secret {
namespace internal {

ArenaRegion g_region = {
    /*base=*/{0},
    /*size=*/{0},
    /*page=*/0,
    /*slot_count=*/0,
    /*meta=*/nullptr,
    /*small_next=*/{0},
    /*large_low=*/{0},
    /*small_committed=*/0,
    /*empty_spans=*/0,
    /*meta_committed_low=*/0,
    /*meta_committed_high=*/0,
    /*bytes_committed=*/0,
    /*lock_wanted=*/false,
    /*dontdump=*/false,
    /*locked=*/false,
    /*lock_error=*/0,
    /*lock=*/PTHREAD_MUTEX_INITIALIZER,
};

namespace {

// Small spans are committed this many slots (1 MiB) at a time, so that
// mprotect and mlock run once per 16 spans.
constexpr uint32_t kSmallCommitSlots = 16;

pthread_mutex_t g_init_lock = PTHREAD_MUTEX_INITIALIZER;

size_t RoundUp(size_t x, size_t align) { return (x + align - 1) & ~(align - 1); }
size_t RoundDown(size_t x, size_t align) { return x & ~(align - 1); }

// Reserve maps `len` bytes of PROT_NONE address space, aligned to `align`.
uintptr_t Reserve(size_t len, size_t align) {
  void* p = mmap(nullptr, len + align, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return 0;
  const uintptr_t raw = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = RoundUp(raw, align);
  if (aligned > raw) munmap(p, aligned - raw);
  const uintptr_t tail = aligned + len;
  if (raw + len + align > tail) {
    munmap(reinterpret_cast<void*>(tail), raw + len + align - tail);
  }
  return aligned;
}

// LockCommitted mlocks newly committed memory, once per growth. It calls the
// kernel directly: sanitizer runtimes intercept mlock() and report success
// without locking. The first refusal turns locking off for good (it would
// be refused again) and is reported through secret_get_arena_stats.
void LockCommitted(uintptr_t p, size_t len) {
  if (!g_region.lock_wanted) return;
  if (syscall(SYS_mlock, p, len) != 0) {
    g_region.lock_error = errno;
    g_region.lock_wanted = false;
    g_region.locked = false;
  }
}

// Commit makes [p, p + len) of the region read-write and locks it.
bool Commit(uintptr_t p, size_t len) {
  if (mprotect(reinterpret_cast<void*>(p), len, PROT_READ | PROT_WRITE) != 0) {
    return false;
  }
  LockCommitted(p, len);
  g_region.bytes_committed += len;
  return true;
}

// CommitMetaLow makes the metadata of slots [0, slot] read-write.
bool CommitMetaLow(uint32_t slot) {
  const size_t want = RoundUp((size_t{slot} + 1) * sizeof(SlotMeta), g_region.page);
  if (want <= g_region.meta_committed_low) return true;
  const uintptr_t meta = reinterpret_cast<uintptr_t>(g_region.meta);
  if (mprotect(reinterpret_cast<void*>(meta + g_region.meta_committed_low),
               want - g_region.meta_committed_low,
               PROT_READ | PROT_WRITE) != 0) {
    return false;
  }
  g_region.meta_committed_low = want;
  return true;
}

// CommitMetaHigh makes the metadata of slots [slot, slot_count) read-write.
bool CommitMetaHigh(uint32_t slot) {
  const size_t want = RoundDown(size_t{slot} * sizeof(SlotMeta), g_region.page);
  if (want >= g_region.meta_committed_high) return true;
  const uintptr_t meta = reinterpret_cast<uintptr_t>(g_region.meta);
  if (mprotect(reinterpret_cast<void*>(meta + want),
               g_region.meta_committed_high - want,
               PROT_READ | PROT_WRITE) != 0) {
    return false;
  }
  g_region.meta_committed_high = want;
  return true;
}

}  // namespace

int InitRegion() {
  if (LoadAcquire(&g_region.size) != 0) return 0;
  pthread_mutex_lock(&g_init_lock);
  int err = 0;
  if (LoadAcquire(&g_region.size) == 0) {
    const secret_config config = CurrentConfig();
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t size = RoundDown(config.arena_size, kSlotSize);
    const uint32_t slots = static_cast<uint32_t>(size >> kSlotShift);
    const size_t meta_bytes = RoundUp(size_t{slots} * sizeof(SlotMeta), page);
    const uintptr_t base = Reserve(size, kSlotSize);
    const uintptr_t meta = base == 0 ? 0 : Reserve(meta_bytes, page);
    if (base == 0 || meta == 0) {
      if (base != 0) munmap(reinterpret_cast<void*>(base), size);
      err = ENOMEM;
    } else {
      // Advice given once to the whole reservation is inherited by every
      // part committed later, and keeps neighbouring mappings mergeable.
      if (config.exclude_from_core_dumps) {
        madvise(reinterpret_cast<void*>(base), size, MADV_DONTDUMP);
      }
      // The metadata holds no secrets but is reserved at 7% of the arena:
      // a debugger's dump would write all of it.
      madvise(reinterpret_cast<void*>(meta), meta_bytes, MADV_DONTDUMP);
      g_region.page = page;
      g_region.slot_count = slots;
      g_region.meta = reinterpret_cast<SlotMeta*>(meta);
      StoreRelaxed(&g_region.large_low, slots);
      g_region.meta_committed_high = meta_bytes;
      g_region.lock_wanted = config.lock_memory != 0;
      g_region.locked = config.lock_memory != 0;
      g_region.dontdump = config.exclude_from_core_dumps != 0;
      StoreRelaxed(&g_region.base, base);
      StoreRelease(&g_region.size, size);
    }
  }
  pthread_mutex_unlock(&g_init_lock);
  return err;
}

int64_t CarveSmallSpan() {
  pthread_mutex_lock(&g_region.lock);
  int64_t slot = -1;
  if (g_region.empty_spans != 0) {
    slot = g_region.empty_spans - 1;
    SlotMeta& m = g_region.meta[slot];
    g_region.empty_spans = m.next;
    m.next = 0;
  } else {
    const uint32_t next = LoadRelaxed(&g_region.small_next);
    const uint32_t low = LoadRelaxed(&g_region.large_low);
    if (next < low && CommitMetaLow(next)) {
      bool ready = next < g_region.small_committed;
      if (!ready) {
        uint32_t n = low - g_region.small_committed;
        if (n > kSmallCommitSlots) n = kSmallCommitSlots;
        ready = Commit(SlotAddress(g_region.small_committed), size_t{n} << kSlotShift);
        if (ready) g_region.small_committed += n;
      }
      if (ready) {
        slot = next;
        StoreRelease(&g_region.small_next, next + 1);
      }
    }
  }
  pthread_mutex_unlock(&g_region.lock);
  return slot;
}

void RecycleSmallSpan(uint32_t slot) {
  pthread_mutex_lock(&g_region.lock);
  g_region.meta[slot].next = g_region.empty_spans;
  g_region.empty_spans = slot + 1;
  pthread_mutex_unlock(&g_region.lock);
}

int64_t CarveLargeRun(uint32_t slots, size_t run_bytes) {
  pthread_mutex_lock(&g_region.lock);
  int64_t first = -1;
  const uint32_t low = LoadRelaxed(&g_region.large_low);
  // Committed small chunks are read-write and cannot serve as guards.
  if (low >= g_region.small_committed &&
      low - g_region.small_committed >= slots) {
    const uint32_t slot = low - slots;
    if (CommitMetaHigh(slot) && Commit(SlotAddress(slot), run_bytes)) {
      first = slot;
      StoreRelease(&g_region.large_low, slot);
    }
  }
  pthread_mutex_unlock(&g_region.lock);
  return first;
}

bool IsCarvedSlot(uint32_t slot) {
  return slot < LoadAcquire(&g_region.small_next) ||
         (slot >= LoadAcquire(&g_region.large_low) &&
          slot < g_region.slot_count);
}

void LockRegion() { pthread_mutex_lock(&g_region.lock); }
void UnlockRegion() { pthread_mutex_unlock(&g_region.lock); }

}  // namespace internal
}  // namespace secret
