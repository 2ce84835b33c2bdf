// next_allocator.cc: see next_allocator.h.

#include "secret/next_allocator.h"

#include <dlfcn.h>
#include <unistd.h>

#include <stdlib.h>

// The C library's own entry points, used when dlsym finds nothing (a program
// that links secretmode into a shared object loaded with RTLD_DEEPBIND, say).
extern "C" {
void* __libc_malloc(size_t) __attribute__((weak));
void __libc_free(void*) __attribute__((weak));
void* __libc_calloc(size_t, size_t) __attribute__((weak));
void* __libc_realloc(void*, size_t) __attribute__((weak));
void* __libc_memalign(size_t, size_t) __attribute__((weak));
void* __libc_valloc(size_t) __attribute__((weak));
void* __libc_pvalloc(size_t) __attribute__((weak));
}

namespace secret {
namespace internal {

const NextAllocator* g_next_allocator{nullptr};

// Set while this thread looks the functions up. Hidden, not in an anonymous
// namespace: see thread_state.h.
__thread bool g_resolving
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

namespace {

NextAllocator g_table;
bool g_table_busy{false};

[[noreturn]] void DieNoMalloc() {
  static const char kMessage[] =
      "secretmode: cannot find the C library's malloc to forward to\n";
  ssize_t unused = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)unused;
  abort();
}

template <typename Fn>
Fn Lookup(const char* name, Fn fallback) {
  void* sym = dlsym(RTLD_NEXT, name);
  return sym != nullptr ? reinterpret_cast<Fn>(sym) : fallback;
}

void* AlignedAllocByMemalign(size_t alignment, size_t size) {
  return g_table.memalign(alignment, size);
}

}  // namespace

void* ResolveNextSymbol(const char* name) { return dlsym(RTLD_NEXT, name); }

const NextAllocator* ResolveNextAllocator() {
  if (g_resolving) return nullptr;
  g_resolving = true;
  NextAllocator t;
  t.malloc = Lookup("malloc", __libc_malloc);
  t.free = Lookup("free", __libc_free);
  t.calloc = Lookup("calloc", __libc_calloc);
  t.realloc = Lookup("realloc", __libc_realloc);
  t.memalign = Lookup("memalign", __libc_memalign);
  t.aligned_alloc = Lookup<void* (*)(size_t, size_t)>("aligned_alloc", nullptr);
  t.posix_memalign = Lookup<int (*)(void**, size_t, size_t)>("posix_memalign", nullptr);
  t.valloc = Lookup("valloc", __libc_valloc);
  t.pvalloc = Lookup("pvalloc", __libc_pvalloc);
  t.malloc_usable_size = Lookup<size_t (*)(void*)>("malloc_usable_size", nullptr);
  g_resolving = false;
  if (t.malloc == nullptr || t.free == nullptr || t.calloc == nullptr ||
      t.realloc == nullptr || t.memalign == nullptr) {
    DieNoMalloc();
  }
  if (t.aligned_alloc == nullptr) t.aligned_alloc = AlignedAllocByMemalign;
  // Several threads may resolve at once; the first one publishes. dlsym ran
  // outside this spin, so no loader lock is ever taken while it is held.
  while (ExchangeAcquire(&g_table_busy, true)) {
  }
  if (LoadRelaxed(&g_next_allocator) == nullptr) {
    g_table = t;
    StoreRelease(&g_next_allocator, &g_table);
  }
  StoreRelease(&g_table_busy, false);
  return LoadAcquire(&g_next_allocator);
}

}  // namespace internal
}  // namespace secret
