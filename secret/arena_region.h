// arena_region.h: reservation and growth of the secret arena's region.
// Growth (commit, MADV_DONTDUMP, mlock) happens a chunk or a run at a time,
// never per allocation.

#ifndef SECRETMODE_SECRET_ARENA_REGION_H_
#define SECRETMODE_SECRET_ARENA_REGION_H_

#include <stddef.h>
#include <stdint.h>

#include "secret/arena_layout.h"

namespace secret {
namespace internal {

// InitRegion reserves the region and its metadata on first call. Returns 0,
// or an errno (ENOMEM when the address space cannot be reserved). Thread-safe.
int InitRegion();

// CarveSmallSpan returns the slot of a read-write, all-zero span for small
// blocks with its SlotMeta zeroed, or -1 when the region is full. Takes the
// region lock.
int64_t CarveSmallSpan();

// RecycleSmallSpan gives a span whose blocks are all free (and therefore all
// zero) back for reuse by any size class. The caller has reset its SlotMeta
// to zero. Takes the region lock.
void RecycleSmallSpan(uint32_t slot);

// CarveLargeRun carves `slots` slots from the top of the region, makes the
// first `run_bytes` of them read-write (the rest stays PROT_NONE: the guard)
// and returns the first slot, or -1 when the region is full or the kernel
// refuses. Takes the region lock.
int64_t CarveLargeRun(uint32_t slots, size_t run_bytes);

// IsCarvedSlot is true when `slot` belongs to a span or a run, so its
// SlotMeta is readable.
bool IsCarvedSlot(uint32_t slot);

// LockRegion and UnlockRegion take and release the region lock around fork.
void LockRegion();
void UnlockRegion();

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_ARENA_REGION_H_
