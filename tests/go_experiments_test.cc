// go_experiments_test.cc: the experiments of the Go runtime/secret article
// this project started from (../shared/seeds), in C++. Each asserts the
// outcome the article found for Go, or what secretmode promises instead.

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

// ReadSecretFromPipe is the article's password prompt: the secret arrives
// through a system call into a buffer on f's stack, and f uses it.
__attribute__((noinline)) void ReadSecretFromPipe(int fd) {
  uint8_t password[kSecretSize];
  size_t got = 0;
  while (got < sizeof password) {
    const ssize_t n = read(fd, password + got, sizeof password - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  g_sink = HoldInLocals(password);
}

// PipeWithSecret returns a pipe's read end holding the secret.
int PipeWithSecret() {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  if (write(fds[1], TestSecret(), kSecretSize) != static_cast<ssize_t>(kSecretSize)) {
    return -1;
  }
  close(fds[1]);
  return fds[0];
}

class GoExperimentsTest : public ::testing::Test {
 protected:
  void SetUp() override { NewTestSecret(); }
};

TEST_F(GoExperimentsTest, PasswordFromPipeSurvivesAPlainCall) {
  const int fd = PipeWithSecret();
  ASSERT_GE(fd, 0);
  ReadSecretFromPipe(fd);
  close(fd);
  EXPECT_FALSE(FindResidueInSelf().empty());
}

TEST_F(GoExperimentsTest, PasswordFromPipeIsGoneAfterDo) {
  const int fd = PipeWithSecret();
  ASSERT_GE(fd, 0);
  secret::Do([fd] { ReadSecretFromPipe(fd); });
  close(fd);
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// Go: panic inside Do. Safe.
TEST_F(GoExperimentsTest, PanicIsSafe) {
  const int fd = PipeWithSecret();
  ASSERT_GE(fd, 0);
  EXPECT_THROW(secret::Do([fd] {
                 ReadSecretFromPipe(fd);
                 throw std::runtime_error("!!");
               }),
               std::runtime_error);
  close(fd);
  EXPECT_TRUE(FindResidueInSelf().empty());
}

// Go: runtime.Goexit inside Do. Safe (here: pthread_exit, erased at exit).
TEST_F(GoExperimentsTest, GoexitIsSafe) {
  const int fd = PipeWithSecret();
  ASSERT_GE(fd, 0);
  std::thread t([fd] {
    secret::Do([fd] {
      ReadSecretFromPipe(fd);
      pthread_exit(nullptr);
    });
  });
  t.join();
  close(fd);
  EXPECT_TRUE(FindResidueInSelf().empty());
}

// Go: f writes to memory outside it. Not erased, as documented.
TEST_F(GoExperimentsTest, MemoryOutsideRemains) {
  static uint8_t outside[kSecretSize];
  secret::Do([] { memcpy(outside, TestSecret(), kSecretSize); });
  const Residue residue = FindResidueInSelf();
  ASSERT_EQ(residue.whole.size(), 1u) << residue.Describe();
  EXPECT_EQ(residue.whole[0].address, reinterpret_cast<uintptr_t>(outside));
  memset(outside, 0, sizeof outside);
}

// Go: f returns a pointer to its secret. Not erased while referenced.
TEST_F(GoExperimentsTest, LeakedPointerRemains) {
  std::unique_ptr<uint8_t[]> leaked;
  secret::Do([&] {
    leaked.reset(new uint8_t[kSecretSize]);
    memcpy(leaked.get(), TestSecret(), kSecretSize);
  });
  const Residue residue = FindResidueInSelf();
  ASSERT_EQ(residue.whole.size(), 1u) << residue.Describe();
  EXPECT_EQ(residue.whole[0].address, reinterpret_cast<uintptr_t>(leaked.get()));
  memset(leaked.get(), 0, kSecretSize);
}

// Go: runtime.KeepAlive(&x) inside Do. Safe: the barrier only forces the
// value into memory, which is the secret stack.
TEST_F(GoExperimentsTest, KeepAliveBarrierIsSafe) {
  secret::Do([] {
    uint8_t x[kSecretSize];
    memcpy(x, TestSecret(), kSecretSize);
    asm volatile("" : : "r"(x) : "memory");
  });
  EXPECT_TRUE(FindResidueInSelf().empty());
}

// The buffers below are sized so that the C library's free keeps their
// contents (its own bookkeeping overwrites only the first 16 bytes) and the
// scanner's own allocations do not reuse them: the plain-call proofs need
// the residue to stay where the scan looks.
constexpr size_t kBufferSize = 1000;
constexpr size_t kSecretOffset = 300;

std::string PaddedSecretPart(size_t offset, size_t length, char pad) {
  std::string s(kBufferSize, pad);
  memcpy(&s[kSecretOffset], TestSecret() + offset, length);
  return s;
}

// HeapBufferOnce copies the secret into a vector that is freed on return.
__attribute__((noinline)) void HeapBufferOnce() {
  std::vector<uint8_t> buf(kBufferSize, 0x5a);
  memcpy(&buf[kSecretOffset], TestSecret(), kSecretSize);
  // Without the barrier the compiler may drop the copy into memory that is
  // freed unread.
  asm volatile("" : : "r"(buf.data()) : "memory");
  g_sink = buf[kSecretOffset + 3];
}

// MapOnce builds a map keyed and valued by the two halves of the secret.
__attribute__((noinline)) void MapOnce() {
  std::unordered_map<std::string, std::string> m;
  m[PaddedSecretPart(0, 16, 'k')] = PaddedSecretPart(16, 16, 'v');
  g_sink = m.size();
}

// Proof that the scan sees a freed heap buffer: the C library's free leaves
// its contents.
TEST_F(GoExperimentsTest, HeapBufferSurvivesAPlainCall) {
  HeapBufferOnce();
  EXPECT_FALSE(FindResidueInSelf().empty());
}

// Go: a heap buffer made and dropped inside Do is erased by the GC; here
// the secret allocator zeroes it when it is freed.
TEST_F(GoExperimentsTest, HeapBufferIsErasedWhenFreed) {
  secret::Do([] { HeapBufferOnce(); });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

TEST_F(GoExperimentsTest, MapSurvivesAPlainCall) {
  MapOnce();
  EXPECT_FALSE(FindResidueInSelf().empty());
}

// Go: a map built inside Do. Its nodes, buckets and strings all come from
// the secret arena.
TEST_F(GoExperimentsTest, MapIsErasedWhenFreed) {
  secret::Do([] { MapOnce(); });
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

}  // namespace
}  // namespace secret_test
