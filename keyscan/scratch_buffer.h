// A private buffer for bytes read from a scan target.
#ifndef SECRETMODE_KEYSCAN_SCRATCH_BUFFER_H_
#define SECRETMODE_KEYSCAN_SCRATCH_BUFFER_H_

#include <cstddef>
#include <cstdint>

namespace keyscan {

// ScratchBuffer is `size` bytes of their own anonymous mapping, excluded
// from keyscan's core dumps, wiped (explicit_bzero) and unmapped by the
// destructor: bytes read from a target may be secrets, and must not be
// left in keyscan's heap. data() is nullptr when mmap failed. Not
// thread-safe (one owner).
//
// WARNING: it does not lock the pages: they can be swapped out while in use.
class ScratchBuffer {
 public:
  explicit ScratchBuffer(size_t size);
  ~ScratchBuffer();
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;

  // data returns the buffer's first byte, owned by this ScratchBuffer and
  // valid until it is destroyed, or nullptr when mmap failed. Thread-safe
  // (reads a member); the bytes themselves are the owner's to synchronize.
  //
  // WARNING: the destructor wipes only [data(), data() + size()): copies
  // the caller makes elsewhere are its own to wipe.
  uint8_t* data() const { return data_; }
  // size returns the size requested at construction in bytes, also when
  // mmap failed (check data() first). Thread-safe and async-signal-safe.
  //
  // WARNING: it is not the mapped size (rounded up to whole pages).
  size_t size() const { return size_; }

 private:
  size_t size_;
  uint8_t* data_;
};

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_SCRATCH_BUFFER_H_
