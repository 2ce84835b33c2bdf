// arena_small.cc: see arena_small.h.

#include "secret/arena_small.h"

#include <pthread.h>

#include "secret/arena_region.h"

namespace secret {
namespace internal {
namespace {

// CentralClass lists the spans of one size class that have central free
// blocks, as a doubly linked list through SlotMeta::next/prev.
struct CentralClass {
  pthread_mutex_t lock;
  uint32_t partial;  // slot index + 1, 0 when empty
};

CentralClass g_central[kNumSmallClasses] = {
#define SECRETMODE_CENTRAL_INIT {PTHREAD_MUTEX_INITIALIZER, 0}
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
    SECRETMODE_CENTRAL_INIT, SECRETMODE_CENTRAL_INIT,
#undef SECRETMODE_CENTRAL_INIT
};
static_assert(kNumSmallClasses == 32, "one initializer per class above");

void LinkPartial(CentralClass& central, uint32_t slot) {
  SlotMeta& m = g_region.meta[slot];
  m.prev = 0;
  m.next = central.partial;
  if (central.partial != 0) g_region.meta[central.partial - 1].prev = slot + 1;
  central.partial = slot + 1;
  m.on_partial_list = 1;
}

void UnlinkPartial(CentralClass& central, uint32_t slot) {
  SlotMeta& m = g_region.meta[slot];
  if (m.prev != 0) {
    g_region.meta[m.prev - 1].next = m.next;
  } else {
    central.partial = m.next;
  }
  if (m.next != 0) g_region.meta[m.next - 1].prev = m.prev;
  m.next = m.prev = 0;
  m.on_partial_list = 0;
}

// NewSpan carves a span for class `c` and lists it. Returns false when full.
bool NewSpan(CentralClass& central, unsigned c) {
  const int64_t slot = CarveSmallSpan();
  if (slot < 0) return false;
  SlotMeta& m = g_region.meta[slot];
  m.size_class = static_cast<uint8_t>(c);
  m.blocks = static_cast<uint32_t>(kSlotSize / kSmallClassSize[c]);
  m.central_free = m.blocks;
  // Blocks that do not exist count as taken, so a bitmap scan skips them.
  for (uint32_t b = m.blocks; b < kMaxBlocksPerSpan; ++b) {
    m.taken[b / 64] |= uint64_t{1} << (b % 64);
  }
  m.kind = kSlotSmall;
  LinkPartial(central, static_cast<uint32_t>(slot));
  return true;
}

// MissingBlocks returns the bits of word `w` that stand for no block (past
// the end of the span); they are always set in `taken`.
uint64_t MissingBlocks(const SlotMeta& m, uint32_t w) {
  const uint32_t first = w * 64;
  if (first + 64 <= m.blocks) return 0;
  return ~uint64_t{0} << (m.blocks - first);
}

// PickWord returns the bitmap word to take blocks from: preferably one none
// of whose blocks is out, so that each refill gets a run of neighbours no
// other thread holds (their state bytes share cache lines), else any word
// with a free block, else -1.
int PickWord(const SlotMeta& m) {
  const uint32_t words = (m.blocks + 63) / 64;
  int partial = -1;
  for (uint32_t w = 0; w < words; ++w) {
    const uint64_t missing = MissingBlocks(m, w);
    if (m.taken[w] == missing && missing != ~uint64_t{0}) return static_cast<int>(w);
    if (partial < 0 && m.taken[w] != ~uint64_t{0}) partial = static_cast<int>(w);
  }
  return partial;
}

}  // namespace

size_t TakeCentralBlocks(unsigned c, void** out, size_t want) {
  CentralClass& central = g_central[c];
  const size_t size = kSmallClassSize[c];
  size_t n = 0;
  pthread_mutex_lock(&central.lock);
  while (n < want) {
    if (central.partial == 0 && !NewSpan(central, c)) break;
    const uint32_t slot = central.partial - 1;
    SlotMeta& m = g_region.meta[slot];
    const uintptr_t start = SlotAddress(slot);
    const int w = PickWord(m);
    uint64_t available = ~m.taken[w];
    while (available != 0 && n < want) {
      const unsigned bit = static_cast<unsigned>(__builtin_ctzll(available));
      available &= available - 1;
      m.taken[w] |= uint64_t{1} << bit;
      --m.central_free;
      out[n++] = reinterpret_cast<void*>(start + (size_t{static_cast<uint32_t>(w)} * 64 + bit) * size);
    }
    if (m.central_free == 0) UnlinkPartial(central, slot);
  }
  pthread_mutex_unlock(&central.lock);
  return n;
}

void ReturnCentralBlocks(unsigned c, void* const* blocks, size_t n) {
  CentralClass& central = g_central[c];
  pthread_mutex_lock(&central.lock);
  for (size_t i = 0; i < n; ++i) {
    const uintptr_t p = reinterpret_cast<uintptr_t>(blocks[i]);
    const uint32_t slot = SlotOf(p);
    SlotMeta& m = g_region.meta[slot];
    const size_t b = ((p & (kSlotSize - 1)) * BlockIndexMultiplier(c)) >> 32;
    m.taken[b / 64] &= ~(uint64_t{1} << (b % 64));
    ++m.central_free;
    if (!m.on_partial_list) LinkPartial(central, slot);
    // A span with every block free is all zero; give it back for any class,
    // unless it is the class's only span (keeps a batch from bouncing).
    if (m.central_free == m.blocks &&
        !(central.partial == slot + 1 && m.next == 0)) {
      UnlinkPartial(central, slot);
      __builtin_memset(static_cast<void*>(&m), 0,
                       offsetof(SlotMeta, state));  // states are all free (0)
      RecycleSmallSpan(slot);
    }
  }
  pthread_mutex_unlock(&central.lock);
}

void LockAllClasses() {
  for (CentralClass& central : g_central) pthread_mutex_lock(&central.lock);
}

void UnlockAllClasses() {
  for (CentralClass& central : g_central) pthread_mutex_unlock(&central.lock);
}

}  // namespace internal
}  // namespace secret
