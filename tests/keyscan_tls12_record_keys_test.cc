// keyscan_tls12_record_keys_test.cc: the TLS 1.2 record keys keyscan derives
// from a key log (the master secret and the server random, keyscan/needles.h)
// are the keys a real connection uses. While an in-process OpenSSL TLS 1.2
// connection is open, its cipher contexts hold the write keys (ChaCha20's as
// its key words, AES's as the first round keys of its schedule): the scan
// finds both directions' keys of the negotiated suite's layout, and none of
// the other layouts'.

#include <openssl/ssl.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "keyscan/needles.h"
#include "tests/support/memory_scan.h"
#include "tests/support/server_random_line.h"
#include "tests/support/tls_pair.h"

namespace secret_test {
namespace {

std::mutex g_log_mutex;
std::string g_log;

void LogLine(const SSL* ssl, const char* line) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  g_log += std::string(line) + "\n";
  const std::string server_random = ServerRandomLine(ssl, line);
  if (!server_random.empty()) g_log += server_random + "\n";
}

struct Tls12Case {
  const char* name;
  const char* suite;
  const char* digest;  // the layout the suite uses
  size_t key_len;
};

class KeyscanTls12RecordKeysTest : public ::testing::TestWithParam<Tls12Case> {};

TEST_P(KeyscanTls12RecordKeysTest, OpenConnectionHoldsTheDerivedKeys) {
  const Tls12Case& c = GetParam();
  g_log.clear();
  TlsPairOptions options;
  options.version = TLS1_2_VERSION;
  options.suite = c.suite;
  options.keylog = LogLine;
  TlsPair pair;
  std::string error;
  ASSERT_TRUE(pair.Open(options, &error)) << error;
  ASSERT_TRUE(pair.Handshake(&error)) << error;
  ASSERT_TRUE(pair.Transfer(true, "records in both directions", &error)) << error;
  ASSERT_TRUE(pair.Transfer(false, "and back", &error)) << error;

  std::vector<keyscan::Needle> needles;
  ASSERT_TRUE(keyscan::NeedlesFromKeyLog(g_log, &needles, &error)) << error;
  size_t layout_keys = 0;
  for (const keyscan::Needle& needle : needles) {
    if (needle.category != keyscan::NeedleCategory::kTls12Record ||
        needle.kind != keyscan::NeedleKind::kKey) {
      continue;
    }
    ScanStats stats;
    ScanOptions scan;
    scan.stats = &stats;
    // The needles are copies too (a 16-byte key is the first half of the
    // same hash's 32-byte key): none of them counts.
    for (const keyscan::Needle& other : needles) {
      const auto at = reinterpret_cast<uintptr_t>(other.bytes.data());
      scan.exclude.emplace_back(at, at + other.bytes.size());
    }
    const std::vector<Hit> hits =
        FindInSelf(needle.bytes.data(), needle.bytes.size(), scan);
    ASSERT_TRUE(stats.error.empty()) << stats.error;
    const bool in_layout =
        needle.hash == c.digest && needle.bytes.size() == c.key_len;
    if (in_layout) {
      ++layout_keys;
      EXPECT_FALSE(hits.empty())
          << needle.Describe() << ": not in the open connection's memory";
    } else if (needle.bytes.size() != 16 || c.key_len != 32 ||
               needle.hash != c.digest) {
      // (A 16-byte key of the suite's own hash is the first half of its
      // 32-byte key, and is found with it.)
      EXPECT_TRUE(hits.empty()) << needle.Describe()
                                << ": another layout's key was found:\n"
                                << Describe(hits);
    }
  }
  EXPECT_EQ(layout_keys, 2u) << "expected a client and a server write key";
  keyscan::WipeNeedles(&needles);
}

INSTANTIATE_TEST_SUITE_P(
    Suites, KeyscanTls12RecordKeysTest,
    ::testing::Values(
        Tls12Case{"Chacha20", "ECDHE-ECDSA-CHACHA20-POLY1305", "SHA256", 32},
        Tls12Case{"Aes128Gcm", "ECDHE-ECDSA-AES128-GCM-SHA256", "SHA256", 16},
        Tls12Case{"Aes256Gcm", "ECDHE-ECDSA-AES256-GCM-SHA384", "SHA384", 32}),
    [](const ::testing::TestParamInfo<Tls12Case>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace secret_test
