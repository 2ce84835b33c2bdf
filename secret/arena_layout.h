// arena_layout.h: how the secret arena divides its region, shared by the
// parts of the allocator (region, small spans, large runs, thread caches).
//
// The region is one reservation of `secret_config.arena_size` bytes, cut into
// 64 KiB slots. Small-block spans (one slot each, one size class) are carved
// from the bottom up, large page runs from the top down; the arena is full
// when the two meet. Every slot has a SlotMeta in a separate reservation, so
// no allocator state lives next to user data.

#ifndef SECRETMODE_SECRET_ARENA_LAYOUT_H_
#define SECRETMODE_SECRET_ARENA_LAYOUT_H_

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <utility>

#include "secret/atomic_ops.h"

namespace secret {
namespace internal {

// Functions defined in the allocator's headers are `static inline`: each
// file gets its own copy, compiled with its own (uninstrumented) flags; see
// atomic_ops.h.

constexpr unsigned kSlotShift = 16;
constexpr size_t kSlotSize = size_t{1} << kSlotShift;

// Small size classes: 16-byte granularity up to 128, then four classes per
// doubling up to 8 KiB (at most 25% internal waste above 128 bytes). Every
// size is a multiple of 16, so every small block is 16-byte aligned.
constexpr unsigned kNumSmallClasses = 32;
constexpr uint32_t kSmallClassSize[kNumSmallClasses] = {
    16,   32,   48,   64,   80,   96,   112,  128,  160,  192,  224,
    256,  320,  384,  448,  512,  640,  768,  896,  1024, 1280, 1536,
    1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192};
constexpr size_t kMaxSmallSize = 8192;
constexpr uint32_t kMaxBlocksPerSpan = kSlotSize / 16;

// SmallClassFor returns the smallest class holding `size` bytes
// (1 <= size <= kMaxSmallSize).
static inline unsigned SmallClassFor(size_t size) {
  if (size <= 128) return static_cast<unsigned>((size + 15) / 16) - 1;
  // Four classes per doubling: (size-1) in [2^e, 2^(e+1)) maps to the
  // quarter it falls in.
  const unsigned e = 63 - static_cast<unsigned>(__builtin_clzll(size - 1));
  const unsigned quarter =
      static_cast<unsigned>(((size - 1) >> (e - 2)) & 3);
  return 8 + (e - 7) * 4 + quarter;
}

// StateShift(c) spreads the per-block state bytes of classes with few
// blocks per span over the whole state array (index << shift), so that the
// blocks two threads cache, which come in batches of neighbours, do not
// share a cache line of states: writes to it would bounce between cores.
constexpr unsigned ComputeStateShift(uint32_t size) {
  const uint32_t blocks = static_cast<uint32_t>(kSlotSize / size);
  unsigned shift = 0;
  while ((blocks << (shift + 1)) <= kMaxBlocksPerSpan && shift < 6) ++shift;
  return shift;
}

// ComputeMultiplier(size) is ceil(2^32 / size), so that offset * multiplier
// >> 32 is offset / size exactly for every offset below kSlotSize.
constexpr uint64_t ComputeMultiplier(uint32_t size) {
  return ((uint64_t{1} << 32) + size - 1) / size;
}
// ClassConstants are the per-class values the hot paths look up, computed
// at compile time so that no division runs per call.
struct ClassConstants {
  uint64_t multiplier;   // ComputeMultiplier(size)
  uint8_t state_shift;   // ComputeStateShift(size)
};
// A plain array in a struct, not std::array: the allocator avoids calling
// library templates (see atomic_ops.h).
struct ClassConstantsTable {
  ClassConstants of[kNumSmallClasses];
};
template <size_t... I>
constexpr ClassConstantsTable MakeClassConstants(std::index_sequence<I...>) {
  return {{{ComputeMultiplier(kSmallClassSize[I]),
            static_cast<uint8_t>(ComputeStateShift(kSmallClassSize[I]))}...}};
}
constexpr ClassConstantsTable kClassConstants =
    MakeClassConstants(std::make_index_sequence<kNumSmallClasses>());

static inline unsigned StateShift(unsigned c) { return kClassConstants.of[c].state_shift; }
static inline uint64_t BlockIndexMultiplier(unsigned c) { return kClassConstants.of[c].multiplier; }

enum SlotKind : uint8_t {
  kSlotUnused = 0,     // never carved, or an empty span kept for reuse
  kSlotSmall = 1,      // a span of one small size class
  kSlotLargeHead = 2,  // first slot of a large run
  kSlotLargeTail = 3,  // later slots of a large run (and its guard)
};

enum BlockState : uint8_t {
  kBlockFree = 0,       // in the central lists or a thread cache; all zero
  kBlockAllocated = 1,  // handed out and not yet freed
};

// SlotMeta describes one 64 KiB slot. Small-span fields other than `state`
// are guarded by the size class's central lock; large-run fields by the
// large-run lock. `state` is written without locks by whichever thread
// allocates or frees the block (the program orders those two).
struct SlotMeta {
  uint8_t kind;
  uint8_t size_class;        // small
  uint8_t on_partial_list;   // small: listed as having central free blocks
  uint8_t live;              // large head: the run is allocated
  uint32_t next;             // list link: slot index + 1, 0 ends the list
  uint32_t prev;             // partial list back link: slot index + 1
  uint32_t head;             // large tail: slot index of its head
  uint32_t central_free;     // small: blocks free and not in any thread cache
  uint32_t blocks;           // small: blocks in the span
  uint32_t slots;            // large head: slots the run and its guard span
  uint32_t large_class;      // large head: its free-list class
  size_t run_bytes;          // large head: committed (usable) bytes of the run
  size_t user_offset;        // large head: the block's start within the run
  uint64_t taken[kMaxBlocksPerSpan / 64];  // small: 1 = not in central lists
  uint8_t state[kMaxBlocksPerSpan];  // small: BlockState
};

// ArenaRegion is the arena's address space and growth state.
struct ArenaRegion {
  // `base` is stored before `size` (release), and readers load `size` first
  // (acquire): a reader that sees a non-zero size sees the base with it.
  uintptr_t base;
  size_t size;     // 0 until the arena is first used
  size_t page;
  uint32_t slot_count;
  SlotMeta* meta;               // slot_count entries, committed on demand
  // Written under `lock`; read without it to validate pointers.
  uint32_t small_next;  // slots [0, small_next) are carved for spans
  uint32_t large_low;   // slots [large_low, slot_count) are carved for runs
  // Guarded by `lock`:
  uint32_t small_committed;     // slots [0, small_committed) are read-write
  uint32_t empty_spans;         // list of recycled small spans (index + 1)
  size_t meta_committed_low;    // meta bytes [0, low) are read-write
  size_t meta_committed_high;   // meta bytes [high, total) are read-write
  size_t bytes_committed;
  bool lock_wanted;
  bool dontdump;
  bool locked;                  // every committed page so far is mlocked
  int lock_error;
  pthread_mutex_t lock;
};
extern ArenaRegion g_region;

// InArena is true when `p` lies in the reserved region. Async-signal-safe.
static inline bool InArena(const void* p) {
  const size_t size = LoadAcquire(&g_region.size);
  const uintptr_t base = LoadRelaxed(&g_region.base);
  return reinterpret_cast<uintptr_t>(p) - base < size;
}

static inline uint32_t SlotOf(uintptr_t a) {
  return static_cast<uint32_t>((a - LoadRelaxed(&g_region.base)) >> kSlotShift);
}

static inline uintptr_t SlotAddress(uint32_t slot) {
  return LoadRelaxed(&g_region.base) +
         (uintptr_t{slot} << kSlotShift);
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_ARENA_LAYOUT_H_
