// memory_lock.h: takes away this process's right to lock memory, so tests can
// prove that a refused mlock is reported and not fatal.
#ifndef SECRETMODE_TESTS_SUPPORT_MEMORY_LOCK_H_
#define SECRETMODE_TESTS_SUPPORT_MEMORY_LOCK_H_

namespace secret_test {

// ForbidMemoryLocking sets RLIMIT_MEMLOCK to zero and drops CAP_IPC_LOCK
// (which locks regardless of the limit) from the calling thread's effective
// capabilities. Returns false when the capability could not be dropped. Call
// it in a child process: it cannot be undone.
bool ForbidMemoryLocking();

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_MEMORY_LOCK_H_
