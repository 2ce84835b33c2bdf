// scratch_buffer.cc: see scratch_buffer.h.
#include "keyscan/scratch_buffer.h"

#include <string.h>
#include <sys/mman.h>

namespace keyscan {

ScratchBuffer::ScratchBuffer(size_t size) : size_(size), data_(nullptr) {
  void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;
  madvise(p, size_, MADV_DONTDUMP);
  data_ = static_cast<uint8_t*>(p);
}

ScratchBuffer::~ScratchBuffer() {
  if (data_ == nullptr) return;
  explicit_bzero(data_, size_);
  munmap(data_, size_);
}

}  // namespace keyscan
