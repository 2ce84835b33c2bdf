// allocator_api_test.cc: the secret allocator's C API (secret_malloc and
// friends): zero-filled, aligned blocks that are zeroed when freed; clear
// aborts on bad pointers; NULL on impossible sizes and on exhaustion, with
// the arena intact afterwards; statistics; the arena's mapping flags.

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/support/memory_lock.h"
#include "tests/support/vm_flags.h"

namespace secret_test {
namespace {

volatile size_t g_huge = SIZE_MAX;

bool AllZero(const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

const std::vector<size_t>& Sizes() {
  static const std::vector<size_t> sizes = {0,    1,    15,   16,    17,
                                            127,  128,  129,  1000,  4096,
                                            8191, 8192, 8193, 65536, 1 << 20};
  return sizes;
}

TEST(AllocatorApiTest, BlocksAreZeroAlignedAndUsable) {
  for (size_t size : Sizes()) {
    uint8_t* p = static_cast<uint8_t*>(secret_malloc(size));
    ASSERT_NE(p, nullptr) << size;
    EXPECT_TRUE(secret_is_arena_block(p));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << size;
    const size_t usable = secret_usable_size(p);
    EXPECT_GE(usable, size);
    EXPECT_TRUE(AllZero(p, usable)) << size;
    memset(p, 0xa5, usable);
    secret_free(p);
  }
}

// Freeing zeroes the whole block in place: the arena memory stays mapped, so
// the test can look at it after the free.
TEST(AllocatorApiTest, FreeZeroesTheWholeBlock) {
  for (size_t size : Sizes()) {
    uint8_t* p = static_cast<uint8_t*>(secret_malloc(size));
    const size_t usable = secret_usable_size(p);
    memset(p, 0xa5, usable);
    secret_free(p);
    EXPECT_TRUE(AllZero(p, usable)) << size;
  }
}

TEST(AllocatorApiTest, CallocIsZeroAndChecksOverflow) {
  uint8_t* p = static_cast<uint8_t*>(secret_calloc(100, 10));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(AllZero(p, 1000));
  secret_free(p);
  errno = 0;
  EXPECT_EQ(secret_calloc(g_huge / 2, 3), nullptr);
  EXPECT_EQ(errno, ENOMEM);
}

TEST(AllocatorApiTest, AlignedAllocHonoursEveryPowerOfTwo) {
  for (size_t alignment = 1; alignment <= (size_t{4} << 20); alignment <<= 1) {
    for (size_t size : {size_t{1}, size_t{100}, size_t{20000}}) {
      void* p = secret_aligned_alloc(alignment, size);
      ASSERT_NE(p, nullptr) << alignment << " " << size;
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % alignment, 0u)
          << alignment << " " << size;
      EXPECT_GE(secret_usable_size(p), size);
      memset(p, 1, size);
      secret_free(p);
    }
  }
  errno = 0;
  EXPECT_EQ(secret_aligned_alloc(48, 10), nullptr);
  EXPECT_EQ(errno, EINVAL);
  errno = 0;
  EXPECT_EQ(secret_aligned_alloc(0, 10), nullptr);
  EXPECT_EQ(errno, EINVAL);
}

// A realloc that moves zeroes the block it leaves.
TEST(AllocatorApiTest, ReallocKeepsContentsAndZeroesTheOldBlock) {
  uint8_t* p = static_cast<uint8_t*>(secret_malloc(24));
  for (int i = 0; i < 24; ++i) p[i] = static_cast<uint8_t>(0x80 + i);
  for (size_t size : {100, 5000, 40000, 1 << 20, 32}) {
    uint8_t* old = p;
    const size_t old_usable = secret_usable_size(old);
    p = static_cast<uint8_t*>(secret_realloc(p, size));
    ASSERT_NE(p, nullptr);
    for (int i = 0; i < 24; ++i) ASSERT_EQ(p[i], 0x80 + i) << size;
    if (p != old) {
      EXPECT_TRUE(AllZero(old, old_usable)) << size;
    }
  }
  secret_free(p);
  p = static_cast<uint8_t*>(secret_realloc(nullptr, 10));
  ASSERT_NE(p, nullptr);
  errno = 0;
  EXPECT_EQ(secret_realloc(p, g_huge), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_TRUE(secret_is_arena_block(p));  // left intact
  secret_free(p);
}

TEST(AllocatorApiTest, ImpossibleSizesReturnNull) {
  errno = 0;
  EXPECT_EQ(secret_malloc(g_huge), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  secret_arena_stats stats;
  secret_get_arena_stats(&stats);
  errno = 0;
  EXPECT_EQ(secret_malloc(stats.bytes_reserved), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_EQ(secret_aligned_alloc(size_t{1} << 30, g_huge - 100), nullptr);
  secret_free(nullptr);  // ignored
  EXPECT_EQ(secret_usable_size(nullptr), 0u);
}

TEST(AllocatorApiTest, StatisticsFollowLiveAndZeroedBytes) {
  secret_arena_stats before;
  ASSERT_EQ(secret_get_arena_stats(&before), 0);
  void* p = secret_malloc(1000);
  void* q = secret_malloc(100000);
  secret_arena_stats during;
  secret_get_arena_stats(&during);
  const uint64_t usable = secret_usable_size(p) + secret_usable_size(q);
  EXPECT_EQ(during.bytes_live - before.bytes_live, usable);
  EXPECT_EQ(during.blocks_live - before.blocks_live, 2u);
  EXPECT_EQ(during.allocations - before.allocations, 2u);
  EXPECT_GT(during.bytes_reserved, 0u);
  EXPECT_GE(during.bytes_committed, 100000u);
  EXPECT_EQ(during.excluded_from_core_dumps, 1);
  secret_free(p);
  secret_free(q);
  secret_arena_stats after;
  secret_get_arena_stats(&after);
  EXPECT_EQ(after.bytes_live, before.bytes_live);
  EXPECT_EQ(after.blocks_live, before.blocks_live);
  EXPECT_EQ(after.bytes_zeroed - before.bytes_zeroed, usable);
  EXPECT_EQ(after.frees - before.frees, 2u);
}

// The arena is left out of core dumps and locked as reported, but not wiped
// on fork: forking servers use blocks made before the fork.
TEST(AllocatorApiTest, ArenaMappingIsDontdumpLockedAndNotWipedOnFork) {
  for (size_t size : {size_t{64}, size_t{100000}}) {
    void* p = secret_malloc(size);
    const std::string flags = VmFlagsOf(reinterpret_cast<uintptr_t>(p));
    ASSERT_FALSE(flags.empty());
    EXPECT_NE(flags.find(" dd "), std::string::npos) << flags;
    EXPECT_EQ(flags.find(" wf "), std::string::npos) << flags;
    // Locked until the first mlock the kernel refuses (RLIMIT_MEMLOCK, 8 MiB
    // by default, counts unless CAP_IPC_LOCK holds in the initial user
    // namespace); from then on the statistics say "not locked".
    secret_arena_stats stats;
    secret_get_arena_stats(&stats);
    if (stats.locked) {
      EXPECT_NE(flags.find(" lo "), std::string::npos) << flags;
    } else {
      EXPECT_NE(stats.lock_error, 0);
    }
    secret_free(p);
  }
}

// The two tests below run their body in a child that the death-test
// machinery re-executes from scratch ("threadsafe" style), so the arena is
// created anew there, with the limits and environment the test sets.

// With RLIMIT_MEMLOCK at zero and no CAP_IPC_LOCK the arena cannot be
// locked: allocation still works and the statistics say why.
[[noreturn]] void AllocateWithoutLockPermission() {
    if (!ForbidMemoryLocking()) _exit(10);
    void* p = secret_malloc(100);
    secret_arena_stats stats;
    secret_get_arena_stats(&stats);
    const bool ok = p != nullptr && stats.locked == 0 &&
                    (stats.lock_error == EPERM || stats.lock_error == ENOMEM);
    secret_free(p);
    _exit(ok ? 0 : 1);
}

TEST(AllocatorApiTest, LockFailureIsReportedNotFatal) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_EXIT(AllocateWithoutLockPermission(), ::testing::ExitedWithCode(0), "");
}

// Exhaustion: a 64 MiB arena fills up, allocation then fails with NULL and
// ENOMEM (operator new with bad_alloc), every block already handed out is
// intact, and after freeing them the arena serves again.
[[noreturn]] void FillTheArena() {
    std::vector<uint8_t*> blocks;
    for (;;) {
      errno = 0;
      uint8_t* p = static_cast<uint8_t*>(secret_malloc(200000));
      if (p == nullptr) break;
      memset(p, static_cast<int>(blocks.size() & 0xff), 200000);
      blocks.push_back(p);
      if (blocks.size() > 10000) _exit(2);  // never filled up
    }
    if (errno != ENOMEM || blocks.size() < 100) _exit(3);
    // Small blocks may still fit in spans carved already, or fail cleanly.
    void* small = secret_malloc(32);
    bool threw = false;
    secret::Do([&] {
      try {
        void* big = operator new(200000);
        operator delete(big);
      } catch (const std::bad_alloc&) {
        threw = true;
      }
    });
    if (!threw) _exit(4);
    for (size_t i = 0; i < blocks.size(); ++i) {
      for (size_t j = 0; j < 200000; j += 4099) {
        if (blocks[i][j] != (i & 0xff)) _exit(5);
      }
      secret_free(blocks[i]);
    }
    secret_free(small);
    void* again = secret_malloc(200000);
    if (again == nullptr) _exit(6);
    secret_free(again);
    _exit(0);
}

TEST(AllocatorApiTest, ExhaustionFailsCleanlyAndRecovers) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  setenv("SECRETMODE_ARENA_SIZE", "64M", 1);
  EXPECT_EXIT(FillTheArena(), ::testing::ExitedWithCode(0), "");
  unsetenv("SECRETMODE_ARENA_SIZE");
}

// secret::Allocator puts a container's buffers in the arena outside Do,
// and every buffer it outgrows or drops is zeroed.
TEST(AllocatorApiTest, StandardAllocatorKeepsContainersInTheArena) {
  const secret::ArenaStats before = secret::GetArenaStats();
  uint8_t* first_buffer = nullptr;
  size_t first_size = 0;
  {
    std::vector<uint8_t, secret::Allocator<uint8_t>> key(32, 0x77);
    first_buffer = key.data();
    first_size = secret_usable_size(first_buffer);
    EXPECT_TRUE(secret_is_arena_block(key.data()));
    key.resize(100000, 0x77);  // moves to a large run
    EXPECT_TRUE(secret_is_arena_block(key.data()));
    EXPECT_TRUE(AllZero(first_buffer, first_size));
  }
  const secret::ArenaStats after = secret::GetArenaStats();
  EXPECT_EQ(after.blocks_live, before.blocks_live);
  struct alignas(64) Wide {
    uint8_t bytes[64];
  };
  std::vector<Wide, secret::Allocator<Wide>> wide(3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(wide.data()) % 64, 0u);
}

// ---- Bad input: a clear message and abort, never silent corruption. ----

TEST(AllocatorApiDeathTest, DoubleFreeOfASmallBlockAborts) {
  EXPECT_DEATH(
      {
        void* p = secret_malloc(40);
        secret_free(p);
        secret_free(p);
      },
      "secretmode: secret_free\\(0x[0-9a-f]+\\): double free");
}

TEST(AllocatorApiDeathTest, DoubleFreeOfALargeBlockAborts) {
  EXPECT_DEATH(
      {
        void* p = secret_malloc(100000);
        void* volatile again = p;  // hides the double free from the compiler
        free(p);
        free(again);
      },
      "secretmode: free\\(0x[0-9a-f]+\\): double free");
}

TEST(AllocatorApiDeathTest, InteriorPointerAborts) {
  EXPECT_DEATH(
      {
        char* p = static_cast<char*>(secret_malloc(64));
        free(p + 16);
      },
      "secretmode: free\\(0x[0-9a-f]+\\): not the start of a secret arena "
      "block");
  EXPECT_DEATH(
      {
        char* p = static_cast<char*>(secret_malloc(100000));
        secret_free(p + 4096);
      },
      "not the start of a live secret arena block");
}

TEST(AllocatorApiDeathTest, PointerIntoUnusedArenaSpaceAborts) {
  EXPECT_DEATH(
      {
        // The middle of the reservation lies between the spans carved from
        // the bottom and the runs carved from the top.
        secret_arena_stats stats;
        char* p = static_cast<char*>(secret_malloc(16));
        secret_get_arena_stats(&stats);
        free(p + stats.bytes_reserved / 2);
      },
      "inside the secret arena but not a live block");
}

TEST(AllocatorApiDeathTest, ForeignPointerToTheExplicitApiAborts) {
  EXPECT_DEATH(
      {
        void* p = malloc(16);
        secret_free(p);
      },
      "secretmode: secret_free\\(0x[0-9a-f]+\\): not a secret arena block");
  EXPECT_DEATH(
      {
        int local = 0;
        secret_usable_size(&local);
      },
      "secret_usable_size.*not a secret arena block");
}

TEST(AllocatorApiDeathTest, ReallocOfAFreedBlockAborts) {
  EXPECT_DEATH(
      {
        void* p = secret_malloc(100);
        secret_free(p);
        secret_realloc(p, 200);
      },
      "secret_realloc.*not the start of a live secret arena block");
}

}  // namespace
}  // namespace secret_test
