// arena_small.h: the central lists of small blocks, one per size class.
//
// A block is in exactly one place: handed out (state kBlockAllocated), in a
// thread cache, or in its span's central bitmap. Thread caches move blocks
// to and from the central lists in batches, under the class's lock.

#ifndef SECRETMODE_SECRET_ARENA_SMALL_H_
#define SECRETMODE_SECRET_ARENA_SMALL_H_

#include <stddef.h>
#include <stdint.h>

#include "secret/arena_layout.h"

namespace secret {
namespace internal {

// TakeCentralBlocks moves up to `want` free blocks of class `c` into `out`,
// carving a new span when the class has none, and returns how many it moved
// (0 when the region is full). The blocks are zero and in state kBlockFree.
size_t TakeCentralBlocks(unsigned c, void** out, size_t want);

// ReturnCentralBlocks puts `n` free, zeroed blocks of class `c` back.
void ReturnCentralBlocks(unsigned c, void* const* blocks, size_t n);

// LockAllClasses and UnlockAllClasses take every class lock (in class order)
// around fork.
void LockAllClasses();
void UnlockAllClasses();

// SmallBlockIndex returns the index of the block starting at `p` in its span
// described by `m`, or -1 when `p` is not the start of a block.
static inline int64_t SmallBlockIndex(const SlotMeta& m, uintptr_t p) {
  const uint64_t offset = p & (kSlotSize - 1);
  const uint64_t index = (offset * BlockIndexMultiplier(m.size_class)) >> 32;
  if (index * kSmallClassSize[m.size_class] != offset || index >= m.blocks) {
    return -1;
  }
  return static_cast<int64_t>(index);
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_ARENA_SMALL_H_
