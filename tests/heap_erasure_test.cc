// heap_erasure_test.cc: heap memory allocated inside secret::Do is zeroed
// when it is freed, wherever and whenever that happens. Each erasure test
// scans the whole process after the free, beside a proof that the same code
// run plainly leaves the secret where the scan finds it.

#include <stdlib.h>
#include <string.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_residue.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

// Blocks of this size keep their contents after the C library's free (its
// bookkeeping overwrites only their first 16 bytes) and are not reused by
// the scanner's own allocations, so the plain-call proofs can see them.
constexpr size_t kBlockSize = 1000;
constexpr size_t kSecretOffset = 300;

// Escape makes the compiler keep stores into a block that is freed unread.
void Escape(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

class HeapErasureTest : public ::testing::Test {
 protected:
  void SetUp() override { NewTestSecret(); }
};

// The plain-call proofs need the freed block to stay unused until the scan.
// TSan's allocator has coarser size classes than the C library's and hands
// the freed block to the scanner's own allocations (its region list and
// maps text), which overwrite it: under TSan these proofs are skipped, and
// they run in the plain and ASan builds. The erasure tests run everywhere.
#if defined(__SANITIZE_THREAD__)
#define SKIP_PLAIN_PROOF_UNDER_TSAN() \
  GTEST_SKIP() << "TSan's allocator reuses the freed block for the scan"
#else
#define SKIP_PLAIN_PROOF_UNDER_TSAN() \
  do {                                 \
  } while (0)
#endif

// MallocCopyFree is what a careless f does: a heap copy, freed without
// wiping.
__attribute__((noinline)) void MallocCopyFree() {
  uint8_t* p = static_cast<uint8_t*>(malloc(kBlockSize));
  memset(p, 0x5a, kBlockSize);
  memcpy(p + kSecretOffset, TestSecret(), kSecretSize);
  Escape(p);
  free(p);
}

TEST_F(HeapErasureTest, PlainMallocBlockKeepsTheSecretAfterFree) {
  SKIP_PLAIN_PROOF_UNDER_TSAN();
  MallocCopyFree();
  EXPECT_FALSE(FindResidueInSelf().empty());
}

TEST_F(HeapErasureTest, MallocBlockFromDoIsGoneAfterFree) {
  secret::Do([] { MallocCopyFree(); });
  const Residue residue = FindResidueInSelf();
  EXPECT_GT(residue.bytes_scanned, 0u);
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// A block allocated in Do but freed later, outside it, is zeroed then.
TEST_F(HeapErasureTest, BlockFreedAfterDoIsZeroedWhenFreed) {
  uint8_t* p = nullptr;
  secret::Do([&] {
    p = static_cast<uint8_t*>(malloc(kBlockSize));
    memcpy(p + kSecretOffset, TestSecret(), kSecretSize);
  });
  ASSERT_TRUE(secret_is_arena_block(p));
  EXPECT_FALSE(FindResidueInSelf().whole.empty()) << "live until freed";
  free(p);
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(HeapErasureTest, BlockFromDoFreedOnAnotherThreadIsGone) {
  uint8_t* p = nullptr;
  secret::Do([&] {
    p = static_cast<uint8_t*>(malloc(kBlockSize));
    memcpy(p + kSecretOffset, TestSecret(), kSecretSize);
  });
  std::thread([p] { free(p); }).join();
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// SecretError is an exception whose object holds the secret, as an error
// carrying the offending input would. With the C++ runtime's header in front
// (128 bytes here) its allocation is kBlockSize bytes.
struct SecretError {
  uint8_t bytes[kBlockSize - 128];
};

__attribute__((noinline)) void ThrowSecretError() {
  SecretError error;
  memset(error.bytes, 0x5a, sizeof error.bytes);
  memcpy(error.bytes + kSecretOffset, TestSecret(), kSecretSize);
  throw error;
}

TEST_F(HeapErasureTest, PlainExceptionObjectKeepsTheSecret) {
  SKIP_PLAIN_PROOF_UNDER_TSAN();
  try {
    ThrowSecretError();
  } catch (const SecretError& e) {
    g_sink = e.bytes[0];
  }
  EXPECT_FALSE(FindResidueInSelf().empty());
}

// The exception object is allocated inside f (in the arena), caught outside
// Do, and zeroed when the catch block ends.
TEST_F(HeapErasureTest, ExceptionObjectThrownFromDoIsGoneAfterCatch) {
  try {
    secret::Do([] { ThrowSecretError(); });
  } catch (const SecretError& e) {
    EXPECT_TRUE(secret_is_arena_block(&e)) << "thrown inside Do";
    g_sink = e.bytes[0];
  }
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// Containers grown inside f: every buffer they outgrew was freed during f
// (zeroed then), and the last one when they died.
TEST_F(HeapErasureTest, StringGrownInDoIsGone) {
  secret::Do([] {
    std::string s(reinterpret_cast<const char*>(TestSecret()), kSecretSize);
    for (int i = 0; i < 12; ++i) s += s;  // 32 B to 128 KiB, a copy each time
    g_sink = s.size();
  });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(HeapErasureTest, VectorGrownInDoIsGone) {
  secret::Do([] {
    std::vector<uint8_t> v;
    for (int round = 0; round < 2000; ++round) {
      v.insert(v.end(), TestSecret(), TestSecret() + kSecretSize);
    }
    g_sink = v.size();
  });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(HeapErasureTest, UnorderedMapGrownInDoIsGone) {
  secret::Do([] {
    std::unordered_map<std::string, std::string> m;
    const std::string key(reinterpret_cast<const char*>(TestSecret()), 16);
    const std::string value(reinterpret_cast<const char*>(TestSecret()) + 16, 16);
    for (int i = 0; i < 500; ++i) m[key + std::to_string(i)] = value + key;
    g_sink = m.size();
  });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// A realloc chain inside f: each move zeroes the block it leaves.
TEST_F(HeapErasureTest, ReallocGrowthChainInDoIsGone) {
  secret::Do([] {
    size_t size = 48;
    uint8_t* p = static_cast<uint8_t*>(malloc(size));
    memcpy(p, TestSecret(), kSecretSize);
    while (size < 512 * 1024) {
      size = size * 3 / 2;
      p = static_cast<uint8_t*>(realloc(p, size));
      ASSERT_NE(p, nullptr);
    }
    Escape(p);
    free(p);
  });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// Beyond Go: a block of the C library's heap, allocated outside Do, that f
// writes a secret into and frees is zeroed before the C library gets it.
TEST_F(HeapErasureTest, ForeignBlockFreedInDoIsZeroedFirst) {
  uint8_t* p = static_cast<uint8_t*>(malloc(kBlockSize));
  memset(p, 0x5a, kBlockSize);
  ASSERT_FALSE(secret_is_arena_block(p));
  secret::Do([p] {
    memcpy(p + kSecretOffset, TestSecret(), kSecretSize);
    Escape(p);
    free(p);
  });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// Likewise a vector made outside Do and grown inside it: its old buffer,
// which f filled, is zeroed when realloc-style growth frees it.
TEST_F(HeapErasureTest, ForeignVectorGrownInDoLeavesNoOldBuffer) {
  std::vector<uint8_t> v;
  v.reserve(kBlockSize);
  secret::Do([&v] {
    v.assign(TestSecret(), TestSecret() + kSecretSize);
    v.resize(kBlockSize * 4);  // moves into the arena
    Escape(v.data());
  });
  EXPECT_TRUE(secret_is_arena_block(v.data()));
  std::vector<uint8_t>().swap(v);
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

}  // namespace
}  // namespace secret_test
