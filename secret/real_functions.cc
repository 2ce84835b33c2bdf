// real_functions.cc: dlsym(RTLD_NEXT) lookups, cached.

#include "secret/atomic_ops.h"
#include "secret/real_functions.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


namespace secret {
namespace internal {
namespace {

void* Resolve(void** cache, const char* name) {
  void* fn = LoadAcquire(cache);
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
  StoreRelease(cache, fn);
  return fn;
}

void* g_sigaction{nullptr};
void* g_sigaltstack{nullptr};
void* g_pthread_create{nullptr};
void* g_fork{nullptr};
void* g_underscore_fork{nullptr};
void* g_pthread_sigmask{nullptr};
void* g_sigprocmask{nullptr};
void* g_posix_spawn{nullptr};
void* g_posix_spawnp{nullptr};
void* g_system{nullptr};
void* g_popen{nullptr};

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
SigmaskFn RealPthreadSigmask() {
  return reinterpret_cast<SigmaskFn>(
      Resolve(&g_pthread_sigmask, "pthread_sigmask"));
}
SigmaskFn RealSigprocmask() {
  return reinterpret_cast<SigmaskFn>(Resolve(&g_sigprocmask, "sigprocmask"));
}
PosixSpawnFn RealPosixSpawn() {
  return reinterpret_cast<PosixSpawnFn>(Resolve(&g_posix_spawn, "posix_spawn"));
}
PosixSpawnFn RealPosixSpawnp() {
  return reinterpret_cast<PosixSpawnFn>(
      Resolve(&g_posix_spawnp, "posix_spawnp"));
}
SystemFn RealSystem() {
  return reinterpret_cast<SystemFn>(Resolve(&g_system, "system"));
}
PopenFn RealPopen() {
  return reinterpret_cast<PopenFn>(Resolve(&g_popen, "popen"));
}
ForkFn RealUnderscoreFork() {
  return reinterpret_cast<ForkFn>(Resolve(&g_underscore_fork, "_Fork"));
}

}  // namespace internal
}  // namespace secret
