// Fuzzes keyscan's parser of a thread's /proc/PID/task/TID/syscall line
// (ParseSyscallLine), from which it takes the thread's stack pointer to
// tell thread stacks apart.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "keyscan/thread_stacks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // What fgets gives: a NUL-terminated string (a NUL in the file ends it).
  const std::string line(reinterpret_cast<const char*>(data), size);
  uint64_t sp = 0;
  const keyscan::SyscallLineState state =
      keyscan::ParseSyscallLine(line.c_str(), &sp);
  if (state == keyscan::SyscallLineState::kStackPointer) FUZZ_CHECK(sp != 0);
  return 0;
}
