// new_delete_interpose.cc: every replaceable form of C++ operator new and
// delete, routed like malloc and free (malloc_interpose.cc). Outside secret
// mode each form forwards to the next definition of the same form (the C++
// runtime's, or a sanitizer's, which checks new/delete pairing), so the
// program sees no difference; where none exists, the next malloc serves.

#include <errno.h>
#include <stdlib.h>

#include <new>

#include "secret/arena.h"
#include "secret/next_allocator.h"
#include "secret/secret_mode_check.h"

namespace secret {
namespace internal {
namespace {

using NewFn = void* (*)(std::size_t);
using NewNothrowFn = void* (*)(std::size_t, const std::nothrow_t&);
using NewAlignedFn = void* (*)(std::size_t, std::align_val_t);
using NewAlignedNothrowFn = void* (*)(std::size_t, std::align_val_t,
                                      const std::nothrow_t&);
using DeleteFn = void (*)(void*);

// NextForm holds the next definition of one form, looked up on first use.
template <typename Fn>
struct NextForm {
  const char* name;
  void* fn;
  bool looked_up;

  Fn Get() {
    if (!LoadAcquire(&looked_up)) {
      StoreRelaxed(&fn, ResolveNextSymbol(name));
      StoreRelease(&looked_up, true);
    }
    return reinterpret_cast<Fn>(LoadRelaxed(&fn));
  }
};

// The mangled names are those of the LP64 ABIs secretmode supports.
NextForm<NewFn> g_new{"_Znwm", {}, {}};
NextForm<NewFn> g_new_array{"_Znam", {}, {}};
NextForm<NewNothrowFn> g_new_nothrow{"_ZnwmRKSt9nothrow_t", {}, {}};
NextForm<NewNothrowFn> g_new_array_nothrow{"_ZnamRKSt9nothrow_t", {}, {}};
NextForm<NewAlignedFn> g_new_aligned{"_ZnwmSt11align_val_t", {}, {}};
NextForm<NewAlignedFn> g_new_array_aligned{"_ZnamSt11align_val_t", {}, {}};
NextForm<NewAlignedNothrowFn> g_new_aligned_nothrow{
    "_ZnwmSt11align_val_tRKSt9nothrow_t", {}, {}};
NextForm<NewAlignedNothrowFn> g_new_array_aligned_nothrow{
    "_ZnamSt11align_val_tRKSt9nothrow_t", {}, {}};
// Every delete form ends in the same free; the unsized ones carry the
// sanitizers' pairing checks, so the sized and nothrow forms map onto them.
NextForm<DeleteFn> g_delete{"_ZdlPv", {}, {}};
NextForm<DeleteFn> g_delete_array{"_ZdaPv", {}, {}};
NextForm<void (*)(void*, std::align_val_t)> g_delete_aligned{
    "_ZdlPvSt11align_val_t", {}, {}};
NextForm<void (*)(void*, std::align_val_t)> g_delete_array_aligned{
    "_ZdaPvSt11align_val_t", {}, {}};

// NewFromArena allocates as operator new must: on failure it calls the
// new-handler until one succeeds, then throws std::bad_alloc (or returns
// null for the nothrow forms).
void* NewFromArena(std::size_t size, std::size_t alignment, bool nothrow) {
  for (;;) {
    void* p = ArenaAllocate(size, alignment);
    if (p != nullptr) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      if (nothrow) return nullptr;
      throw std::bad_alloc();
    }
    if (nothrow) {
      try {
        handler();
      } catch (...) {
        return nullptr;
      }
    } else {
      handler();
    }
  }
}

// NewFromNext is the fallback when no next operator new exists.
void* NewFromNext(std::size_t size, std::size_t alignment, bool nothrow) {
  for (;;) {
    void* p = nullptr;
    if (alignment <= 16) {
      p = malloc(size == 0 ? 1 : size);
    } else if (posix_memalign(&p, alignment, size == 0 ? 1 : size) != 0) {
      p = nullptr;
    }
    if (p != nullptr) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      if (nothrow) return nullptr;
      throw std::bad_alloc();
    }
    handler();
  }
}

template <typename Fn>
void* New(NextForm<Fn>& next, std::size_t size) {
  if (__builtin_expect(SecretModeOn(), 0)) return NewFromArena(size, 16, false);
  Fn fn = next.Get();
  return fn != nullptr ? fn(size) : NewFromNext(size, 16, false);
}

void* NewNothrow(NextForm<NewNothrowFn>& next, std::size_t size) {
  if (__builtin_expect(SecretModeOn(), 0)) return NewFromArena(size, 16, true);
  NewNothrowFn fn = next.Get();
  return fn != nullptr ? fn(size, std::nothrow) : NewFromNext(size, 16, true);
}

void* NewAligned(NextForm<NewAlignedFn>& next, std::size_t size,
                 std::align_val_t alignment) {
  const std::size_t a = static_cast<std::size_t>(alignment);
  if (__builtin_expect(SecretModeOn(), 0)) return NewFromArena(size, a, false);
  NewAlignedFn fn = next.Get();
  return fn != nullptr ? fn(size, alignment) : NewFromNext(size, a, false);
}

void* NewAlignedNothrow(NextForm<NewAlignedNothrowFn>& next, std::size_t size,
                        std::align_val_t alignment) {
  const std::size_t a = static_cast<std::size_t>(alignment);
  if (__builtin_expect(SecretModeOn(), 0)) return NewFromArena(size, a, true);
  NewAlignedNothrowFn fn = next.Get();
  return fn != nullptr ? fn(size, alignment, std::nothrow)
                       : NewFromNext(size, a, true);
}

// ZeroIfSecretMode clears a block of the next allocator deleted inside
// secret mode, as free does.
void ZeroIfSecretMode(void* p) {
  if (__builtin_expect(!SecretModeOn(), 1)) return;
  const NextAllocator* next = NextAllocatorOrNull();
  if (next != nullptr && next->malloc_usable_size != nullptr) {
    ZeroBlock(p, next->malloc_usable_size(p));
  }
}

void Delete(NextForm<DeleteFn>& next, void* p) {
  if (p == nullptr) return;
  if (InArena(p)) {
    ArenaFree(p, "operator delete");
    return;
  }
  ZeroIfSecretMode(p);
  DeleteFn fn = next.Get();
  if (fn != nullptr) {
    fn(p);
  } else {
    free(p);
  }
}

void DeleteAligned(NextForm<void (*)(void*, std::align_val_t)>& next, void* p,
                   std::align_val_t alignment) {
  if (p == nullptr) return;
  if (InArena(p)) {
    ArenaFree(p, "operator delete");
    return;
  }
  ZeroIfSecretMode(p);
  auto fn = next.Get();
  if (fn != nullptr) {
    fn(p, alignment);
  } else {
    free(p);
  }
}

}  // namespace
}  // namespace internal
}  // namespace secret

namespace si = secret::internal;

void* operator new(std::size_t size) { return si::New(si::g_new, size); }
void* operator new[](std::size_t size) { return si::New(si::g_new_array, size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return si::NewNothrow(si::g_new_nothrow, size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return si::NewNothrow(si::g_new_array_nothrow, size);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return si::NewAligned(si::g_new_aligned, size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return si::NewAligned(si::g_new_array_aligned, size, alignment);
}
void* operator new(std::size_t size, std::align_val_t alignment,
                   const std::nothrow_t&) noexcept {
  return si::NewAlignedNothrow(si::g_new_aligned_nothrow, size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment,
                     const std::nothrow_t&) noexcept {
  return si::NewAlignedNothrow(si::g_new_array_aligned_nothrow, size, alignment);
}

void operator delete(void* p) noexcept { si::Delete(si::g_delete, p); }
void operator delete[](void* p) noexcept { si::Delete(si::g_delete_array, p); }
void operator delete(void* p, std::size_t) noexcept {
  si::Delete(si::g_delete, p);
}
void operator delete[](void* p, std::size_t) noexcept {
  si::Delete(si::g_delete_array, p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  si::Delete(si::g_delete, p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  si::Delete(si::g_delete_array, p);
}
void operator delete(void* p, std::align_val_t alignment) noexcept {
  si::DeleteAligned(si::g_delete_aligned, p, alignment);
}
void operator delete[](void* p, std::align_val_t alignment) noexcept {
  si::DeleteAligned(si::g_delete_array_aligned, p, alignment);
}
void operator delete(void* p, std::size_t, std::align_val_t alignment) noexcept {
  si::DeleteAligned(si::g_delete_aligned, p, alignment);
}
void operator delete[](void* p, std::size_t, std::align_val_t alignment) noexcept {
  si::DeleteAligned(si::g_delete_array_aligned, p, alignment);
}
void operator delete(void* p, std::align_val_t alignment,
                     const std::nothrow_t&) noexcept {
  si::DeleteAligned(si::g_delete_aligned, p, alignment);
}
void operator delete[](void* p, std::align_val_t alignment,
                       const std::nothrow_t&) noexcept {
  si::DeleteAligned(si::g_delete_array_aligned, p, alignment);
}
