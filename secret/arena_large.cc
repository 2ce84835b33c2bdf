// arena_large.cc: see arena_large.h.

#include "secret/arena_large.h"

#include <errno.h>
#include <pthread.h>

#include "secret/arena.h"
#include "secret/arena_layout.h"
#include "secret/arena_region.h"

namespace secret {
namespace internal {
namespace {

// Run sizes are rounded to classes of at most 12.5% waste: exact page counts
// up to 16 pages, then eight classes per doubling.
constexpr unsigned kLargeClasses = 16 + 8 * 48;

pthread_mutex_t g_large_lock = PTHREAD_MUTEX_INITIALIZER;
uint32_t g_free_runs[kLargeClasses];  // slot index + 1 of the first kept run

// kRunFreeing marks a run between the check of a free and the end of its
// zeroing, so that a concurrent second free of it is still caught.
constexpr uint8_t kRunFree = 0, kRunLive = 1, kRunFreeing = 2;

// LargeClass rounds `pages` up to its class; returns the class index and
// stores the rounded page count in `*rounded`.
unsigned LargeClass(size_t pages, size_t* rounded) {
  if (pages <= 16) {
    *rounded = pages;
    return static_cast<unsigned>(pages - 1);
  }
  const unsigned e = 63 - static_cast<unsigned>(__builtin_clzll(pages - 1));
  const unsigned shift = e - 3;
  const size_t step = size_t{1} << shift;
  *rounded = (pages + step - 1) & ~(step - 1);
  const unsigned eighth = static_cast<unsigned>(((pages - 1) >> shift) & 7);
  return 16 + (e - 4) * 8 + eighth;
}

// HeadOf returns the head slot of the large run containing `slot`, or -1.
int64_t HeadOf(uint32_t slot) {
  if (!IsCarvedSlot(slot)) return -1;
  const SlotMeta& m = g_region.meta[slot];
  if (m.kind == kSlotLargeHead) return slot;
  if (m.kind == kSlotLargeTail) return m.head;
  return -1;
}

}  // namespace

void* AllocateLarge(size_t size, size_t alignment, size_t* usable) {
  const size_t page = g_region.page;
  const size_t limit = LoadRelaxed(&g_region.size) / 2;
  // The run starts on a slot boundary, so only alignments above a slot need
  // extra room.
  const size_t extra = alignment > kSlotSize ? alignment - kSlotSize : 0;
  if (size > limit || extra > limit - size) {
    errno = ENOMEM;
    return nullptr;
  }
  size_t pages = 0;
  const unsigned c = LargeClass((size + extra + page - 1) / page, &pages);
  const size_t run_bytes = pages * page;
  const uint32_t slots =
      static_cast<uint32_t>((run_bytes + page + kSlotSize - 1) >> kSlotShift);

  pthread_mutex_lock(&g_large_lock);
  int64_t head = -1;
  if (g_free_runs[c] != 0) {
    head = g_free_runs[c] - 1;
    g_free_runs[c] = g_region.meta[head].next;
    g_region.meta[head].next = 0;
  } else {
    head = CarveLargeRun(slots, run_bytes);
    if (head >= 0) {
      SlotMeta& m = g_region.meta[head];
      m.slots = slots;
      m.run_bytes = run_bytes;
      m.large_class = c;
      for (uint32_t s = 1; s < slots; ++s) {
        g_region.meta[head + s].head = static_cast<uint32_t>(head);
        g_region.meta[head + s].kind = kSlotLargeTail;
      }
      m.kind = kSlotLargeHead;
    }
  }
  if (head < 0) {
    pthread_mutex_unlock(&g_large_lock);
    errno = ENOMEM;
    return nullptr;
  }
  SlotMeta& m = g_region.meta[head];
  const uintptr_t start = SlotAddress(static_cast<uint32_t>(head));
  const uintptr_t block = (start + alignment - 1) & ~(uintptr_t{alignment} - 1);
  m.user_offset = block - start;
  m.live = kRunLive;
  *usable = m.run_bytes - m.user_offset;
  pthread_mutex_unlock(&g_large_lock);
  return reinterpret_cast<void*>(block);
}

size_t FreeLarge(uintptr_t p, uint32_t slot, const char* caller) {
  pthread_mutex_lock(&g_large_lock);
  const int64_t head = HeadOf(slot);
  SlotMeta* m = head < 0 ? nullptr : &g_region.meta[head];
  if (m == nullptr || m->live != kRunLive ||
      p != SlotAddress(static_cast<uint32_t>(head)) + m->user_offset) {
    const bool twice = m != nullptr && m->live != kRunLive &&
                       p == SlotAddress(static_cast<uint32_t>(head)) + m->user_offset;
    pthread_mutex_unlock(&g_large_lock);
    ArenaAbort(caller, reinterpret_cast<void*>(p),
               twice ? "double free of a secret arena block"
                     : "not the start of a live secret arena block");
  }
  m->live = kRunFreeing;
  const size_t run_bytes = m->run_bytes;
  const size_t usable = run_bytes - m->user_offset;
  pthread_mutex_unlock(&g_large_lock);

  // Zeroed outside the lock: a large run can take a while.
  ZeroBlock(reinterpret_cast<void*>(SlotAddress(static_cast<uint32_t>(head))),
            run_bytes);

  pthread_mutex_lock(&g_large_lock);
  m->live = kRunFree;
  m->next = g_free_runs[m->large_class];
  g_free_runs[m->large_class] = static_cast<uint32_t>(head) + 1;
  pthread_mutex_unlock(&g_large_lock);
  return usable;
}

size_t LargeUsableSize(uintptr_t p, uint32_t slot, const char* caller) {
  pthread_mutex_lock(&g_large_lock);
  const int64_t head = HeadOf(slot);
  const SlotMeta* m = head < 0 ? nullptr : &g_region.meta[head];
  const bool ok = m != nullptr && m->live == kRunLive &&
                  p == SlotAddress(static_cast<uint32_t>(head)) + m->user_offset;
  const size_t usable = ok ? m->run_bytes - m->user_offset : 0;
  pthread_mutex_unlock(&g_large_lock);
  if (!ok) {
    ArenaAbort(caller, reinterpret_cast<void*>(p),
               "not the start of a live secret arena block");
  }
  return usable;
}

void LockLarge() { pthread_mutex_lock(&g_large_lock); }
void UnlockLarge() { pthread_mutex_unlock(&g_large_lock); }

}  // namespace internal
}  // namespace secret
