// Which mapping is which thread's stack, from the threads' stack pointers.
#ifndef SECRETMODE_KEYSCAN_THREAD_STACKS_H_
#define SECRETMODE_KEYSCAN_THREAD_STACKS_H_

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace keyscan {

// A thread and the stack pointer it had when last seen.
struct ThreadStackPointer {
  pid_t tid = 0;
  uint64_t sp = 0;
};

// What a thread's /proc/PID/task/TID/syscall line says about its stack
// pointer.
enum class SyscallLineState {
  kStackPointer,  // blocked: *sp is its stack pointer
  kRunning,       // "running": no stable stack pointer now
  kUnreadable,    // neither: too many fields, or a stack pointer of 0
};

// ParseSyscallLine reads `line`, a NUL-terminated line of a syscall file
// as fgets returns it (the newline, if any, ends it): "NR ARG1..ARG6 SP PC"
// in a system call, "-1 SP PC" when blocked outside one, "running"
// otherwise; the stack pointer is the second-to-last field (hexadecimal).
// *sp is meaningful only for kStackPointer. ReadThreadStackPointers uses
// it; it is on its own so that the parsing can be tested and fuzzed
// without a process. Thread-safe; allocates.
SyscallLineState ParseSyscallLine(const char* line, uint64_t* sp);

// ReadThreadStackPointers returns the stack pointer of every thread of
// `pid` that is blocked (in a system call or stopped), from
// /proc/PID/task/TID/syscall. A thread found running has no stable stack
// pointer there: it is asked again every 2 ms for up to 100 ms (it is
// usually about to block), then left out; everything is left out when the
// files cannot be read (they need the same ptrace rights as /proc/PID/mem).
// Never fails. Thread-safe.
//
// WARNING: a stack pointer names the mapping a thread runs on now: a thread
// blocked on a secret stack or a signal stack does not identify its own
// thread stack, and a running thread's stack is not identified at all.
std::vector<ThreadStackPointer> ReadThreadStackPointers(pid_t pid);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_THREAD_STACKS_H_
