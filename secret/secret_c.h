/* secret_c.h: the C API of secretmode, Go's runtime/secret for native code.
 *
 * `secret_do(fn, arg)` runs `fn(arg)` so that, when it returns, the registers
 * and the stack that fn's whole call tree used are erased. C callers such as
 * the BoringSSL patches use this header; C++ callers use "secret/secret.h".
 *
 * Errors follow one convention: functions that can fail return 0 on success
 * and a positive errno value on failure, and leave the process intact. */

#ifndef SECRETMODE_SECRET_SECRET_C_H_
#define SECRETMODE_SECRET_SECRET_C_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* secret_do runs `fn(arg)` in secret mode and returns 0 after it has erased
 * what fn left behind:
 *  - every caller-saved general register, the flags and all caller-saved
 *    vector state (x86-64: xmm/ymm/zmm0-31 and k0-7 where the CPU has them;
 *    arm64: v0-v7, v16-v31, the upper halves of v8-v15, FPSR, and with SVE
 *    the z registers above 128 bits, p0-p15 and FFR) are zero when it
 *    returns, and no compiled code runs between fn's last instruction and the
 *    clearing;
 *  - fn runs on this thread's secret stack, and the part of it that fn
 *    dirtied is zero when secret_do returns; the cost follows the bytes fn
 *    dirtied, not the stack's configured size;
 *  - signal handlers that run during fn run on this thread's secret signal
 *    stack, which is erased whole afterwards;
 *  - the secret stacks are excluded from core dumps, wiped in fork children
 *    and locked in RAM where RLIMIT_MEMLOCK allows.
 *
 * Calls nest: a secret_do inside fn calls its fn directly, and the outermost
 * call erases. If fn is C++ and throws, the exception is caught on the secret
 * stack, everything is erased, and it is rethrown from secret_do. While fn
 * runs, threads it starts with pthread_create run their start routine inside
 * secret_do, and fork and _Fork fail with EPERM (the child would resume fn
 * on a secret stack that the kernel zeroed for it); vfork and posix_spawn
 * work, since their child borrows the parent's memory until it execs.
 *
 * It returns 0 when fn ran, or, without running fn: ENOMEM when this
 * thread's secret stacks could not be mapped, EBUSY when this thread's first
 * secret_do runs in a signal handler on the program's own alternate signal
 * stack (which cannot be replaced while in use), or when this thread's secret
 * stack is held by an outermost call that a coroutine started and paused
 * (fn switched away with swapcontext, as OpenSSL's ASYNC jobs do when a call
 * inside them started secret mode). On unsupported platforms it calls fn
 * directly and returns 0 (see `secret_supported`). It is not
 * async-signal-safe the first time a thread calls it (it maps memory);
 * afterwards it makes no system calls unless fn goes deeper than before.
 *
 * WARNING: it does not erase globals or heap memory fn wrote (heap blocks
 * allocated inside fn are erased when freed, by the secret allocator), memory
 * fn's pointers leaked to, a stack fn switched to itself, or registers the
 * kernel saved while fn was preempted outside the process's memory. If fn
 * leaves by longjmp or pthread_exit, the secret stack is erased at this
 * thread's next secret_do or at thread exit, not at once. A fault past the
 * end of the secret stack aborts with a message naming SECRETMODE_STACK_SIZE.
 * Signal handlers installed with raw system calls, bypassing sigaction(), may
 * push their frames onto the secret stack. The secret stack grows by handled
 * SIGSEGV faults, so pthread_sigmask and sigprocmask never block SIGSEGV and
 * a thread's first secret_do unblocks it; pthread_create, posix_spawn(p),
 * system and popen, whose C library code blocks every signal, commit room
 * first. Code in fn that blocks SIGSEGV through the kernel's own interface
 * and then goes deeper than fn's earlier calls is killed by the kernel.
 * Not cleared: the x87/MMX registers on x86-64, and on arm64 the SME state
 * (ZA, ZT0, streaming mode). On arm64 a signal frame larger than the standard
 * one (large SVE or SME state) is only detected on the secret signal stack
 * through the frame record the kernel writes at its top, which is zero if the
 * interrupted code had zeroed both its frame pointer and its link register. */
int secret_do(void (*fn)(void *arg), void *arg);

/* secret_enabled returns 1 when the calling code runs inside `secret_do` on
 * this thread (including signal handlers interrupting it and threads started
 * inside it), and 0 otherwise. A secret_do left by longjmp no longer counts.
 * It is async-signal-safe and costs a thread-local load when 0. */
int secret_enabled(void);

/* secret_supported returns 1 when this build erases (linux/x86_64 and
 * linux/arm64), and 0 where `secret_do` just calls fn. Async-signal-safe. */
int secret_supported(void);

/* secret_config holds the settings for secret stacks created from now on.
 * Each thread creates its stacks at its first `secret_do`. The environment
 * variables named below set the initial values. */
struct secret_config {
  /* stack_size is how many bytes of stack fn's call tree may use
   * (SECRETMODE_STACK_SIZE, default 1 MiB, 16 KiB to 1 GiB). Only address
   * space is reserved; memory is committed as fn goes deeper. */
  size_t stack_size;
  /* signal_stack_size is the size of the secret signal stack
   * (SECRETMODE_SIGNAL_STACK_SIZE, default 64 KiB, 16 KiB to 16 MiB). */
  size_t signal_stack_size;
  /* lock_memory asks for mlock of committed secret stack memory
   * (SECRETMODE_MLOCK=0 turns it off; default 1). Failure is reported in
   * `secret_thread_stats`, never fatal. */
  int lock_memory;
  /* exclude_from_core_dumps applies MADV_DONTDUMP to the secret stacks
   * (SECRETMODE_DONTDUMP=0 turns it off for debugging; default 1). */
  int exclude_from_core_dumps;
  /* arena_size is the address space the secret allocator reserves for all of
   * its blocks (SECRETMODE_ARENA_SIZE, default 16 GiB, 64 MiB to 1 TiB). Only
   * address space is reserved; memory is committed as blocks are used. It is
   * read once, when the arena is first used. lock_memory and
   * exclude_from_core_dumps apply to the arena as to the stacks. */
  size_t arena_size;
};

/* secret_get_config copies the current settings into `*out` and returns 0.
 * Thread-safe; not async-signal-safe. */
int secret_get_config(struct secret_config *out);

/* secret_set_config replaces the settings for stacks created from now on and
 * returns 0, or returns EINVAL (changing nothing) when a size is out of range.
 * Thread-safe; not async-signal-safe. */
int secret_set_config(const struct secret_config *config);

/* secret_thread_stats describes the calling thread's secret mode. */
struct secret_thread_stats {
  uint64_t calls;             /* outermost secret_do calls that switched */
  uint64_t bytes_erased;      /* stack bytes zeroed after those calls */
  uint64_t bytes_inspected;   /* stack bytes read or zeroed by erasure */
  uint64_t last_dirty_bytes;  /* depth the last call dirtied (its whole zone
                                 when that was small enough to zero unread) */
  uint64_t fence_faults;      /* times fn went deeper than prepared */
  uint64_t fence_shrinks;     /* times committed memory was given back */
  uint64_t deferred_erasures; /* stacks left by longjmp/pthread_exit, erased late */
  uint64_t signal_stack_wipes;/* secret signal stack erasures after signals */
  size_t stack_reserved;      /* address space of the secret stack */
  size_t stack_committed;     /* memory of it currently usable */
  size_t signal_stack_size;   /* size of the secret signal stack */
  int stack_locked;           /* 1 if all committed stack memory is mlocked */
  int signal_stack_locked;    /* 1 if the signal stack is mlocked */
  int has_stacks;             /* 0 until the thread's first secret_do */
};

/* secret_get_thread_stats fills `*out` for the calling thread and returns 0.
 * Async-signal-safe. */
int secret_get_thread_stats(struct secret_thread_stats *out);

/* ---- The secret allocator ----
 *
 * Every block lives in one reserved region of address space, the secret
 * arena: small blocks in size classes, large ones in page runs followed by a
 * PROT_NONE guard page. Committed arena memory is excluded from core dumps
 * and locked in RAM where RLIMIT_MEMLOCK allows (see `secret_arena_stats`).
 * A block is zeroed when it is freed, by whichever thread frees it, so freed
 * arena memory is always zero: a fork child inherits live blocks intact and
 * no freed secret. Metadata lives outside the blocks, so a write past the end
 * of a small block cannot corrupt the allocator, only the next block.
 *
 * While `secret_enabled()` holds, the C library's malloc family (malloc,
 * free, calloc, realloc, reallocarray, posix_memalign, aligned_alloc,
 * memalign, valloc, pvalloc, malloc_usable_size) and every form of C++
 * operator new and delete allocate from the arena, so exception objects and
 * containers built inside secret_do are erased when freed. Outside it they
 * forward to the next allocator in the process (the C library's, a
 * sanitizer's, or one the program links), except that freeing an arena block
 * always zeroes it and returns it to the arena. A block of the next
 * allocator that is freed or moved by realloc inside secret_do is zeroed
 * before it is handed back, since fn may have written secrets into it.
 *
 * Bad input never corrupts the arena: freeing or reallocating a pointer that
 * lies inside the arena but is not a live block (a double free, an interior
 * pointer) prints a message naming the pointer and aborts. */

/* secret_malloc returns a new arena block of at least `size` bytes, aligned
 * to 16 bytes, and zero-filled (fresh and freed arena memory is zero). The
 * caller owns it and releases it with `secret_free` or free(). It works
 * whether or not secret mode is enabled, before main and in thread
 * destructors. It returns NULL with errno ENOMEM when the arena is exhausted
 * or `size` exceeds half of it; secret_malloc(0) returns a unique block.
 * Thread-safe; not async-signal-safe.
 *
 * WARNING: the block is erased when it is freed, not before: a secret in a
 * live block is in memory (locked and out of core dumps where possible)
 * until then. Copies of it made elsewhere are not tracked. */
void *secret_malloc(size_t size);

/* secret_calloc returns a zero-filled arena block for `count` elements of
 * `size` bytes, or NULL with errno ENOMEM on overflow or exhaustion. It
 * costs the same as `secret_malloc`: arena memory is already zero. */
void *secret_calloc(size_t count, size_t size);

/* secret_aligned_alloc returns an arena block of at least `size` bytes
 * aligned to `alignment`, which must be a power of two (EINVAL otherwise;
 * any power of two up to 1 GiB works). NULL with errno ENOMEM on
 * exhaustion. */
void *secret_aligned_alloc(size_t alignment, size_t size);

/* secret_realloc resizes the arena block `ptr` to `size` bytes, as realloc
 * does: the result keeps the old contents up to the smaller size, and the
 * old block, when moved, is zeroed before it is reused. secret_realloc(NULL,
 * n) is secret_malloc(n); secret_realloc(p, 0) frees p and returns a new
 * minimal block. On failure it returns NULL with errno ENOMEM and leaves
 * `ptr` untouched. A `ptr` that is not a live arena block aborts with a
 * message. */
void *secret_realloc(void *ptr, size_t size);

/* secret_free zeroes the arena block `ptr` (all of its usable size) and
 * returns it to the arena; NULL is ignored. Any thread may free any block.
 * A `ptr` that is not a live arena block (a double free, an interior
 * pointer, memory of another allocator) aborts with a message naming it. */
void secret_free(void *ptr);

/* secret_usable_size returns how many bytes of the arena block `ptr` may be
 * used (at least what was asked for), 0 for NULL. A `ptr` that is not a live
 * arena block aborts with a message. */
size_t secret_usable_size(const void *ptr);

/* secret_is_arena_block returns 1 when `ptr` points into the secret arena's
 * reserved region (live block or not), and 0 otherwise. Async-signal-safe. */
int secret_is_arena_block(const void *ptr);

/* secret_arena_stats describes the whole arena (all threads). */
struct secret_arena_stats {
  uint64_t bytes_live;        /* usable bytes of live blocks */
  uint64_t blocks_live;       /* live blocks */
  uint64_t bytes_zeroed;      /* bytes zeroed by frees and reallocs */
  uint64_t allocations;       /* blocks handed out since start */
  uint64_t frees;             /* blocks freed since start */
  size_t bytes_reserved;      /* address space of the arena (0 before first use) */
  size_t bytes_committed;     /* arena memory made usable so far */
  int locked;                 /* 1 if all committed arena memory is mlocked */
  int lock_error;             /* errno of the first refused mlock, else 0 */
  int excluded_from_core_dumps; /* 1 if MADV_DONTDUMP is applied */
};

/* secret_get_arena_stats fills `*out` and returns 0. Counts from other
 * threads may lag by the operations in flight. Thread-safe; not
 * async-signal-safe. */
int secret_get_arena_stats(struct secret_arena_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* SECRETMODE_SECRET_SECRET_C_H_ */
