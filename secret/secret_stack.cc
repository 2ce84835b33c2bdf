// secret_stack.cc: see secret_stack.h for why the stack has a moving fence.

#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include "secret/secret_stack.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SECRETMODE_HAVE_VALGRIND 1
#else
#define SECRETMODE_HAVE_VALGRIND 0
#endif

namespace secret {
namespace internal {
namespace {

// A fault commits at least this much below the faulting page, and a quarter
// of the depth reached, so a deep descent costs a few faults, not one a page.
constexpr size_t kMinGrowthHeadroom = 16 * 1024;
// PROT_NONE below the usable stack, as the kernel's stack_guard_gap: a frame
// that jumps over a single guard page would land in some other mapping.
constexpr size_t kGuardGap = 1024 * 1024;

uintptr_t RoundDown(uintptr_t x, size_t align) { return x & ~(uintptr_t{align} - 1); }
uintptr_t RoundUp(uintptr_t x, size_t align) { return RoundDown(x + align - 1, align); }

// LockPages and UnlockPages call the kernel directly: sanitizer runtimes
// intercept mlock() and return success without locking, which would make
// the reported locking state a lie in those builds.
bool LockPages(uintptr_t addr, size_t len) {
  return syscall(SYS_mlock, addr, len) == 0;
}

void UnlockPages(uintptr_t addr, size_t len) { syscall(SYS_munlock, addr, len); }

// LowerFence makes [new_fence, fence) usable (and locked, if the stack is)
// and moves the fence there. Returns false, changing nothing, if mprotect
// refuses. Async-signal-safe.
bool LowerFence(SecretStack* s, uintptr_t new_fence) {
  const size_t len = s->fence - new_fence;
  if (mprotect(reinterpret_cast<void*>(new_fence), len,
               PROT_READ | PROT_WRITE) != 0) {
    return false;
  }
  if (s->locked) s->locked = LockPages(new_fence, len);
  s->fence = new_fence;
  return true;
}

void ApplyAdvice(void* p, size_t len, const secret_config& config) {
  if (config.exclude_from_core_dumps) madvise(p, len, MADV_DONTDUMP);
  // A fork child must not inherit secrets; kernels before 4.14 lack this and
  // return EINVAL, which leaves the child with a copy (reported nowhere but
  // harmless to the parent).
  madvise(p, len, MADV_WIPEONFORK);
}

int MapSecretStack(const secret_config& config, SecretStack* s) {
  const size_t page = PageSize();
  const size_t usable = RoundUp(config.stack_size, page);
  const size_t slide = RoundUp(kSlideRoom, page);
  const size_t guard = RoundUp(kGuardGap, page);
  // The top may sit up to slide + zone/4 (zone <= usable) below the end:
  // see PlanNextTop. Reserve that too, so fn always has `usable` bytes.
  const size_t reserve = guard + usable + slide + RoundUp(usable / 4, page);
  void* p = mmap(nullptr, reserve, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return ENOMEM;
  ApplyAdvice(p, reserve, config);
  *s = SecretStack{};
  s->base = reinterpret_cast<uintptr_t>(p);
  s->guard_end = s->base + guard;
  s->end = s->base + reserve;
  s->usable = usable;
  s->slide = slide;
  s->fence = s->end - page;
  if (mprotect(reinterpret_cast<void*>(s->fence), page,
               PROT_READ | PROT_WRITE) != 0) {
    munmap(p, reserve);
    return ENOMEM;
  }
  s->lock_wanted = config.lock_memory != 0;
  s->locked = s->lock_wanted && LockPages(s->fence, page);
  s->top = s->end;
#if SECRETMODE_HAVE_VALGRIND
  s->valgrind_id = VALGRIND_STACK_REGISTER(s->guard_end, s->end);
#endif
  return 0;
}

int MapSignalStack(const secret_config& config, SignalStack* s) {
  const size_t page = PageSize();
  const size_t size = RoundUp(config.signal_stack_size, page);
  void* p = mmap(nullptr, page + size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return ENOMEM;
  // The guard page turns an overflowing handler into a fault, not a write
  // into whatever is mapped below.
  mprotect(p, page, PROT_NONE);
  ApplyAdvice(p, page + size, config);
  *s = SignalStack{};
  s->base = reinterpret_cast<uintptr_t>(p);
  s->lo = s->base + page;
  s->hi = s->lo + size;
  s->locked = config.lock_memory != 0 && LockPages(s->lo, size);
  return 0;
}

}  // namespace

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

int MapStacks(const secret_config& config, MappedStacks* out) {
  int err = MapSecretStack(config, &out->stack);
  if (err != 0) return err;
  err = MapSignalStack(config, &out->signal_stack);
  if (err != 0) {
    munmap(reinterpret_cast<void*>(out->stack.base),
           out->stack.end - out->stack.base);
    return err;
  }
  return 0;
}

void UnmapStacks(MappedStacks* stacks) {
  SecretStack& s = stacks->stack;
  if (s.base != 0) {
    // Unmapped pages go back to the kernel unzeroed; zero the committed part
    // so that no secret outlives the mapping in physical memory either.
    secretmode_erase_range(s.fence, s.end);
#if SECRETMODE_HAVE_VALGRIND
    VALGRIND_STACK_DEREGISTER(s.valgrind_id);
#endif
    munmap(reinterpret_cast<void*>(s.base), s.end - s.base);
    s = SecretStack{};
  }
  SignalStack& a = stacks->signal_stack;
  if (a.base != 0) {
    secretmode_erase_range(a.lo, a.hi);
    munmap(reinterpret_cast<void*>(a.base), a.hi - a.base);
    a = SignalStack{};
  }
}

bool CommitBelowFence(SecretStack* s, uintptr_t addr) {
  if (addr < s->guard_end || addr >= s->fence) return false;
  const size_t page = PageSize();
  const size_t depth = s->end - addr;
  const size_t headroom = std::max(kMinGrowthHeadroom, depth / 4);
  uintptr_t new_fence = RoundDown(addr, page);
  new_fence = new_fence - s->guard_end > headroom
                  ? RoundDown(new_fence - headroom, page)
                  : s->guard_end;
  if (!LowerFence(s, new_fence)) return false;
  if (s->lowest_fault == 0 || addr < s->lowest_fault) s->lowest_fault = addr;
  ++s->faults;
  return true;
}

size_t CommitZone(SecretStack* s, size_t zone) {
  const size_t room = s->end - s->guard_end;
  const uintptr_t new_fence =
      RoundDown(s->end - std::min(zone, room), PageSize());
  if (new_fence < s->fence) LowerFence(s, new_fence);
  return s->end - s->fence;
}

void GiveBackCommitted(SecretStack* s, size_t zone) {
  // The pages are zero. Those within kKeepResident of the top stay resident
  // (and locked): a later descent then costs an mprotect, not a refill of
  // pages by the kernel, which dominates a fault's cost otherwise.
  const size_t page = PageSize();
  const uintptr_t new_fence = RoundDown(s->end - zone - s->slide / 2, page);
  const uintptr_t keep_floor = s->end - std::min(kKeepResident, s->end - s->guard_end);
  const uintptr_t release_end = std::min(new_fence, std::max(keep_floor, s->fence));
  if (release_end > s->fence) {
    const size_t len = release_end - s->fence;
    if (s->locked) UnlockPages(s->fence, len);
    madvise(reinterpret_cast<void*>(s->fence), len, MADV_DONTNEED);
  }
  if (mprotect(reinterpret_cast<void*>(s->fence), new_fence - s->fence,
               PROT_NONE) == 0) {
    s->fence = new_fence;
    ++s->shrinks;
  }
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_ARCH_SUPPORTED
