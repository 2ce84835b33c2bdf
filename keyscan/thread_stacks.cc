// thread_stacks.cc: see thread_stacks.h.
#include "keyscan/thread_stacks.h"

#include <dirent.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace keyscan {
namespace {

// A thread caught running has no stack pointer to read. Threads of a process
// being scanned are normally blocked; one that is running is usually about
// to block (it just finished its work), so it is asked again, every 2 ms for
// up to 100 ms, before its stack is left unidentified.
constexpr int kRunningRetries = 50;
constexpr long kRunningRetryNs = 2 * 1000 * 1000;

SyscallLineState ReadStackPointer(pid_t pid, pid_t tid, uint64_t* sp) {
  const std::string path = "/proc/" + std::to_string(pid) + "/task/" +
                           std::to_string(tid) + "/syscall";
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return SyscallLineState::kUnreadable;
  char line[512];
  const bool read = std::fgets(line, sizeof(line), f) != nullptr;
  std::fclose(f);
  if (!read) return SyscallLineState::kUnreadable;
  return ParseSyscallLine(line, sp);
}

bool StackPointerOf(pid_t pid, pid_t tid, uint64_t* sp) {
  for (int attempt = 0;; ++attempt) {
    const SyscallLineState result = ReadStackPointer(pid, tid, sp);
    if (result != SyscallLineState::kRunning || attempt == kRunningRetries) {
      return result == SyscallLineState::kStackPointer;
    }
    const timespec pause = {0, kRunningRetryNs};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace

SyscallLineState ParseSyscallLine(const char* line, uint64_t* sp) {
  std::string fields[9];
  int count = 0;
  for (const char* p = line; *p != '\0' && *p != '\n';) {
    while (*p == ' ') ++p;
    const char* start = p;
    while (*p != '\0' && *p != ' ' && *p != '\n') ++p;
    if (p == start) break;
    if (count == 9) return SyscallLineState::kUnreadable;
    fields[count++].assign(start, p);
  }
  if (count < 3) return SyscallLineState::kRunning;
  *sp = std::strtoull(fields[count - 2].c_str(), nullptr, 16);
  return *sp != 0 ? SyscallLineState::kStackPointer
                  : SyscallLineState::kUnreadable;
}

std::vector<ThreadStackPointer> ReadThreadStackPointers(pid_t pid) {
  std::vector<ThreadStackPointer> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = readdir(d)) {
    const pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
    if (tid <= 0) continue;
    ThreadStackPointer t;
    t.tid = tid;
    if (StackPointerOf(pid, tid, &t.sp)) out.push_back(t);
  }
  closedir(d);
  return out;
}

}  // namespace keyscan
