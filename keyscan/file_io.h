// Small file and byte helpers shared by keyscan's readers: an owned file
// descriptor, a full positioned read, and unaligned little-endian loads.
#ifndef SECRETMODE_KEYSCAN_FILE_IO_H_
#define SECRETMODE_KEYSCAN_FILE_IO_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace keyscan {

// Fd owns one file descriptor and closes it when destroyed. Not copyable.
// Not thread-safe to destroy while another thread uses get(); the
// descriptor itself may be used from any thread.
//
// WARNING: close errors are ignored (keyscan only reads).
class Fd {
 public:
  // Fd takes ownership of `fd`; a negative `fd` (a failed open) is held
  // as is and never closed.
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  // get returns the descriptor (negative when the open failed); it stays
  // owned by this Fd. Thread-safe.
  int get() const { return fd_; }

 private:
  int fd_;
};

// OpenReadOnly opens `path` with O_RDONLY | O_CLOEXEC and returns the
// descriptor, owned by the caller (wrap it in an Fd), or -1 with errno set.
// Thread-safe and async-signal-safe (one open call).
//
// WARNING: it follows symbolic links and does not check the file type.
int OpenReadOnly(const std::string& path);

// ReadAt reads exactly `len` bytes at file offset `offset` of `fd` into
// `buf` (owned by the caller), with pread, retrying on EINTR and short
// reads; the file offset is not used. Returns true when all `len` bytes
// were read; false on a read error (errno set) or end of file before `len`
// bytes (errno unchanged, may be 0): `buf` then holds a partial read.
// Thread-safe and async-signal-safe.
//
// WARNING: a false return does not say how many bytes were read; callers
// that hold secrets in `buf` must wipe it themselves either way.
bool ReadAt(int fd, uint64_t offset, void* buf, size_t len);

// Load64 returns the 8 bytes at `p` as a native-endian (x86-64, arm64:
// little-endian) integer; `p` need not be aligned. Thread-safe and
// async-signal-safe.
//
// WARNING: it does not check bounds: p[0, 8) must be readable.
inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Load32 returns the 4 bytes at `p` as a native-endian integer; `p` need
// not be aligned. Thread-safe and async-signal-safe.
//
// WARNING: it does not check bounds: p[0, 4) must be readable.
inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_FILE_IO_H_
