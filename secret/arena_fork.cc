// arena_fork.cc: keeps the arena consistent across fork. The arena is not
// wiped in the child (forking servers use blocks made in the parent), so its
// locks must not be held by a thread that does not exist in the child, and
// blocks cached by such threads go back to the central lists.

#include <pthread.h>

#include "secret/arena_large.h"
#include "secret/arena_region.h"
#include "secret/arena_small.h"
#include "secret/thread_cache.h"

namespace secret {
namespace internal {
namespace {

// The order is the allocator's lock order: class locks, then the large-run
// lock, then the region lock (both are taken under a class or large lock
// when a span or run is carved), then the registry.
void LockAll() {
  LockAllClasses();
  LockLarge();
  LockRegion();
  LockRegistry();
}

void UnlockAll() {
  UnlockRegistry();
  UnlockRegion();
  UnlockLarge();
  UnlockAllClasses();
}

void InChild() {
  UnlockAll();
  ReclaimOtherCaches();
}

// Registered before main, so that its prepare handler runs after those the
// program registers later (prepare handlers run in reverse order), which
// may still free arena blocks.
__attribute__((constructor)) void RegisterForkHandlers() {
  pthread_atfork(LockAll, UnlockAll, InChild);
}

}  // namespace
}  // namespace internal
}  // namespace secret
