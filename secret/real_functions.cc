// real_functions.cc: dlsym(RTLD_NEXT) lookups, cached.

#include "secret/real_functions.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>

namespace secret {
namespace internal {
namespace {

void* Resolve(std::atomic<void*>* cache, const char* name) {
  void* fn = cache->load(std::memory_order_acquire);
  if (fn != nullptr) return fn;
  fn = dlsym(RTLD_NEXT, name);
  if (fn == nullptr) {
    static const char kPrefix[] = "secretmode: cannot find the C library's ";
    (void)!write(2, kPrefix, sizeof kPrefix - 1);
    (void)!write(2, name, strlen(name));
    static const char kSuffix[] = " (is the program linked statically?)\n";
    (void)!write(2, kSuffix, sizeof kSuffix - 1);
    abort();
  }
  cache->store(fn, std::memory_order_release);
  return fn;
}

std::atomic<void*> g_sigaction{nullptr};
std::atomic<void*> g_sigaltstack{nullptr};
std::atomic<void*> g_pthread_create{nullptr};
std::atomic<void*> g_fork{nullptr};
std::atomic<void*> g_underscore_fork{nullptr};

}  // namespace

SigactionFn RealSigaction() {
  return reinterpret_cast<SigactionFn>(Resolve(&g_sigaction, "sigaction"));
}
SigaltstackFn RealSigaltstack() {
  return reinterpret_cast<SigaltstackFn>(Resolve(&g_sigaltstack, "sigaltstack"));
}
PthreadCreateFn RealPthreadCreate() {
  return reinterpret_cast<PthreadCreateFn>(
      Resolve(&g_pthread_create, "pthread_create"));
}
ForkFn RealFork() {
  return reinterpret_cast<ForkFn>(Resolve(&g_fork, "fork"));
}
ForkFn RealUnderscoreFork() {
  return reinterpret_cast<ForkFn>(Resolve(&g_underscore_fork, "_Fork"));
}

}  // namespace internal
}  // namespace secret
