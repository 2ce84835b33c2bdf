// keyscan on a live process: a child holding known secrets in its heap, an
// anonymous mapping, its main stack and another thread's stack gives one
// copy of each, in the right memory class; after the child wipes them,
// none. A secret on a page made PROT_NONE is found too, while a huge
// PROT_NONE reservation costs nothing; a scan that leaves eligible memory
// unread says so and never exits 0.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "keyscan/cli.h"
#include "keyscan/proc_maps.h"
#include "keyscan/process_memory.h"
#include "keyscan/process_memory_class.h"
#include "keyscan/process_scan.h"
#include "keyscan/report.h"
#include "tests/keyscan_residue_child.h"
#include "tests/keyscan_residue_expect.h"
#include "tests/support/child_process.h"
#include "tests/support/memory_scan.h"

namespace keyscan_test {
namespace {

using keyscan::NeedleKind;
using Classes = std::vector<std::string>;

// Sanitizers replace malloc with allocators of their own, in anonymous
// mappings; the brk heap is glibc's.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr char kMallocClass[] = "anonymous";
#else
constexpr char kMallocClass[] = "heap";
#endif

TEST(KeyscanProcessScanTest, FindsEachPlantedCopyInItsClassAndNoneAfterWipe) {
  ResidueChild child;
  ASSERT_EQ(child.error(), "");
  const std::vector<keyscan::Needle>& needles = child.needles();

  keyscan::ScanResult result;
  std::string error, where;
  ASSERT_TRUE(ScanProcess(child.pid(), needles, {}, &result, &error)) << error;
  EXPECT_GT(result.bytes_scanned, 0u);
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_TRAFFIC_SECRET_0",
                      NeedleKind::kSecret, 32, &where),
            Classes{kMallocClass})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_TRAFFIC_SECRET_0",
                      NeedleKind::kKey, 16, &where),
            Classes{kMallocClass})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "SERVER_TRAFFIC_SECRET_0",
                      NeedleKind::kSecret, 32, &where),
            Classes{"anonymous"})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "SERVER_TRAFFIC_SECRET_0",
                      NeedleKind::kIv, 12, &where),
            Classes{"anonymous"})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                      NeedleKind::kSecret, 32, &where),
            Classes{"main stack"})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "EXPORTER_SECRET", NeedleKind::kSecret,
                      32, &where),
            Classes{"thread stack"})
      << where;
  EXPECT_NE(where.find(" thread "), std::string::npos) << where;
  // Nothing else: no stray copy made by the child or the transfer.
  EXPECT_EQ(result.residues.size(), 6u) << Dump(result, needles);

  ASSERT_TRUE(child.Wipe());
  ASSERT_TRUE(ScanProcess(child.pid(), needles, {}, &result, &error)) << error;
  EXPECT_GT(result.bytes_scanned, 0u);
  EXPECT_TRUE(result.residues.empty()) << Dump(result, needles);
}

// secretmode's mappings carry no name on kernels without
// CONFIG_ANON_VMA_NAME (this one): they are told apart by their madvise
// flags, which take precedence over the stack pointers (a thread blocked
// inside secret::Do has its stack pointer on the secret stack).
TEST(KeyscanProcessScanTest, ClassifiesMappingsByNameFlagsAndStackPointers) {
  const std::vector<keyscan::ThreadStackPointer> threads = {{100, 0x1800},
                                                            {101, 0x3800}};
  const auto classify = [&](const std::string& name, const std::string& flags,
                            uintptr_t start) {
    keyscan::Region r;
    r.start = start;
    r.end = start + 0x1000;
    r.perms = "rw-p";
    r.name = name;
    r.vm_flags = flags;
    std::string where;
    return std::string(keyscan::MemoryClassName(
        keyscan::ClassifyProcessMapping(r, 100, threads, &where)));
  };
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac dd wf ", 0x1000),
            "secret stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac dd ", 0x5000),
            "secret arena");
  EXPECT_EQ(classify("[heap]", " rd wr mr mw me ac ", 0x5000), "heap");
  EXPECT_EQ(classify("[stack]", " rd wr mr mw me gd ac ", 0x5000),
            "main stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac ", 0x1000), "main stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac ", 0x3000),
            "thread stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac ", 0x5000), "anonymous");
  EXPECT_EQ(classify("/usr/lib/libssl.so.3", " rd mr mw me ac ", 0x5000),
            "file-backed");
  EXPECT_EQ(classify("[vdso]", " rd ex mr mw me de ", 0x5000), "other");
}

// NoAccessChild forks a child that reads 32 secret bytes from a pipe
// straight into a fresh page (offset 100), then makes the page PROT_NONE
// (as secretmode does with idle secret-stack pages), next to a 64 GiB
// PROT_NONE reservation that is never touched. On "wipe" it makes the page
// writable, wipes it and makes it PROT_NONE again. The secret is made only
// after the fork, so the child holds no other copy.
class NoAccessChild {
 public:
  NoAccessChild() {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) std::abort();
    child_ = std::make_unique<secret_test::ChildProcess>(
        [&](secret_test::ChildChannel& ch) {
          const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
          auto* p = static_cast<uint8_t*>(
              mmap(nullptr, page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
          void* reservation =
              mmap(nullptr, size_t{64} << 30, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
          if (p == MAP_FAILED || reservation == MAP_FAILED) _exit(2);
          if (read(to_child[0], p + 100, 32) != 32) _exit(2);
          if (mprotect(p, page, PROT_NONE) != 0) _exit(2);
          const uintptr_t address = reinterpret_cast<uintptr_t>(p);
          if (write(from_child[1], &address, sizeof(address)) !=
              sizeof(address)) {
            _exit(2);
          }
          ch.Send("ready");
          if (ch.Receive() != "wipe") _exit(3);
          if (mprotect(p, page, PROT_READ | PROT_WRITE) != 0) _exit(2);
          volatile uint8_t* v = p;
          for (size_t i = 0; i < page; ++i) v[i] = 0;
          if (mprotect(p, page, PROT_NONE) != 0) _exit(2);
          ch.Send("wiped");
        });
    close(to_child[0]);
    close(from_child[1]);
    uint8_t secret[32];
    secret_test::FillRandomSecret(secret, sizeof(secret));
    std::string key_log = "SERVER_HANDSHAKE_TRAFFIC_SECRET " +
                          std::string(64, '5') + " ";
    for (const uint8_t b : secret) {
      char buf[3];
      std::snprintf(buf, sizeof(buf), "%02x", b);
      key_log += buf;
    }
    key_log += "\n";
    ok_ = keyscan::NeedlesFromKeyLog(key_log, &needles_, &error_) &&
          write(to_child[1], secret, sizeof(secret)) == sizeof(secret) &&
          read(from_child[0], &page_, sizeof(page_)) == sizeof(page_) &&
          child_->Receive().value_or("") == "ready";
    explicit_bzero(secret, sizeof(secret));
    explicit_bzero(&key_log[0], key_log.size());
    close(to_child[1]);
    close(from_child[0]);
  }
  ~NoAccessChild() { keyscan::WipeNeedles(&needles_); }

  bool ok() const { return ok_ && child_->ok(); }
  std::string error() const { return error_ + child_->error(); }
  pid_t pid() const { return child_->pid(); }
  uintptr_t page() const { return page_; }
  const std::vector<keyscan::Needle>& needles() const { return needles_; }
  bool Wipe() {
    return child_->Send("wipe") && child_->Receive().value_or("") == "wiped";
  }

 private:
  std::unique_ptr<secret_test::ChildProcess> child_;
  std::vector<keyscan::Needle> needles_;
  uintptr_t page_ = 0;
  bool ok_ = false;
  std::string error_;
};

TEST(KeyscanProcessScanTest, FindsASecretOnAPageMadeNoAccess) {
  NoAccessChild child;
  ASSERT_TRUE(child.ok()) << child.error();
  const std::vector<keyscan::Needle>& needles = child.needles();

  keyscan::ScanResult result;
  std::string error, where;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(ScanProcess(child.pid(), needles, {}, &result, &error)) << error;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ClassesOf(result, needles, "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                      keyscan::NeedleKind::kSecret, 32, &where),
            Classes{"anonymous"})
      << where;
  ASSERT_EQ(result.residues.size(), 1u) << Dump(result, needles);
  EXPECT_EQ(result.residues[0].address, child.page() + 100);
  EXPECT_NE(result.residues[0].where.find("---p"), std::string::npos)
      << result.residues[0].where;
  EXPECT_FALSE(keyscan::ScanIncomplete(result));
  // The 64 GiB reservation (Rss 0) is neither read nor walked page by page.
  EXPECT_LT(result.bytes_scanned, uint64_t{1} << 30);
  EXPECT_GT(result.regions_not_resident, 0u);
  EXPECT_LT(elapsed, std::chrono::seconds(20));
  EXPECT_EQ(keyscan::ExitStatusFor(result, needles, {}),
            keyscan::kExitResidues);

  ASSERT_TRUE(child.Wipe());
  ASSERT_TRUE(ScanProcess(child.pid(), needles, {}, &result, &error)) << error;
  EXPECT_TRUE(result.residues.empty()) << Dump(result, needles);
  EXPECT_GT(result.bytes_scanned, 0u);
  EXPECT_EQ(keyscan::ExitStatusFor(result, needles, {}), keyscan::kExitClean);
}

// Without residency information (a kernel without PAGEMAP_SCAN and
// pagemap) partly resident mappings above the limit are not read: the
// stats, the report and the exit status all say the scan is incomplete.
TEST(KeyscanProcessScanTest, UnreadEligibleMemoryMakesTheScanIncomplete) {
  ResidueChild child;
  ASSERT_EQ(child.error(), "");
  const std::vector<keyscan::Needle>& needles = child.needles();

  keyscan::ProcessMemoryOptions options;
  options.query_residency = false;
  options.max_unknown_residency_bytes = 0;
  struct Nothing : keyscan::ProcessMemoryVisitor {
    bool Chunk(const uint8_t*, size_t, uintptr_t, size_t) override {
      return true;
    }
  } visitor;
  keyscan::ProcessMemoryStats stats;
  ASSERT_TRUE(keyscan::VisitProcessMemory(child.pid(), 0, options, &visitor,
                                          &stats))
      << stats.error;
  EXPECT_GT(stats.regions_unread, 0u);
  EXPECT_GT(stats.bytes_unread, 0u);
  EXPECT_EQ(stats.regions_skipped, stats.regions_ineligible +
                                       stats.regions_not_resident +
                                       stats.regions_unread);
  EXPECT_EQ(stats.regions_total, stats.regions_scanned + stats.regions_skipped);

  // The same through ScanProcess, the report and the exit status: the
  // secrets are still there, but wiped they leave an incomplete scan
  // that must not exit 0.
  ASSERT_TRUE(child.Wipe());
  keyscan::ScanSettings settings;
  settings.query_residency = false;
  settings.max_unknown_residency_bytes = 0;
  keyscan::ScanResult result;
  std::string error;
  ASSERT_TRUE(ScanProcess(child.pid(), needles, settings, &result, &error))
      << error;
  EXPECT_TRUE(result.residues.empty()) << Dump(result, needles);
  EXPECT_TRUE(keyscan::ScanIncomplete(result));
  EXPECT_GT(result.regions_unread, 0u);
  EXPECT_EQ(keyscan::ExitStatusFor(result, needles, {}), keyscan::kExitError);

  char* text = nullptr;
  size_t text_size = 0;
  std::FILE* out = open_memstream(&text, &text_size);
  keyscan::WriteTable(out, result, needles, {});
  keyscan::WriteJson(out, result, needles, {});
  std::fclose(out);
  const std::string report(text, text_size);
  std::free(text);
  EXPECT_NE(report.find("RESULT: INCOMPLETE scan ("), std::string::npos)
      << report;
  EXPECT_NE(report.find("eligible but not read"), std::string::npos) << report;
  EXPECT_NE(report.find("\"complete\":false"), std::string::npos) << report;
  EXPECT_NE(report.find("\"regions_unread\":" +
                        std::to_string(result.regions_unread) + ","),
            std::string::npos)
      << report;

  // With residency queries the same process is read whole: complete.
  ASSERT_TRUE(ScanProcess(child.pid(), needles, {}, &result, &error)) << error;
  EXPECT_FALSE(keyscan::ScanIncomplete(result));
  EXPECT_GT(result.bytes_scanned, 0u);
  EXPECT_EQ(keyscan::ExitStatusFor(result, needles, {}), keyscan::kExitClean);

  // Reading nothing is never "clean".
  keyscan::ScanResult empty;
  EXPECT_EQ(keyscan::ExitStatusFor(empty, needles, {}), keyscan::kExitError);
}

TEST(KeyscanProcessScanTest, MissingProcessIsAClearError) {
  keyscan::ScanResult result;
  std::string error;
  // PIDs above pid_max (at most 4194304) never exist.
  EXPECT_FALSE(ScanProcess(4194305 + 7, {}, {}, &result, &error));
  EXPECT_NE(error.find("no process with PID 4194312"), std::string::npos)
      << error;
}

TEST(KeyscanProcessScanTest, RefusesToScanItself) {
  keyscan::ScanResult result;
  std::string error;
  EXPECT_FALSE(ScanProcess(getpid(), {}, {}, &result, &error));
  EXPECT_NE(error.find("its own process"), std::string::npos) << error;
}

}  // namespace
}  // namespace keyscan_test
