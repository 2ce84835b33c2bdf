// Proves the scanners see secrets wherever they live, and only there.
#include "tests/support/memory_scan.h"

#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "keyscan/proc_maps.h"
#include "tests/support/child_process.h"

namespace secret_test {
namespace {

constexpr size_t kSecretLen = 32;
// The pattern buffer. Static rather than a local so the compiler has no
// reason to keep temporaries of it; FindInSelf excludes it implicitly.
alignas(64) uint8_t g_secret[kSecretLen];
alignas(64) uint8_t g_global_target[128];

bool HasHitAt(const std::vector<Hit>& hits, const void* p) {
  for (const Hit& h : hits) {
    if (h.address == reinterpret_cast<uintptr_t>(p)) return true;
  }
  return false;
}

// Anonymous mapping released at scope exit.
class Mapping {
 public:
  explicit Mapping(size_t size, int prot = PROT_READ | PROT_WRITE)
      : size_(size) {
    void* p = mmap(nullptr, size, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
  }
  ~Mapping() {
    if (data_ != nullptr) munmap(data_, size_);
  }
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  size_t size_;
  uint8_t* data_;
};

size_t ResidentPages(const Mapping& m) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> vec(m.size() / page);
  if (mincore(m.data(), m.size(), vec.data()) != 0) return SIZE_MAX;
  size_t n = 0;
  for (unsigned char v : vec) n += v & 1;
  return n;
}

class MemoryScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FillRandomSecret(g_secret, kSecretLen);
    options_.stats = &stats_;
  }
  void TearDown() override { explicit_bzero(g_secret, kSecretLen); }

  std::vector<Hit> ScanSelf(size_t len = kSecretLen) {
    std::vector<Hit> hits = FindInSelf(g_secret, len, options_);
    EXPECT_EQ(stats_.error, "");
    EXPECT_GT(stats_.bytes_scanned, 0u);
    return hits;
  }

  ScanOptions options_;
  ScanStats stats_;
};

TEST_F(MemoryScanTest, FindsSecretInHeapBlockAndNotAfterWipe) {
  std::unique_ptr<uint8_t[]> block(new uint8_t[4096]);
  PlantSecret(block.get() + 1000, g_secret, kSecretLen);
  std::vector<Hit> hits = ScanSelf();
  EXPECT_TRUE(HasHitAt(hits, block.get() + 1000)) << Describe(hits);
  EXPECT_EQ(hits.size(), 1u) << Describe(hits);

  explicit_bzero(block.get() + 1000, kSecretLen);
  hits = ScanSelf();
  EXPECT_TRUE(hits.empty()) << Describe(hits);
}

// Scans while the frame holding the secret is still live.
__attribute__((noinline)) std::vector<Hit> ScanWithSecretOnStack(
    const ScanOptions& options, uintptr_t* where) {
  uint8_t local[96];
  PlantSecret(local + 7, g_secret, kSecretLen);
  __asm__ volatile("" : : "r"(local) : "memory");
  *where = reinterpret_cast<uintptr_t>(local + 7);
  std::vector<Hit> hits = FindInSelf(g_secret, kSecretLen, options);
  explicit_bzero(local, sizeof local);
  return hits;
}

TEST_F(MemoryScanTest, FindsSecretInLiveStackFrame) {
  uintptr_t where = 0;
  std::vector<Hit> hits = ScanWithSecretOnStack(options_, &where);
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, where) << Describe(hits);
  EXPECT_TRUE(hits[0].region.contains(where));
  EXPECT_TRUE(hits[0].region.writable());
#if !defined(__SANITIZE_ADDRESS__)  // ASan may move locals to a fake stack
  EXPECT_EQ(hits[0].region.name, "[stack]");
#endif
}

TEST_F(MemoryScanTest, FindsSecretAcrossPageBoundaryInAnonymousMapping) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  Mapping m(16 * page);
  ASSERT_NE(m.data(), nullptr);
  uint8_t* target = m.data() + 3 * page - 10;
  PlantSecret(target, g_secret, kSecretLen);
  std::vector<Hit> hits = ScanSelf();
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, reinterpret_cast<uintptr_t>(target));
  EXPECT_TRUE(hits[0].region.contains(reinterpret_cast<uintptr_t>(m.data())));
}

TEST_F(MemoryScanTest, FindsSecretInGlobal) {
  PlantSecret(g_global_target + 5, g_secret, kSecretLen);
  std::vector<Hit> hits = ScanSelf();
  explicit_bzero(g_global_target, sizeof g_global_target);
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, reinterpret_cast<uintptr_t>(g_global_target + 5));
}

TEST_F(MemoryScanTest, FindsSecretStraddlingTwoMappings) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  Mapping m(2 * page);
  ASSERT_NE(m.data(), nullptr);
  // A differing VMA flag splits the mapping in two adjacent regions.
  ASSERT_EQ(madvise(m.data() + page, page, MADV_DONTFORK), 0);
  std::vector<keyscan::Region> regions;
  std::string error;
  ASSERT_TRUE(keyscan::ReadMaps(0, false, &regions, &error)) << error;
  const keyscan::Region* first =
      keyscan::FindRegion(regions, reinterpret_cast<uintptr_t>(m.data()));
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(first->end, reinterpret_cast<uintptr_t>(m.data() + page));

  PlantSecret(m.data() + page - 10, g_secret, kSecretLen);
  std::vector<Hit> hits = ScanSelf();
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, reinterpret_cast<uintptr_t>(m.data() + page - 10));
}

// Without the implicit exclusion the pattern buffer would be a hit: swap the
// roles of the pattern buffer and the planted copy and each finds the other.
TEST_F(MemoryScanTest, ExcludesOnlyThePatternBufferPassedIn) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[kSecretLen]);
  PlantSecret(copy.get(), g_secret, kSecretLen);

  std::vector<Hit> hits = FindInSelf(g_secret, kSecretLen, options_);
  EXPECT_TRUE(HasHitAt(hits, copy.get())) << Describe(hits);
  EXPECT_FALSE(HasHitAt(hits, g_secret)) << Describe(hits);

  hits = FindInSelf(copy.get(), kSecretLen, options_);
  EXPECT_TRUE(HasHitAt(hits, g_secret)) << Describe(hits);
  EXPECT_FALSE(HasHitAt(hits, copy.get())) << Describe(hits);
  explicit_bzero(copy.get(), kSecretLen);
}

// A secret that was never copied anywhere must not be found: the scanner
// itself must not have created a copy while searching for it.
TEST_F(MemoryScanTest, UnplantedSecretIsNotFoundEvenAfterRepeatedScans) {
  for (int i = 0; i < 3; ++i) {
    std::vector<Hit> hits = ScanSelf();
    EXPECT_TRUE(hits.empty()) << "scan " << i << ": " << Describe(hits);
  }
  EXPECT_GT(stats_.regions_scanned, 0u);
}

TEST_F(MemoryScanTest, ExcludedRangesDropOverlappingHits) {
  std::unique_ptr<uint8_t[]> block(new uint8_t[256]);
  PlantSecret(block.get(), g_secret, kSecretLen);
  PlantSecret(block.get() + 128, g_secret, kSecretLen);
  const auto base = reinterpret_cast<uintptr_t>(block.get());
  // Overlapping the last byte of the first copy is enough to drop it.
  options_.exclude.emplace_back(base + kSecretLen - 1, base + kSecretLen);
  std::vector<Hit> hits = ScanSelf();
  explicit_bzero(block.get(), 256);
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, base + 128);
}

TEST_F(MemoryScanTest, FindsShortDerivedKeys) {
  std::unique_ptr<uint8_t[]> block(new uint8_t[64]);
  for (size_t len : {size_t{12}, size_t{16}}) {
    PlantSecret(block.get() + 3, g_secret, len);
    std::vector<Hit> hits = ScanSelf(len);
    explicit_bzero(block.get(), 64);
    ASSERT_EQ(hits.size(), 1u) << "len " << len << ": " << Describe(hits);
    EXPECT_EQ(hits[0].address, reinterpret_cast<uintptr_t>(block.get() + 3));
  }
}

TEST_F(MemoryScanTest, MaxHitsTruncates) {
  std::unique_ptr<uint8_t[]> block(new uint8_t[5 * kSecretLen]);
  for (int i = 0; i < 5; ++i) {
    PlantSecret(block.get() + i * kSecretLen, g_secret, kSecretLen);
  }
  options_.max_hits = 3;
  std::vector<Hit> hits = ScanSelf();
  explicit_bzero(block.get(), 5 * kSecretLen);
  EXPECT_EQ(hits.size(), 3u) << Describe(hits);
  EXPECT_TRUE(stats_.hits_truncated);
}

// 64 MiB stays on the mincore path, 8 GiB takes the PAGEMAP_SCAN path.
class NonResidentTest : public MemoryScanTest,
                        public ::testing::WithParamInterface<size_t> {};

TEST_P(NonResidentTest, ScanDoesNotFaultInPages) {
  Mapping m(GetParam());
  ASSERT_NE(m.data(), nullptr);
  uint8_t* target = m.data() + m.size() / 2 + 123;
  PlantSecret(target, g_secret, kSecretLen);
  ASSERT_EQ(ResidentPages(m), 1u);
  std::vector<Hit> hits = ScanSelf();
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, reinterpret_cast<uintptr_t>(target));
  EXPECT_EQ(ResidentPages(m), 1u);
  EXPECT_LT(stats_.bytes_scanned, uint64_t{1} << 30);
}

INSTANTIATE_TEST_SUITE_P(Sizes, NonResidentTest,
                         ::testing::Values(size_t{64} << 20,
                                           size_t{8} << 30));

TEST_F(MemoryScanTest, ScansTwoHundredMegabytesWellUnderASecond) {
  Mapping m(size_t{200} << 20);
  ASSERT_NE(m.data(), nullptr);
  std::memset(m.data(), 0x5a, m.size());  // resident, and not all zeros
  uint8_t* target = m.data() + m.size() - 4096 + 17;
  PlantSecret(target, g_secret, kSecretLen);
  const auto start = std::chrono::steady_clock::now();
  std::vector<Hit> hits = ScanSelf();
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  EXPECT_GE(stats_.bytes_scanned, uint64_t{200} << 20);
  EXPECT_LT(seconds, 1.0);
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, reinterpret_cast<uintptr_t>(target));
}

TEST_F(MemoryScanTest, FailedScanReportsErrorInsteadOfNoHits) {
  std::vector<Hit> hits = FindInSelf(g_secret, 0, options_);
  EXPECT_TRUE(hits.empty());
  EXPECT_NE(stats_.error, "");
}

TEST(DescribeTest, NamesAddressAndMapping) {
  Hit hit;
  hit.address = 0x7000123;
  hit.region.start = 0x7000000;
  hit.region.end = 0x7001000;
  hit.region.perms = "rw-p";
  hit.region.name = "[heap]";
  const std::string text = Describe({hit});
  EXPECT_NE(text.find("1 hit(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("0x7000123"), std::string::npos) << text;
  EXPECT_NE(text.find("+0x123"), std::string::npos) << text;
  EXPECT_NE(text.find("[heap]"), std::string::npos) << text;
  EXPECT_NE(text.find("rw-p"), std::string::npos) << text;
}

TEST(FillRandomSecretTest, HasNoZeroBytesAndDiffersEachTime) {
  std::vector<uint8_t> a(1 << 16), b(1 << 16);
  FillRandomSecret(a.data(), a.size());
  FillRandomSecret(b.data(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NE(a[i], 0) << "at " << i;
  EXPECT_NE(a, b);
}

class FindInProcessTest : public MemoryScanTest {
 protected:
  std::vector<Hit> ScanChild(const ChildProcess& child) {
    std::vector<Hit> hits =
        FindInProcess(child.pid(), g_secret, kSecretLen, options_);
    EXPECT_EQ(stats_.error, "");
    EXPECT_GT(stats_.bytes_scanned, 0u);
    return hits;
  }

  // ExpectOnlyCopyAt scans the child and expects one copy, at `planted`.
  void ExpectOnlyCopyAt(const ChildProcess& child, uintptr_t planted) {
    std::vector<Hit> hits = ScanChild(child);
    ASSERT_EQ(hits.size(), 1u) << Describe(hits);
    EXPECT_EQ(hits[0].address, planted);
  }
};

// The child's inherited copy of the pattern buffer would otherwise be found.
void ForgetInheritedPattern() { explicit_bzero(g_secret, kSecretLen); }

uintptr_t ParseAddress(const std::optional<std::string>& message) {
  return message ? std::strtoull(message->c_str(), nullptr, 10) : 0;
}

TEST_F(FindInProcessTest, FindsChildHeapSecretAndNotAfterOverwrite) {
  ChildProcess child([](ChildChannel& ch) {
    auto* block = static_cast<uint8_t*>(std::malloc(4096));
    PlantSecret(block + 100, g_secret, kSecretLen);
    ForgetInheritedPattern();
    ch.Send(std::to_string(reinterpret_cast<uintptr_t>(block + 100)));
    ch.Receive();
    explicit_bzero(block, 4096);
    ch.Send("wiped");
  });
  ASSERT_TRUE(child.ok()) << child.error();
  const uintptr_t planted = ParseAddress(child.Receive());
  ASSERT_NE(planted, 0u);

  std::vector<Hit> hits = ScanChild(child);
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, planted);

  ASSERT_TRUE(child.Send("wipe"));
  ASSERT_EQ(child.Receive().value_or(""), "wiped");
  hits = ScanChild(child);
  EXPECT_TRUE(hits.empty()) << Describe(hits);
}

__attribute__((noinline)) void HoldSecretInFrame(ChildChannel& ch) {
  uint8_t local[64];
  PlantSecret(local + 9, g_secret, kSecretLen);
  ForgetInheritedPattern();
  __asm__ volatile("" : : "r"(local) : "memory");
  ch.Send(std::to_string(reinterpret_cast<uintptr_t>(local + 9)));
  ch.Receive();  // the parent kills us while this frame is live
}

TEST_F(FindInProcessTest, FindsSecretInChildLiveStackFrame) {
  ChildProcess child(HoldSecretInFrame);
  ASSERT_TRUE(child.ok()) << child.error();
  const uintptr_t planted = ParseAddress(child.Receive());
  ASSERT_NE(planted, 0u);
  ExpectOnlyCopyAt(child, planted);
}

TEST_F(FindInProcessTest, ReadsOnlyResidentPagesOfSparseMapping) {
  ChildProcess child([](ChildChannel& ch) {
    Mapping* m = new Mapping(size_t{8} << 30);  // kept until the kill
    uint8_t* target = m->data() + (size_t{5} << 30) + 123;
    PlantSecret(target, g_secret, kSecretLen);
    ForgetInheritedPattern();
    ch.Send(std::to_string(reinterpret_cast<uintptr_t>(target)));
  });
  ASSERT_TRUE(child.ok()) << child.error();
  const uintptr_t planted = ParseAddress(child.Receive());
  ASSERT_NE(planted, 0u);
  ExpectOnlyCopyAt(child, planted);
  EXPECT_LT(stats_.bytes_scanned, uint64_t{1} << 30);
}

// FindInProcess reads in 1 MiB chunks from the start of each resident run;
// PROT_NONE guards pin the run start so the secret straddles a chunk edge.
TEST_F(FindInProcessTest, FindsSecretAcrossReadChunkBoundary) {
  ChildProcess child([](ChildChannel& ch) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    Mapping* m = new Mapping((size_t{4} << 20) + 2 * page, PROT_NONE);
    uint8_t* run = m->data() + page;
    mprotect(run, size_t{4} << 20, PROT_READ | PROT_WRITE);
    std::memset(run, 0x33, size_t{4} << 20);
    uint8_t* target = run + (size_t{1} << 20) - 10;
    PlantSecret(target, g_secret, kSecretLen);
    ForgetInheritedPattern();
    ch.Send(std::to_string(reinterpret_cast<uintptr_t>(target)));
  });
  ASSERT_TRUE(child.ok()) << child.error();
  const uintptr_t planted = ParseAddress(child.Receive());
  ASSERT_NE(planted, 0u);
  ExpectOnlyCopyAt(child, planted);
}

TEST_F(FindInProcessTest, ReadOnlyMappingsNeedIncludeReadonly) {
  ChildProcess child([](ChildChannel& ch) {
    Mapping* m = new Mapping(4096);
    PlantSecret(m->data() + 64, g_secret, kSecretLen);
    ForgetInheritedPattern();
    mprotect(m->data(), 4096, PROT_READ);
    ch.Send(std::to_string(reinterpret_cast<uintptr_t>(m->data() + 64)));
  });
  ASSERT_TRUE(child.ok()) << child.error();
  const uintptr_t planted = ParseAddress(child.Receive());
  ASSERT_NE(planted, 0u);
  std::vector<Hit> hits = ScanChild(child);
  EXPECT_TRUE(hits.empty()) << Describe(hits);

  options_.include_readonly = true;
  hits = ScanChild(child);
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, planted);
  EXPECT_EQ(hits[0].region.perms.substr(0, 2), "r-");
}

TEST_F(FindInProcessTest, ExcludeUsesTargetAddresses) {
  ChildProcess child([](ChildChannel& ch) {
    auto* block = static_cast<uint8_t*>(std::malloc(256));
    PlantSecret(block, g_secret, kSecretLen);
    PlantSecret(block + 128, g_secret, kSecretLen);
    ForgetInheritedPattern();
    ch.Send(std::to_string(reinterpret_cast<uintptr_t>(block)));
  });
  ASSERT_TRUE(child.ok()) << child.error();
  const uintptr_t block = ParseAddress(child.Receive());
  ASSERT_NE(block, 0u);
  options_.exclude.emplace_back(block, block + kSecretLen);
  std::vector<Hit> hits = ScanChild(child);
  ASSERT_EQ(hits.size(), 1u) << Describe(hits);
  EXPECT_EQ(hits[0].address, block + 128);
}

TEST_F(FindInProcessTest, DeadProcessReportsErrorInsteadOfNoHits) {
  ChildProcess child([](ChildChannel& ch) { ch.Send("up"); });
  ASSERT_TRUE(child.ok()) << child.error();
  ASSERT_EQ(child.Receive().value_or(""), "up");
  const pid_t pid = child.pid();
  child.Kill();
  std::vector<Hit> hits = FindInProcess(pid, g_secret, kSecretLen, options_);
  EXPECT_TRUE(hits.empty());
  EXPECT_NE(stats_.error, "");
}

}  // namespace
}  // namespace secret_test
