// address_space_limit.cc: see address_space_limit.h.

#include "tests/support/address_space_limit.h"

#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace secret_test {

bool AddressSpaceLimitIsEnforced() {
  const pid_t child = fork();
  if (child == 0) {
    struct rlimit limit;
    getrlimit(RLIMIT_AS, &limit);
    limit.rlim_cur = 64 * 1024 * 1024;
    setrlimit(RLIMIT_AS, &limit);
    void* big = mmap(nullptr, 128 * 1024 * 1024, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    _exit(big == MAP_FAILED ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool LimitAddressSpace(size_t headroom) {
  // The first field of /proc/self/statm: the address space in pages.
  FILE* statm = fopen("/proc/self/statm", "r");
  if (statm == nullptr) return false;
  unsigned long pages = 0;
  const bool read = fscanf(statm, "%lu", &pages) == 1;
  fclose(statm);
  if (!read) return false;
  struct rlimit limit;
  if (getrlimit(RLIMIT_AS, &limit) != 0) return false;
  limit.rlim_cur = pages * static_cast<unsigned long>(sysconf(_SC_PAGESIZE)) +
                   headroom;
  return setrlimit(RLIMIT_AS, &limit) == 0;
}

}  // namespace secret_test
