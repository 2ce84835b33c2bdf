// openssl_heap_erasure_test.cc (also built as openssl_linked_shim_test,
// with SECRETMODE_LINKED_SHIM and the OpenSSL shim linked in): with
// OpenSSL's heap in the secret arena
// (secret_openssl_use_arena, called first thing in main), a TLS 1.3
// connection between two in-process peers leaves none of its key-log
// secrets, traffic keys or IVs on the heap once both SSL objects and both
// SSL_CTXs are freed; run inside secret::Do as well (what the OpenSSL shim
// does for every entry point), it leaves none anywhere in the process. The
// whole process is scanned for every needle derived from the key log, for
// each TLS 1.3 cipher suite.
//
// Why both: OpenSSL's ChaCha20 code (the SSSE3 path for short inputs) copies
// the key into its own stack frame and returns without wiping it, so with
// the heap hooks alone the ChaCha20 suite leaves its traffic key in a dead
// frame of the calling thread's stack, which no allocator can reach.
//
// The proof that the scan can see residues: the same binary, started with
// --openssl_no_arena_child=SUITE, skips secret_openssl_use_arena, runs the
// same connection with the C library's allocator, scans itself the same way
// and prints what it found; the NoArenaChildFindsResidues tests run it and
// require hits (Debian's OpenSSL 3.0 frees the SSL object without cleansing
// it, leaving the application traffic secrets, the exporter secret and the
// IVs behind).
//
// Copies the test makes itself: the needles are derived inside secret::Do
// (so parsing and HKDF leave nothing behind) into one mmap'd buffer that the
// scan excludes, and the key-log text is wiped. The scan runs on a thread of
// its own, so that it neither overwrites dead frames of the main stack nor
// reuses freed blocks of the main heap, where residues would be (scanning
// from the main thread, the no-arena child found nothing: the scanner's own
// allocations had overwritten the freed SSL objects).

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "shim/openssl/memory_hooks.h"
#include "tests/secret_signals.h"
#include "tests/support/memory_scan.h"
#include "tests/support/tls_keylog.h"
#include "tests/support/tls_pair.h"

extern char** environ;

namespace secret_test {
namespace {

constexpr char kChildFlag[] = "--openssl_no_arena_child=";

const char* const kSuites[] = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
};

// ---- The connection ----

// Every key-log line of both peers, appended by the keylog callback on the
// thread running the connection. The buffer is reserved up front so that
// appending never reallocates (which would leave an unwiped copy of earlier
// lines in freed memory).
thread_local std::string* t_key_log = nullptr;
constexpr size_t kKeyLogCapacity = 64 * 1024;

void CollectKeyLogLine(const SSL*, const char* line) {
  if (t_key_log == nullptr) return;
  const size_t n = strlen(line);
  if (t_key_log->size() + n + 1 > t_key_log->capacity()) {
    fprintf(stderr, "key log exceeds %zu bytes\n", t_key_log->capacity());
    abort();
  }
  t_key_log->append(line, n);
  t_key_log->push_back('\n');
}

// Runs one TLS 1.3 connection with `suite` between two in-process peers
// (tests/support/tls_pair.h: handshake with certificate verification, data
// both ways, close_notify, then everything freed). Both peers' key-log
// lines are appended to *key_log.
bool RunConnection(const char* suite, std::string* key_log,
                   std::string* error) {
  std::string log;
  log.reserve(kKeyLogCapacity);
  t_key_log = &log;
  TlsPairOptions options;
  options.suite = suite;
  options.keylog = CollectKeyLogLine;
  const bool ok = RunTlsPair(options, /*payload_bytes=*/100000, error);
  t_key_log = nullptr;
  key_log->append(log);
  OPENSSL_cleanse(&log[0], log.capacity());
  return ok;
}

// ---- Needles and the scan ----

// One mmap'd buffer holds every needle, so that the only copies the test
// keeps lie in one range the scan excludes.
struct NeedleRef {
  std::string name;  // Needle::Describe()
  size_t offset;
  size_t size;
};

class NeedleBuffer {
 public:
  static constexpr size_t kCapacity = 64 * 1024;

  NeedleBuffer() {
    void* p = mmap(nullptr, kCapacity, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      perror("mmap");
      abort();
    }
    base_ = static_cast<uint8_t*>(p);
  }
  ~NeedleBuffer() {
    Clear();
    munmap(base_, kCapacity);
  }
  NeedleBuffer(const NeedleBuffer&) = delete;
  NeedleBuffer& operator=(const NeedleBuffer&) = delete;

  // Parses the key log and derives its needles inside secret::Do, so that
  // the copies parsing and HKDF make (stack frames, registers, heap blocks)
  // are erased; only the needles copied here remain.
  bool Derive(const std::string& key_log, std::string* error) {
    bool ok = false;
    secret::Do([&] {
      std::vector<Needle> needles;
      if (!NeedlesFromKeyLog(key_log, &needles, error)) return;
      for (const Needle& n : needles) {
        if (used_ + n.bytes.size() > kCapacity) {
          *error = "too many needles";
          WipeNeedles(&needles);
          return;
        }
        PlantSecret(base_ + used_, n.bytes.data(), n.bytes.size());
        refs_.push_back({n.Describe(), used_, n.bytes.size()});
        used_ += n.bytes.size();
      }
      WipeNeedles(&needles);
      ok = true;
    });
    return ok;
  }

  void Clear() {
    OPENSSL_cleanse(base_, kCapacity);
    used_ = 0;
    refs_.clear();
  }

  const std::vector<NeedleRef>& refs() const { return refs_; }
  const uint8_t* bytes(const NeedleRef& ref) const { return base_ + ref.offset; }
  std::pair<uintptr_t, uintptr_t> range() const {
    const uintptr_t b = reinterpret_cast<uintptr_t>(base_);
    return {b, b + kCapacity};
  }

 private:
  uint8_t* base_ = nullptr;
  size_t used_ = 0;
  std::vector<NeedleRef> refs_;
};

struct ScanReport {
  size_t needles = 0;
  size_t hits = 0;
  size_t stack_hits = 0;  // of `hits`, those on the main thread's stack
  size_t needles_found = 0;
  uint64_t min_bytes_scanned = UINT64_MAX;
  std::string error;   // a scan that could not run
  std::string detail;  // each found needle and where
};

// Where a hit lies, beyond the mapping Describe() names.
std::string Where(const Hit& hit) {
  if (secret_is_arena_block(reinterpret_cast<const void*>(hit.address))) {
    return "secret arena";
  }
  const std::string& name = hit.region.name;
  if (name == "[heap]") return "C library heap";
  if (name == "[stack]") return "main thread stack";
  if (!name.empty() && name[0] == '/') return "file mapping (data, bss)";
  return "anonymous mapping (a malloc arena, a thread or secret stack, or "
         "sanitizer memory)";
}

ScanReport ScanForNeedles(const NeedleBuffer& buffer) {
  ScanReport report;
  for (const NeedleRef& ref : buffer.refs()) {
    ScanStats stats;
    ScanOptions options;
    options.exclude.push_back(buffer.range());
    options.stats = &stats;
    const std::vector<Hit> hits =
        FindInSelf(buffer.bytes(ref), ref.size, options);
    ++report.needles;
    report.min_bytes_scanned =
        std::min<uint64_t>(report.min_bytes_scanned, stats.bytes_scanned);
    if (!stats.error.empty()) report.error += ref.name + ": " + stats.error + "\n";
    if (hits.empty()) continue;
    ++report.needles_found;
    report.hits += hits.size();
    report.detail += ref.name + ": " + Describe(hits) + "\n";
    for (const Hit& hit : hits) {
      if (hit.region.name == "[stack]") ++report.stack_hits;
      char line[64];
      snprintf(line, sizeof(line), "    0x%" PRIxPTR ": ", hit.address);
      report.detail += line + Where(hit) + "\n";
    }
  }
  if (report.needles == 0) report.min_bytes_scanned = 0;
  return report;
}

// Runs ScanForNeedles on a new thread: its frames land on that thread's own
// stack and its allocations in the C library's arena for that thread, so the
// scan neither overwrites dead frames of this thread's stack nor reuses
// freed blocks of the main heap, where the residues it looks for would be.
ScanReport ScanOnFreshThread(const NeedleBuffer& buffer) {
  struct Job {
    const NeedleBuffer* buffer;
    ScanReport report;
  } job{&buffer, {}};
  pthread_t thread;
  const int rc = pthread_create(
      &thread, nullptr,
      [](void* arg) -> void* {
        Job* job = static_cast<Job*>(arg);
        job->report = ScanForNeedles(*job->buffer);
        return nullptr;
      },
      &job);
  if (rc != 0) {
    job.report.error = std::string("pthread_create: ") + strerror(rc);
    return job.report;
  }
  pthread_join(thread, nullptr);
  return job.report;
}

// Runs a connection and scans for its needles: what both the test and the
// no-arena child do.
bool ConnectAndScan(const char* suite, bool inside_do, ScanReport* report,
                    std::string* error) {
  std::string key_log;
  key_log.reserve(kKeyLogCapacity);
  bool connected = false;
  if (inside_do) {
    secret::Do([&] { connected = RunConnection(suite, &key_log, error); });
  } else {
    connected = RunConnection(suite, &key_log, error);
  }
  NeedleBuffer needles;
  const bool derived = connected && needles.Derive(key_log, error);
  OPENSSL_cleanse(&key_log[0], key_log.capacity());
  if (!derived) return false;
  *report = ScanOnFreshThread(needles);
  return true;
}

// ---- The no-arena child ----

int RunNoArenaChild(const char* suite) {
  if (secret_openssl_arena_active()) {
    printf("error=arena active in the no-arena child\n");
    return 2;
  }
  ScanReport report;
  std::string error;
  if (!ConnectAndScan(suite, /*inside_do=*/false, &report, &error)) {
    printf("error=%s\n", error.c_str());
    return 2;
  }
  printf("needles=%zu\nhits=%zu\nneedles_found=%zu\nbytes_scanned=%" PRIu64
         "\n%s%s",
         report.needles, report.hits, report.needles_found,
         report.min_bytes_scanned, report.error.empty() ? "" : "scan error: ",
         report.error.c_str());
  printf("%s", report.detail.c_str());
  fflush(stdout);
  return 0;
}

struct ChildResult {
  std::string output;
  int status = -1;
  std::string error;
};

// Runs this binary with kChildFlag and collects its standard output.
ChildResult RunChild(const char* suite) {
  ChildResult result;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.error = std::string("pipe2: ") + strerror(errno);
    return result;
  }
  const std::string flag = std::string(kChildFlag) + suite;
  char* const argv[] = {const_cast<char*>("openssl_heap_erasure_test"),
                        const_cast<char*>(flag.c_str()), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  pid_t pid = -1;
  const int rc =
      posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    result.error = std::string("posix_spawn: ") + strerror(rc);
    return result;
  }
  char buf[4096];
  for (;;) {
    pollfd pfd = {pipe_fds[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, 120 * 1000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      result.error = "child produced no output for 120 s";
      kill(pid, SIGKILL);
      break;
    }
    const ssize_t n = read(pipe_fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
  }
  return result;
}

// The value of "key=value" in the child's output, or -1.
long long Field(const std::string& output, const std::string& key) {
  const std::string prefix = key + "=";
  size_t pos = 0;
  while (pos < output.size()) {
    size_t end = output.find('\n', pos);
    if (end == std::string::npos) end = output.size();
    if (output.compare(pos, prefix.size(), prefix) == 0) {
      return strtoll(output.c_str() + pos + prefix.size(), nullptr, 10);
    }
    pos = end + 1;
  }
  return -1;
}

// ---- The tests ----

class OpenSslHeapErasureTest : public ::testing::TestWithParam<const char*> {};

TEST(OpenSslHeapHooksTest, ArenaIsActive) {
  EXPECT_EQ(secret_openssl_arena_active(), 1);
}

// CheckReport asserts that the scan ran over every needle.
void CheckReport(const ScanReport& report) {
  // 4 traffic secrets (handshake and application, both directions) with
  // keys and IVs, and the exporter secret: at least 13 needles.
  EXPECT_GE(report.needles, 13u);
  EXPECT_TRUE(report.error.empty()) << report.error;
  EXPECT_GT(report.min_bytes_scanned, 0u);
}

// The arena alone: nothing on the heap. A copy in a dead frame of this
// thread's stack (ChaCha20, see the top) is printed, not counted here.
TEST_P(OpenSslHeapErasureTest, HeapHoldsNoSecretKeyOrIvAfterFree) {
  ASSERT_EQ(secret_openssl_arena_active(), 1);
  const char* suite = GetParam();
  ScanReport report;
  std::string error;
  ASSERT_TRUE(ConnectAndScan(suite, /*inside_do=*/false, &report, &error))
      << error;
  printf("[%s] arena only: %zu needles checked, %zu hits off the stack, %zu "
         "on the stack\n%s",
         suite, report.needles, report.hits - report.stack_hits,
         report.stack_hits, report.detail.c_str());
  CheckReport(report);
#if defined(SECRETMODE_LINKED_SHIM)
  // Linked with the shim, the connection's calls ran in secret mode too:
  // nothing on the stack either.
  EXPECT_EQ(report.stack_hits, 0u) << report.detail;
#endif
  EXPECT_EQ(report.hits - report.stack_hits, 0u)
      << report.needles_found << " of " << report.needles
      << " needles found after SSL_free:\n"
      << report.detail;
}

// The arena and secret::Do together: nothing anywhere in the process.
TEST_P(OpenSslHeapErasureTest, ConnectionInDoLeavesNothingAnywhere) {
  ASSERT_EQ(secret_openssl_arena_active(), 1);
  const char* suite = GetParam();
  ScanReport report;
  std::string error;
  ASSERT_TRUE(ConnectAndScan(suite, /*inside_do=*/true, &report, &error))
      << error;
  printf("[%s] arena and Do: %zu needles checked, %zu hits\n", suite,
         report.needles, report.hits);
  CheckReport(report);
  EXPECT_EQ(report.hits, 0u) << report.needles_found << " of "
                             << report.needles
                             << " needles found after SSL_free:\n"
                             << report.detail;
}

// The proof that the scan sees what OpenSSL leaves behind without the arena.
TEST_P(OpenSslHeapErasureTest, NoArenaChildFindsResidues) {
#if defined(SECRETMODE_LINKED_SHIM)
  GTEST_SKIP() << "linked with the shim, no child can run without it; the "
                  "proof runs in openssl_heap_erasure_test";
#endif
  const char* suite = GetParam();
  const ChildResult child = RunChild(suite);
  ASSERT_TRUE(child.error.empty()) << child.error << "\n" << child.output;
  // posix_spawn's child exits with 127 when the exec itself fails: under
  // qemu-user without binfmt_misc the kernel cannot run this aarch64 binary.
  if (WIFEXITED(child.status) && WEXITSTATUS(child.status) == 127 &&
      child.output.empty()) {
    GTEST_SKIP() << "this machine cannot execute the test binary again "
                    "(qemu-user without binfmt_misc)";
  }
  ASSERT_TRUE(WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0)
      << "child status " << child.status << "\n"
      << child.output;
  const long long needles = Field(child.output, "needles");
  const long long hits = Field(child.output, "hits");
  printf("[%s] without the arena (child): %lld needles checked, %lld hits\n%s",
         suite, needles, hits, child.output.c_str());
  EXPECT_GE(needles, 13);
  EXPECT_GT(Field(child.output, "bytes_scanned"), 0);
  EXPECT_EQ(child.output.find("scan error"), std::string::npos)
      << child.output;
  EXPECT_GT(hits, 0) << child.output;
}

#if defined(SECRETMODE_LINKED_SHIM)
// Signals that interrupt OpenSSL inside the shim's secret mode: the kernel
// saves the interrupted registers (round keys, traffic keys) in the signal
// frame, which lands on the secret signal stack. The handler's own frame
// goes there too.
void TouchStackHandler(int) {
  volatile uint8_t scratch[256];
  for (size_t i = 0; i < sizeof scratch; ++i) scratch[i] = static_cast<uint8_t>(i);
}

// Connections on several threads at once, every suite, under a storm of
// signals, through the linked shim (every OpenSSL entry point the program
// calls runs in secret mode, as in a preloaded server): afterwards none of
// any connection's secrets, keys or IVs is anywhere in the process.
TEST(OpenSslShimStressTest, ConcurrentConnectionsUnderSignalsLeaveNothing) {
  ASSERT_EQ(secret_openssl_arena_active(), 1);
  ASSERT_EQ(InstallHandler(SIGUSR1, TouchStackHandler, SA_RESTART), 0);

  constexpr int kThreads = 3;
  constexpr int kConnectionsPerThread = 2;
  struct Worker {
    std::string key_log;
    std::string error;
    bool ok = true;
  };
  std::vector<Worker> workers(kThreads);
  std::atomic<int> finished{0};
  std::atomic<bool> release{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    Worker* worker = &workers[w];
    worker->key_log.reserve(kKeyLogCapacity);
    threads.emplace_back([worker, w, &finished, &release] {
      for (int c = 0; c < kConnectionsPerThread && worker->ok; ++c) {
        worker->ok = RunConnection(kSuites[(w + c) % 3], &worker->key_log,
                                   &worker->error);
      }
      finished.fetch_add(1);
      // Stay alive until the signals stop, so none targets a gone thread.
      while (!release.load()) usleep(100);
    });
  }
  long sent = 0;
  for (unsigned i = 0; finished.load() < kThreads; ++i) {
    pthread_kill(threads[i % kThreads].native_handle(), SIGUSR1);
    ++sent;
    usleep(50);
  }
  release = true;
  for (std::thread& thread : threads) thread.join();
  signal(SIGUSR1, SIG_DFL);
  printf("signals sent: %ld\n", sent);

  std::string key_log;
  key_log.reserve(kThreads * kKeyLogCapacity);
  for (Worker& worker : workers) {
    EXPECT_TRUE(worker.ok) << worker.error;
    key_log.append(worker.key_log);
    OPENSSL_cleanse(&worker.key_log[0], worker.key_log.capacity());
  }
  NeedleBuffer needles;
  std::string error;
  const bool derived = needles.Derive(key_log, &error);
  OPENSSL_cleanse(&key_log[0], key_log.capacity());
  ASSERT_TRUE(derived) << error;
  const ScanReport report = ScanOnFreshThread(needles);
  printf("%d connections: %zu needles checked, %zu hits\n",
         kThreads * kConnectionsPerThread, report.needles, report.hits);
  EXPECT_GE(report.needles, 13u * kThreads * kConnectionsPerThread);
  EXPECT_TRUE(report.error.empty()) << report.error;
  EXPECT_GT(report.min_bytes_scanned, 0u);
  EXPECT_EQ(report.hits, 0u) << report.detail;
}
#endif  // SECRETMODE_LINKED_SHIM

std::string SuiteName(const ::testing::TestParamInfo<const char*>& info) {
  return info.param;
}

INSTANTIATE_TEST_SUITE_P(Suites, OpenSslHeapErasureTest,
                         ::testing::ValuesIn(kSuites), SuiteName);

}  // namespace
}  // namespace secret_test

int main(int argc, char** argv) {
  // The no-arena child (see the top of this file) must not set the hooks.
  for (int i = 1; i < argc; ++i) {
    const size_t n = sizeof(secret_test::kChildFlag) - 1;
    if (strncmp(argv[i], secret_test::kChildFlag, n) == 0) {
      return secret_test::RunNoArenaChild(argv[i] + n);
    }
  }
  // First, before anything uses OpenSSL.
  if (secret_openssl_use_arena() != 0) {
    fprintf(stderr,
            "FATAL: secret_openssl_use_arena() failed: OpenSSL allocated "
            "before main; this test cannot run.\n");
    abort();
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
