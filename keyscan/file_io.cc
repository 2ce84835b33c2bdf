// file_io.cc: see file_io.h.
#include "keyscan/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace keyscan {

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

int OpenReadOnly(const std::string& path) {
  return open(path.c_str(), O_RDONLY | O_CLOEXEC);
}

bool ReadAt(int fd, uint64_t offset, void* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    const ssize_t n = pread(fd, static_cast<char*>(buf) + done, len - done,
                            static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace keyscan
