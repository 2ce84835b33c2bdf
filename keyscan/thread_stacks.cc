// thread_stacks.cc: see thread_stacks.h.
#include "keyscan/thread_stacks.h"

#include <dirent.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace keyscan {
namespace {

enum class SpRead { kFound, kRunning, kUnavailable };

// A thread caught running has no stack pointer to read. Threads of a process
// being scanned are normally blocked; one that is running is usually about
// to block (it just finished its work), so it is asked again, every 2 ms for
// up to 100 ms, before its stack is left unidentified.
constexpr int kRunningRetries = 50;
constexpr long kRunningRetryNs = 2 * 1000 * 1000;

// The syscall file is "NR ARG1..ARG6 SP PC" while in a system call,
// "-1 SP PC" when blocked outside one, and "running" otherwise; the stack
// pointer is the second-to-last field either way.
SpRead ReadStackPointer(pid_t pid, pid_t tid, uint64_t* sp) {
  const std::string path = "/proc/" + std::to_string(pid) + "/task/" +
                           std::to_string(tid) + "/syscall";
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return SpRead::kUnavailable;
  char line[512];
  const bool read = std::fgets(line, sizeof(line), f) != nullptr;
  std::fclose(f);
  if (!read) return SpRead::kUnavailable;
  std::string fields[9];
  int count = 0;
  for (const char* p = line; *p != '\0' && *p != '\n';) {
    while (*p == ' ') ++p;
    const char* start = p;
    while (*p != '\0' && *p != ' ' && *p != '\n') ++p;
    if (p == start) break;
    if (count == 9) return SpRead::kUnavailable;
    fields[count++].assign(start, p);
  }
  if (count < 3) return SpRead::kRunning;
  *sp = std::strtoull(fields[count - 2].c_str(), nullptr, 16);
  return *sp != 0 ? SpRead::kFound : SpRead::kUnavailable;
}

bool StackPointerOf(pid_t pid, pid_t tid, uint64_t* sp) {
  for (int attempt = 0;; ++attempt) {
    const SpRead result = ReadStackPointer(pid, tid, sp);
    if (result != SpRead::kRunning || attempt == kRunningRetries) {
      return result == SpRead::kFound;
    }
    const timespec pause = {0, kRunningRetryNs};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace

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
