// arena.h: the secret allocator's internal entry points, used by the C API
// (allocator_api.cc) and by the malloc and operator new interposition.
//
// Every function here is thread-safe, works before main and in thread
// destructors, never calls into a TLS library, and is not async-signal-safe.

#ifndef SECRETMODE_SECRET_ARENA_H_
#define SECRETMODE_SECRET_ARENA_H_

#include <stddef.h>
#include <stdint.h>

#include "secret/arena_layout.h"

namespace secret {
namespace internal {

// ArenaAllocate returns a zero-filled arena block of at least `size` bytes
// aligned to `alignment` (a power of two), or NULL with errno set: ENOMEM
// when the arena is exhausted, cannot be reserved, or `size` is more than
// half of it.
void* ArenaAllocate(size_t size, size_t alignment);

// ArenaFree zeroes the live arena block `p` and returns it to the arena.
// `caller` names the API function in the abort message for a `p` that is not
// a live block.
void ArenaFree(void* p, const char* caller);

// ArenaUsableSize returns the usable bytes of the live arena block `p`, or
// aborts naming `caller` if `p` is not one.
size_t ArenaUsableSize(const void* p, const char* caller);

// ArenaReallocate moves or resizes the live arena block `p` to hold `size`
// bytes and returns the block, or NULL with errno ENOMEM leaving `p` intact.
// The result is always an arena block. A moved block is zeroed when freed.
void* ArenaReallocate(void* p, size_t size, const char* caller);

// ArenaAbort prints "secretmode: <caller>(<p>): <why>" and aborts. It uses
// only write(2) and abort(), so it is safe with the allocator's locks held.
[[noreturn]] void ArenaAbort(const char* caller, const void* p,
                             const char* why);

// EnsureArena reserves the region on first use. Returns 0 or an errno.
int EnsureArena();

// ZeroBlock clears [p, p + n) in a way the compiler cannot drop, although the
// memory is dead to the program.
static inline void ZeroBlock(void* p, size_t n) {
  __builtin_memset(p, 0, n);
  __asm__ __volatile__("" : : "r"(p) : "memory");
}

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_ARENA_H_
