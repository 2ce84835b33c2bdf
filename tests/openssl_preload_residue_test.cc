// openssl_preload_residue_test.cc: the product's claim on an unmodified
// program. Debian's `openssl s_server` serves one TLS 1.3 connection and
// stays alive; once the connection is closed and its SSL object freed, the
// server's whole memory (/proc/PID/mem) is searched for every secret, key and
// IV derived from its key log. With the shim preloaded: none. Without it
// (the proof that the search sees them): OpenSSL leaves some behind.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/memory_scan.h"
#include "tests/support/tls_keylog.h"

extern char** environ;

namespace secret_test {
namespace {

std::string Shim() {
  const char* srcdir = getenv("TEST_SRCDIR");
  return std::string(srcdir != nullptr ? srcdir : ".") +
         "/secretmode/shim/openssl/libsecretmode_openssl.so";
}

std::string TempDir() {
  const char* dir = getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Server is `openssl s_server -rev` on a free port, killed on destruction.
class Server {
 public:
  Server(bool preload, const std::string& dir) {
    key_log_ = dir + (preload ? "/keys_shim.log" : "/keys_plain.log");
    out_ = dir + (preload ? "/server_shim.out" : "/server_plain.out");
    unlink(key_log_.c_str());
    for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) {
      port_ = 20000 + static_cast<int>(getpid() * 7 + attempt * 131) % 40000;
      const std::string command =
          std::string(preload ? "LD_PRELOAD=" + Shim() + " " : "") +
          "exec openssl s_server -accept " + std::to_string(port_) +
          " -cert " + dir + "/cert.pem -key " + dir + "/key.pem -tls1_3 -rev" +
          " -keylogfile " + key_log_ + " > " + out_ + " 2>&1";
      const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
      pid_t pid = -1;
      if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr,
                      const_cast<char* const*>(argv), environ) != 0) {
        continue;
      }
      for (int i = 0; i < 100; ++i) {
        if (ReadFile(out_).find("ACCEPT") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (ReadFile(out_).find("ACCEPT") != std::string::npos) {
        pid_ = pid;
      } else {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  }
  ~Server() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& key_log() const { return key_log_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string key_log_;
  std::string out_;
};

class OpenSslPreloadResidueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = TempDir();
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-days 1 -subj /CN=localhost -keyout " + dir + "/key.pem -out " + dir +
        "/cert.pem 2>/dev/null";
    ASSERT_EQ(system(command.c_str()), 0);
  }

  // ServeOneAndScan runs one connection (a plain s_client sends a line and
  // reads it back reversed), waits until the server has closed it, and counts
  // the copies of every key-log needle in the server's memory.
  size_t ServeOneAndScan(bool preload, size_t* needles_checked) {
    Server server(preload, TempDir());
    EXPECT_GT(server.pid(), 0) << "s_server did not start";
    if (server.pid() <= 0) return 0;
    const std::string client =
        "(echo 'secret mode for unmodified programs'; sleep 1) | "
        "timeout 20 openssl s_client -connect 127.0.0.1:" +
        std::to_string(server.port()) + " -tls1_3 -brief > " + TempDir() +
        "/client.out 2>/dev/null";
    EXPECT_EQ(system(client.c_str()), 0);
    EXPECT_NE(ReadFile(TempDir() + "/client.out").find("smargorp deifidomnu"),
              std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));

    std::string key_log = ReadFile(server.key_log());
    std::vector<Needle> needles;
    std::string error;
    EXPECT_TRUE(NeedlesFromKeyLog(key_log, &needles, &error)) << error;
    *needles_checked = needles.size();
    EXPECT_GE(needles.size(), 13u) << key_log;
    size_t hits = 0;
    for (const Needle& needle : needles) {
      ScanStats stats;
      ScanOptions options;
      options.stats = &stats;
      const std::vector<Hit> found = FindInProcess(
          server.pid(), needle.bytes.data(), needle.bytes.size(), options);
      EXPECT_TRUE(stats.error.empty()) << stats.error;
      EXPECT_GT(stats.bytes_scanned, 0u);
      if (!found.empty()) {
        printf("  %s: %zu cop%s\n%s\n", needle.Describe().c_str(), found.size(),
               found.size() == 1 ? "y" : "ies", Describe(found).c_str());
      }
      hits += found.size();
    }
    WipeNeedles(&needles);
    return hits;
  }
};

TEST_F(OpenSslPreloadResidueTest, WithoutTheShimTheServerKeepsSecrets) {
  size_t needles = 0;
  const size_t hits = ServeOneAndScan(/*preload=*/false, &needles);
  printf("without the shim: %zu needles, %zu copies in s_server\n", needles, hits);
  EXPECT_GT(hits, 0u);
}

TEST_F(OpenSslPreloadResidueTest, WithTheShimTheServerKeepsNone) {
  size_t needles = 0;
  const size_t hits = ServeOneAndScan(/*preload=*/true, &needles);
  printf("with the shim: %zu needles, %zu copies in s_server\n", needles, hits);
  EXPECT_EQ(hits, 0u);
}

}  // namespace
}  // namespace secret_test
