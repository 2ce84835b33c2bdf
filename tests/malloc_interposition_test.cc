// malloc_interposition_test.cc: every function of the malloc family and
// every form of operator new allocates from the secret arena inside
// secret::Do and from the C library outside it; free and delete accept both
// kinds of block in both modes; failures are reported as each API promises.

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <functional>
#include <new>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"

namespace secret_test {
namespace {

// Allocation is one way of getting a block, and the matching way to free it.
struct Allocation {
  const char* name;
  std::function<void*()> allocate;
  std::function<void(void*)> release;
  size_t alignment;
};

std::vector<Allocation> AllAllocations() {
  const size_t page = static_cast<size_t>(getpagesize());
  auto c_free = [](void* p) { free(p); };
  return {
      {"malloc", [] { return malloc(100); }, c_free, 16},
      {"calloc", [] { return calloc(10, 10); }, c_free, 16},
      {"realloc(NULL)", [] { return realloc(nullptr, 100); }, c_free, 16},
      {"reallocarray(NULL)", [] { return reallocarray(nullptr, 10, 10); }, c_free, 16},
      {"posix_memalign",
       [] {
         void* p = nullptr;
         return posix_memalign(&p, 256, 100) == 0 ? p : nullptr;
       },
       c_free, 256},
      {"aligned_alloc", [] { return aligned_alloc(4096, 8192); }, c_free, 4096},
      {"memalign", [] { return memalign(128, 100); }, c_free, 128},
      {"valloc", [] { return valloc(100); }, c_free, page},
      {"pvalloc", [] { return pvalloc(100); }, c_free, page},
      {"new", [] { return static_cast<void*>(new char); },
       [](void* p) { delete static_cast<char*>(p); }, 16},
      {"new[]", [] { return static_cast<void*>(new char[100]); },
       [](void* p) { delete[] static_cast<char*>(p); }, 16},
      {"new(nothrow)", [] { return static_cast<void*>(new (std::nothrow) long); },
       [](void* p) { operator delete(p, std::nothrow); }, 16},
      {"new[](nothrow)",
       [] { return static_cast<void*>(new (std::nothrow) long[4]); },
       [](void* p) { operator delete[](p, std::nothrow); }, 16},
      {"new(align 64)",
       [] { return operator new(100, std::align_val_t{64}); },
       [](void* p) { operator delete(p, std::align_val_t{64}); }, 64},
      {"new[](align 128K)",
       [] { return operator new[](100, std::align_val_t{128 * 1024}); },
       [](void* p) { operator delete[](p, std::align_val_t{128 * 1024}); },
       128 * 1024},
      {"new(align 64, nothrow)",
       [] { return operator new(100, std::align_val_t{64}, std::nothrow); },
       [](void* p) { operator delete(p, std::align_val_t{64}, std::nothrow); },
       64},
      {"new[](align 64, nothrow)",
       [] { return operator new[](100, std::align_val_t{64}, std::nothrow); },
       [](void* p) { operator delete[](p, std::align_val_t{64}, std::nothrow); },
       64},
      {"sized delete", [] { return operator new(48); },
       [](void* p) { operator delete(p, size_t{48}); }, 16},
      {"sized aligned delete[]",
       [] { return operator new[](48, std::align_val_t{32}); },
       [](void* p) { operator delete[](p, size_t{48}, std::align_val_t{32}); },
       32},
  };
}

bool Aligned(const void* p, size_t alignment) {
  return reinterpret_cast<uintptr_t>(p) % alignment == 0;
}

TEST(MallocInterpositionTest, InsideDoEveryFormAllocatesFromTheArena) {
  for (const Allocation& a : AllAllocations()) {
    void* p = nullptr;
    secret::Do([&] { p = a.allocate(); });
    ASSERT_NE(p, nullptr) << a.name;
    EXPECT_TRUE(secret_is_arena_block(p)) << a.name;
    EXPECT_TRUE(Aligned(p, a.alignment)) << a.name;
    EXPECT_GE(malloc_usable_size(p), 1u) << a.name;
    a.release(p);  // outside Do: still the arena's
  }
}

TEST(MallocInterpositionTest, OutsideDoEveryFormUsesTheCLibrary) {
  for (const Allocation& a : AllAllocations()) {
    void* p = a.allocate();
    ASSERT_NE(p, nullptr) << a.name;
    EXPECT_FALSE(secret_is_arena_block(p)) << a.name;
    EXPECT_TRUE(Aligned(p, a.alignment)) << a.name;
    secret::Do([&] { a.release(p); });  // inside Do: still the C library's
  }
}

TEST(MallocInterpositionTest, ArenaBlocksAreZeroAndUsableToTheirSize) {
  secret::Do([] {
    for (size_t size : {1, 16, 17, 100, 1000, 8192, 8193, 100000}) {
      uint8_t* p = static_cast<uint8_t*>(malloc(size));
      ASSERT_NE(p, nullptr);
      const size_t usable = malloc_usable_size(p);
      ASSERT_GE(usable, size);
      for (size_t i = 0; i < usable; ++i) ASSERT_EQ(p[i], 0) << size << " @" << i;
      memset(p, 0xff, usable);  // all of it is ours
      free(p);
    }
  });
}

// realloc keeps the contents across size classes and into page runs, in
// both directions, and an arena block stays in the arena outside Do.
TEST(MallocInterpositionTest, ReallocKeepsContentsAndStaysInTheArena) {
  uint8_t* p = nullptr;
  secret::Do([&] { p = static_cast<uint8_t*>(malloc(10)); });
  for (int i = 0; i < 10; ++i) p[i] = static_cast<uint8_t>(i + 1);
  for (size_t size : {20, 200, 5000, 70000, 300000, 64, 10}) {
    p = static_cast<uint8_t*>(realloc(p, size));
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(secret_is_arena_block(p)) << size;
    for (int i = 0; i < 10; ++i) ASSERT_EQ(p[i], i + 1) << size;
  }
  EXPECT_EQ(realloc(p, 0), nullptr);  // as the C library: freed
}

TEST(MallocInterpositionTest, ForeignBlockReallocatedInDoMovesIntoTheArena) {
  char* p = static_cast<char*>(malloc(32));
  strcpy(p, "kept across the move");
  secret::Do([&] { p = static_cast<char*>(realloc(p, 4000)); });
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(secret_is_arena_block(p));
  EXPECT_STREQ(p, "kept across the move");
  free(p);
}

// Sizes the compiler cannot see, so it does not reject the calls.
volatile size_t g_huge = SIZE_MAX;
volatile size_t g_half = SIZE_MAX / 2;

TEST(MallocInterpositionTest, FailuresInsideDoAreReportedAsEachApiPromises) {
  secret::Do([] {
    errno = 0;
    EXPECT_EQ(malloc(g_huge), nullptr);
    EXPECT_EQ(errno, ENOMEM);
    errno = 0;
    EXPECT_EQ(calloc(g_half, 3), nullptr);  // overflows
    EXPECT_EQ(errno, ENOMEM);
    errno = 0;
    EXPECT_EQ(reallocarray(nullptr, g_half, 3), nullptr);
    EXPECT_EQ(errno, ENOMEM);
    void* p = nullptr;
    EXPECT_EQ(posix_memalign(&p, 24, 10), EINVAL);
    EXPECT_EQ(posix_memalign(&p, 64, g_huge), ENOMEM);
    errno = 0;
    EXPECT_EQ(aligned_alloc(48, 96), nullptr);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_THROW((void)operator new(g_half), std::bad_alloc);
    EXPECT_EQ(operator new(g_half, std::nothrow), nullptr);
  });
}

int g_handler_calls;

// A new-handler that frees nothing and gives up on its second call, as the
// standard allows.
void CountingNewHandler() {
  if (++g_handler_calls >= 2) std::set_new_handler(nullptr);
}

TEST(MallocInterpositionTest, OperatorNewInDoCallsTheNewHandler) {
  g_handler_calls = 0;
  std::set_new_handler(CountingNewHandler);
  secret::Do([] {
    EXPECT_THROW((void)operator new(g_half), std::bad_alloc);
  });
  std::set_new_handler(nullptr);
  EXPECT_EQ(g_handler_calls, 2);
}

// The C library's own allocations inside Do (here strdup's) come from the
// arena too: it calls malloc through the symbol secretmode defines.
TEST(MallocInterpositionTest, CLibraryInternalAllocationsInDoUseTheArena) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer's strdup allocates from its own heap";
#endif
  char* copy = nullptr;
  secret::Do([&] { copy = strdup("a copy made by the C library"); });
  EXPECT_TRUE(secret_is_arena_block(copy));
  free(copy);
}

}  // namespace
}  // namespace secret_test
