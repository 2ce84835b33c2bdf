// real_functions.h: the C library's own versions of the functions that
// secretmode interposes (sigaction, sigaltstack, signal, pthread_create,
// fork, the signal-mask calls, the process spawners), found with dlsym(RTLD_NEXT) so that sanitizer interceptors and other
// interposers earlier in the chain keep working.

#ifndef SECRETMODE_SECRET_REAL_FUNCTIONS_H_
#define SECRETMODE_SECRET_REAL_FUNCTIONS_H_

#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/types.h>

namespace secret {
namespace internal {

using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);
using SigaltstackFn = int (*)(const stack_t*, stack_t*);
using PthreadCreateFn = int (*)(pthread_t*, const pthread_attr_t*,
                                void* (*)(void*), void*);
using ForkFn = pid_t (*)(void);
using SigmaskFn = int (*)(int, const sigset_t*, sigset_t*);
using PosixSpawnFn = int (*)(pid_t*, const char*,
                             const posix_spawn_file_actions_t*,
                             const posix_spawnattr_t*, char* const[],
                             char* const[]);
using SystemFn = int (*)(const char*);
using PopenFn = FILE* (*)(const char*, const char*);

// Each returns the next definition after secretmode's, resolving it on first
// use; if none exists the process aborts with a message naming the symbol,
// since every later signal or thread operation would otherwise be wrong.
// Async-signal-safe after the first call (the fault handler uses
// RealSigaction; the executor resolves it before installing that handler).
SigactionFn RealSigaction();
SigaltstackFn RealSigaltstack();
PthreadCreateFn RealPthreadCreate();
ForkFn RealFork();
ForkFn RealUnderscoreFork();  // _Fork
SigmaskFn RealPthreadSigmask();
SigmaskFn RealSigprocmask();
PosixSpawnFn RealPosixSpawn();
PosixSpawnFn RealPosixSpawnp();
SystemFn RealSystem();
PopenFn RealPopen();

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_REAL_FUNCTIONS_H_
