// memory_lock.cc: see memory_lock.h.

#include "tests/support/memory_lock.h"

#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace secret_test {

bool ForbidMemoryLocking() {
  struct rlimit zero = {0, 0};
  setrlimit(RLIMIT_MEMLOCK, &zero);
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &header, data) != 0) return false;
  data[0].effective &= ~(1u << CAP_IPC_LOCK);
  return syscall(SYS_capset, &header, data) == 0;
}

}  // namespace secret_test
