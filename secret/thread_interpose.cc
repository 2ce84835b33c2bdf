// thread_interpose.cc: threads and processes started inside secret_do.
//
// A thread started inside secret_do inherits secret mode: its start routine
// runs inside secret_do on its own secret stacks, which the parent maps
// before the thread exists so that a failure is pthread_create's EAGAIN, not
// a thread running unprotected. fork inside secret_do fails with EPERM: the
// child would resume fn on a secret stack that MADV_WIPEONFORK zeroed for it.
// vfork is allowed: its child borrows the parent's memory until exec, and
// nothing is wiped or copied. posix_spawn, system and popen are allowed too
// (their child execs at once), but the C library blocks every signal around
// their clone, as in pthread_create: room on the secret stack is committed
// before each, since a fence fault with SIGSEGV blocked would kill the
// process.

#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>

#include "secret/config.h"
#include "secret/executor.h"
#include "secret/real_functions.h"
#include "secret/secret_c.h"

namespace secret {
namespace internal {
namespace {

// InheritedStart carries a start routine into a thread started inside Do.
struct InheritedStart {
  void* (*start)(void*);
  void* arg;
  void* result;
  MappedStacks stacks;
};

void RunStart(void* p) {
  InheritedStart* s = static_cast<InheritedStart*>(p);
  s->result = s->start(s->arg);
}

void* InheritedThreadMain(void* p) {
  InheritedStart* s = static_cast<InheritedStart*>(p);
  // Freed even when the start routine calls pthread_exit.
  std::unique_ptr<InheritedStart, void (*)(void*)> owner(s, free);
  if (AdoptStacks(CurrentThread(), &s->stacks) != 0) {
    // Only a thread running on the program's alternate signal stack can fail
    // here, which a thread that has just started never is.
    static const char kMessage[] =
        "secretmode: a thread started inside secret_do could not install its "
        "secret signal stack\n";
    (void)!write(2, kMessage, sizeof kMessage - 1);
    abort();
  }
  secret_do(RunStart, s);
  return s->result;
}

}  // namespace
}  // namespace internal
}  // namespace secret

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                              void* (*start)(void*), void* arg) {
  using namespace secret::internal;
  if (!secret_enabled()) return RealPthreadCreate()(thread, attr, start, arg);
  InheritedStart* s =
      static_cast<InheritedStart*>(calloc(1, sizeof(InheritedStart)));
  if (s == nullptr) return EAGAIN;
  s->start = start;
  s->arg = arg;
  if (MapStacks(CurrentConfig(), &s->stacks) != 0) {
    free(s);
    return EAGAIN;
  }
  // The C library blocks every signal around its clone: a fence fault in
  // that window would kill the process.
  CommitRoomForSignalsBlocked();
  const int rc = RealPthreadCreate()(thread, attr, InheritedThreadMain, s);
  if (rc != 0) {
    UnmapStacks(&s->stacks);
    free(s);
  }
  return rc;
}

extern "C" pid_t fork(void) {
  if (secret_enabled()) {
    errno = EPERM;
    return -1;
  }
  return secret::internal::RealFork()();
}

// _Fork is fork without the atfork handlers (glibc 2.34); fork does not
// call it through a symbol secretmode could interpose, so it has its own.
extern "C" pid_t _Fork(void) {
  if (secret_enabled()) {
    errno = EPERM;
    return -1;
  }
  return secret::internal::RealUnderscoreFork()();
}

extern "C" int posix_spawn(pid_t* pid, const char* path,
                           const posix_spawn_file_actions_t* actions,
                           const posix_spawnattr_t* attr, char* const argv[],
                           char* const envp[]) {
  secret::internal::CommitRoomForSignalsBlocked();
  return secret::internal::RealPosixSpawn()(pid, path, actions, attr, argv,
                                            envp);
}

extern "C" int posix_spawnp(pid_t* pid, const char* file,
                            const posix_spawn_file_actions_t* actions,
                            const posix_spawnattr_t* attr, char* const argv[],
                            char* const envp[]) {
  secret::internal::CommitRoomForSignalsBlocked();
  return secret::internal::RealPosixSpawnp()(pid, file, actions, attr, argv,
                                             envp);
}

extern "C" int system(const char* command) {
  secret::internal::CommitRoomForSignalsBlocked();
  return secret::internal::RealSystem()(command);
}

extern "C" FILE* popen(const char* command, const char* mode) {
  secret::internal::CommitRoomForSignalsBlocked();
  return secret::internal::RealPopen()(command, mode);
}

#endif  // SECRETMODE_ARCH_SUPPORTED
