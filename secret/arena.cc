// arena.cc: allocation and free across small spans and large runs; see
// arena.h. The fast path (a thread cache hit) takes no lock and makes no
// system call.

#include "secret/arena.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret/arena_large.h"
#include "secret/arena_region.h"
#include "secret/arena_small.h"
#include "secret/thread_cache.h"

namespace secret {
namespace internal {
namespace {

// SmallClassForAligned returns the smallest class that holds `size` bytes
// at `alignment`, or -1 when a large run is needed. Span starts are 64 KiB
// aligned, so a class whose size is a multiple of `alignment` aligns every
// block.
int SmallClassForAligned(size_t size, size_t alignment) {
  if (size > kMaxSmallSize) return -1;
  unsigned c = SmallClassFor(size == 0 ? 1 : size);
  // Every class is a multiple of 16; `alignment` is a power of two.
  while (c < kNumSmallClasses && (kSmallClassSize[c] & (alignment - 1)) != 0) ++c;
  return c < kNumSmallClasses ? static_cast<int>(c) : -1;
}

void* AllocateSmall(unsigned c) {
  const uint32_t size = kSmallClassSize[c];
  ThreadCache* cache = CurrentCache();
  void* p = nullptr;
  if (__builtin_expect(cache != nullptr, 1)) {
    CacheBin& bin = cache->bins[c];
    if (__builtin_expect(bin.count == 0, 0) && !RefillBin(bin, c)) {
      errno = ENOMEM;
      return nullptr;
    }
    p = bin.blocks[--bin.count];
    Bump(cache->counters.allocations, cache->counters.bytes_allocated, size);
  } else {
    if (TakeCentralBlocks(c, &p, 1) == 0) {
      errno = ENOMEM;
      return nullptr;
    }
    RecordSharedAllocation(size);
  }
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  SlotMeta& m = g_region.meta[SlotOf(a)];
  const uint64_t index = ((a & (kSlotSize - 1)) * BlockIndexMultiplier(c)) >> 32;
  StoreRelaxed(&m.state[index << StateShift(c)], kBlockAllocated);
  return p;
}

void FreeSmall(uintptr_t p, SlotMeta& m, const char* caller) {
  const int64_t index = SmallBlockIndex(m, p);
  if (index < 0) {
    ArenaAbort(caller, reinterpret_cast<void*>(p),
               "not the start of a secret arena block");
  }
  // The exchange makes two racing frees of one block fail loudly too.
  if (ExchangeRelaxed(&m.state[index << StateShift(m.size_class)], kBlockFree) !=
      kBlockAllocated) {
    ArenaAbort(caller, reinterpret_cast<void*>(p),
               "double free of a secret arena block (or a block never "
               "allocated)");
  }
  const unsigned c = m.size_class;
  const uint32_t size = kSmallClassSize[c];
  ZeroBlock(reinterpret_cast<void*>(p), size);
  ThreadCache* cache = CurrentCache();
  if (__builtin_expect(cache != nullptr, 1)) {
    CacheBin& bin = cache->bins[c];
    if (__builtin_expect(bin.count == bin.capacity, 0)) FlushBin(bin, c);
    bin.blocks[bin.count++] = reinterpret_cast<void*>(p);
    Bump(cache->counters.frees, cache->counters.bytes_freed, size);
  } else {
    void* block = reinterpret_cast<void*>(p);
    ReturnCentralBlocks(c, &block, 1);
    RecordSharedFree(size);
  }
}

// MetaFor returns the SlotMeta of the slot holding `p`, or aborts naming
// `caller` when no span or run was ever carved there.
SlotMeta& MetaFor(uintptr_t p, uint32_t* slot, const char* caller) {
  *slot = SlotOf(p);
  if (!IsCarvedSlot(*slot)) {
    ArenaAbort(caller, reinterpret_cast<void*>(p),
               "inside the secret arena but not a live block");
  }
  return g_region.meta[*slot];
}

// Message builds a line in a fixed buffer, without allocating.
class Message {
 public:
  void Text(const char* text) {
    while (*text != '\0' && length_ < sizeof buffer_ - 1) buffer_[length_++] = *text++;
  }
  void Hex(uintptr_t v) {
    char digits[19] = "0x";
    int n = 2;
    for (int shift = 60; shift >= 0; shift -= 4) {
      const unsigned nibble = (v >> shift) & 15;
      if (nibble != 0 || n > 2 || shift == 0) digits[n++] = "0123456789abcdef"[nibble];
    }
    digits[n] = '\0';
    Text(digits);
  }
  void WriteToStderr() {
    buffer_[length_++] = '\n';
    ssize_t unused = write(STDERR_FILENO, buffer_, length_);
    (void)unused;
  }

 private:
  char buffer_[256];
  size_t length_ = 0;
};

}  // namespace

void ArenaAbort(const char* caller, const void* p, const char* why) {
  Message message;
  message.Text("secretmode: ");
  message.Text(caller);
  message.Text("(");
  message.Hex(reinterpret_cast<uintptr_t>(p));
  message.Text("): ");
  message.Text(why);
  message.WriteToStderr();
  abort();
}

int EnsureArena() {
  const int err = InitRegion();
  if (err != 0) return err;
  return InitThreadCaches();
}

void* ArenaAllocate(size_t size, size_t alignment) {
  if (__builtin_expect(LoadAcquire(&g_region.size) == 0, 0)) {
    const int err = EnsureArena();
    if (err != 0) {
      errno = err;
      return nullptr;
    }
  }
  if (alignment < 16) alignment = 16;
  const int c = SmallClassForAligned(size, alignment);
  if (c >= 0) return AllocateSmall(static_cast<unsigned>(c));
  size_t usable = 0;
  void* p = AllocateLarge(size, alignment, &usable);
  if (p != nullptr) RecordSharedAllocation(usable);
  return p;
}

void ArenaFree(void* ptr, const char* caller) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  uint32_t slot = 0;
  SlotMeta& m = MetaFor(p, &slot, caller);
  if (__builtin_expect(m.kind == kSlotSmall, 1)) {
    FreeSmall(p, m, caller);
    return;
  }
  RecordSharedFree(FreeLarge(p, slot, caller));
}

size_t ArenaUsableSize(const void* ptr, const char* caller) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  uint32_t slot = 0;
  SlotMeta& m = MetaFor(p, &slot, caller);
  if (m.kind == kSlotSmall) {
    const int64_t index = SmallBlockIndex(m, p);
    if (index < 0 ||
        LoadRelaxed(&m.state[index << StateShift(m.size_class)]) !=
            kBlockAllocated) {
      ArenaAbort(caller, ptr, "not the start of a live secret arena block");
    }
    return kSmallClassSize[m.size_class];
  }
  return LargeUsableSize(p, slot, caller);
}

void* ArenaReallocate(void* ptr, size_t size, const char* caller) {
  const size_t usable = ArenaUsableSize(ptr, caller);
  // Shrinking in place keeps the tail's old bytes inside the block, where
  // the free that ends it zeroes them.
  if (size <= usable && size >= usable / 2) return ptr;
  void* moved = ArenaAllocate(size, 16);
  if (moved == nullptr) return nullptr;
  memcpy(moved, ptr, size < usable ? size : usable);
  ArenaFree(ptr, caller);
  return moved;
}

}  // namespace internal
}  // namespace secret
