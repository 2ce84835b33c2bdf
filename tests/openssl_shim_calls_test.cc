// openssl_shim_calls_test.cc: interception is proven, not assumed. A program
// linked with the OpenSSL shim (//shim/openssl:shim) runs in-process TLS 1.3
// and TLS 1.2 connections; the shim's per-entry-point counts
// (secret_shim_get_call_counts) show that every entry point TLS uses in the
// handshake and in the record layer reached its wrapper, that the outermost
// libssl call switched to secret mode and the libcrypto calls beneath it ran
// nested, and that SECRETMODE_SHIM_LEVELS' choices take effect.

#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include <initializer_list>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "shim/openssl/memory_hooks.h"
#include "shim/secret_shim.h"
#include "tests/support/aead_controls.h"
#include "tests/support/shim_call_counts.h"
#include "tests/support/tls_pair.h"

namespace secret_test {
namespace {

using ShimCallsTest = ShimCountingTest;

struct TlsCase {
  const char* name;
  int version;
  const char* suite;
  const char* group;
};

const TlsCase kCases[] = {
    {"Tls13Aes128GcmX25519", TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", "X25519"},
    {"Tls13Aes256GcmP384", TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", "P-384"},
    {"Tls13Chacha20X25519", TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256",
     "X25519"},
    // TLS 1.2 requires the ECDSA certificate's curve (P-256) in the groups;
    // X25519 comes first and is chosen.
    {"Tls12Aes128GcmX25519", TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256",
     "X25519:P-256"},
    {"Tls12Chacha20P256", TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305",
     "P-256"},
};

TlsPairOptions OptionsFor(const TlsCase& c) {
  TlsPairOptions options;
  options.version = c.version;
  options.suite = c.suite;
  options.group = c.group;
  return options;
}

class ShimTlsCallsTest : public ShimCallsTest,
                         public ::testing::WithParamInterface<TlsCase> {};

// Everything TLS uses reaches its wrapper: the handshake's key generation,
// agreement, key schedule, signature and cipher setup; the records' seal and
// open; the teardown.
TEST_P(ShimTlsCallsTest, EveryEntryPointTlsUsesIsIntercepted) {
  const TlsCase& c = GetParam();
  TlsPair pair;
  const TlsPhaseCounts p = CountTlsPhases(pair, OptionsFor(c));
  printf("handshake:\n%srecords:\n%steardown:\n%s",
         Describe(p.handshake).c_str(), Describe(p.records).c_str(),
         Describe(p.teardown).c_str());
  ExpectCalled(p.handshake, "handshake",
               {"SSL_do_handshake", "EVP_PKEY_keygen|EVP_PKEY_generate",
                "EVP_PKEY_derive", "EVP_PKEY_derive_set_peer|EVP_PKEY_derive_set_peer_ex",
                "EVP_KDF_derive", "EVP_DigestSignInit_ex",
                "EVP_DigestSign|EVP_DigestSignFinal", "EVP_CipherInit_ex",
                "EVP_CipherUpdate", "EVP_CIPHER_CTX_ctrl", "EVP_MAC_init",
                "EVP_MAC_final"});
  if (c.version == TLS1_3_VERSION) {
    // Finished MACs; session tickets sealed under the ticket key.
    ExpectCalled(p.handshake, "TLS 1.3 handshake",
                 {"EVP_Q_mac", "EVP_EncryptInit_ex", "EVP_EncryptUpdate",
                  "EVP_DecryptUpdate", "EVP_CipherFinal_ex"});
    // Each TLS 1.3 record sets its nonce with EVP_CipherInit_ex.
    ExpectCalled(p.records, "TLS 1.3 records",
                 {"EVP_CipherInit_ex", "EVP_CipherFinal_ex"});
  }
  ExpectCalled(p.records, "records",
               {"SSL_write", "SSL_read", "EVP_CipherUpdate",
                "EVP_CIPHER_CTX_ctrl"});
  ExpectCalled(p.teardown, "teardown",
               {"SSL_shutdown", "SSL_free", "EVP_CipherUpdate"});
  ExpectOnlyLibsslSwitches(p.handshake, "handshake");
  ExpectOnlyLibsslSwitches(p.records, "records");
  ExpectOnlyLibsslSwitches(p.teardown, "teardown");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ShimTlsCallsTest, ::testing::ValuesIn(kCases),
    [](const ::testing::TestParamInfo<TlsCase>& info) {
      return std::string(info.param.name);
    });

// ---- The levels: what runs in secret mode ----

// Whether secret mode was on when OpenSSL called the key-log callback (from
// inside the handshake, in libssl's own code).
int g_keylog_calls = 0;
int g_keylog_calls_in_secret_mode = 0;

void NoteSecretMode(const SSL*, const char*) {
  ++g_keylog_calls;
  if (secret::Enabled()) ++g_keylog_calls_in_secret_mode;
}

struct LevelRun {
  CountMap counts;
  int keylog_calls = 0;
  int keylog_calls_in_secret_mode = 0;
};

LevelRun RunWithLevels(const char* levels) {
  EXPECT_EQ(secret_shim_set_levels(levels), 0);
  EXPECT_STREQ(secret_shim_levels(), levels);
  g_keylog_calls = g_keylog_calls_in_secret_mode = 0;
  LevelRun run;
  run.counts = CountsDuring([&] {
    TlsPairOptions options;
    options.keylog = NoteSecretMode;
    std::string error;
    EXPECT_TRUE(RunTlsPair(options, 1000, &error)) << error;
  });
  run.keylog_calls = g_keylog_calls;
  run.keylog_calls_in_secret_mode = g_keylog_calls_in_secret_mode;
  return run;
}

TEST_F(ShimCallsTest, BothLevelsRunLibsslCodeInSecretMode) {
  const LevelRun run = RunWithLevels("libssl,libcrypto");
  EXPECT_GT(run.keylog_calls, 0);
  EXPECT_EQ(run.keylog_calls_in_secret_mode, run.keylog_calls);
  EXPECT_GT(Outermost(run.counts, "SSL_"), 0u);
}

TEST_F(ShimCallsTest, LibsslLevelAloneStillCoversLibcryptoBeneathIt) {
  const LevelRun run = RunWithLevels("libssl");
  EXPECT_EQ(run.keylog_calls_in_secret_mode, run.keylog_calls);
  EXPECT_GT(Outermost(run.counts, "SSL_"), 0u);
  EXPECT_GT(Calls(run.counts, "EVP_PKEY_derive"), 0u);
}

TEST_F(ShimCallsTest, LibcryptoLevelSwitchesAtEachLibcryptoCall) {
  const LevelRun run = RunWithLevels("libcrypto");
  EXPECT_GT(run.keylog_calls, 0);
  EXPECT_EQ(run.keylog_calls_in_secret_mode, 0);
  EXPECT_EQ(Outermost(run.counts, "SSL_"), 0u);
  EXPECT_GT(run.counts.at("EVP_PKEY_derive").outermost, 0u);
  EXPECT_GT(run.counts.at("EVP_KDF_derive").outermost, 0u);
}

TEST_F(ShimCallsTest, NoneRunsEverythingDirectly) {
  const LevelRun run = RunWithLevels("none");
  EXPECT_GT(run.keylog_calls, 0);
  EXPECT_EQ(run.keylog_calls_in_secret_mode, 0);
  EXPECT_EQ(Outermost(run.counts, "SSL_") + Outermost(run.counts, "EVP_"), 0u);
  EXPECT_GT(Calls(run.counts, "SSL_do_handshake"), 0u);
}

// shim/public_calls.h: tag and IV-length controls run directly.
TEST_F(ShimCallsTest, OnlyControlsThatCarrySecretsSwitch) {
  ExpectOnlySecretControlsSwitch();
}

TEST_F(ShimCallsTest, BadLevelsAreRefusedAndChangeNothing) {
  ASSERT_EQ(secret_shim_set_levels("libssl"), 0);
  EXPECT_EQ(secret_shim_set_levels("libsssl"), EINVAL);
  EXPECT_EQ(secret_shim_set_levels(""), EINVAL);
  EXPECT_EQ(secret_shim_set_levels("libssl,,"), EINVAL);
  EXPECT_EQ(secret_shim_set_levels(nullptr), EINVAL);
  EXPECT_STREQ(secret_shim_levels(), "libssl");
}

TEST_F(ShimCallsTest, CountingOffCountsNothing) {
  secret_shim_set_counting(0);
  const CountMap counts = CountsDuring([] {
    std::string error;
    EXPECT_TRUE(RunTlsPair(TlsPairOptions(), 0, &error)) << error;
  });
  for (const auto& [name, c] : counts) EXPECT_EQ(c.calls, 0u) << name;
}

// ---- The list against what libssl imports ----

// The loaded libssl's path, found among the process's objects.
std::string LoadedLibsslPath() {
  std::string path;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        if (strstr(info->dlpi_name, "/libssl.so") == nullptr) return 0;
        *static_cast<std::string*>(out) = info->dlpi_name;
        return 1;
      },
      &path);
  return path;
}

// Every function libssl imports from libcrypto that handles key material
// (matched by name) is in shim/entry_points.inc. A new OpenSSL release that
// routes the handshake through a new sensitive function fails here.
TEST(ShimEntryListTest, CoversEverySensitiveFunctionLibsslImports) {
  const std::string libssl = LoadedLibsslPath();
  ASSERT_FALSE(libssl.empty()) << "libssl is not loaded";
  const std::string command = "nm -D --undefined-only '" + libssl + "'";
  FILE* nm = popen(command.c_str(), "r");
  ASSERT_NE(nm, nullptr) << command;
  std::set<std::string> imports;
  char line[512];
  while (fgets(line, sizeof(line), nm) != nullptr) {
    char type[8], symbol[400];
    if (sscanf(line, "%7s %399s", type, symbol) != 2) continue;
    std::string name = symbol;
    name = name.substr(0, name.find('@'));
    imports.insert(name);
  }
  ASSERT_EQ(pclose(nm), 0) << command << " failed";
  ASSERT_GT(imports.size(), 100u) << command;

  const std::regex sensitive(
      "EVP_PKEY_(keygen|generate|derive|derive_set_peer.*|encrypt|decrypt|"
      "encapsulate|decapsulate|sign|new_raw_private_key.*|new_mac_key)|"
      "EVP_(Encrypt|Decrypt|Cipher)(Init|Update|Final).*|EVP_Cipher|"
      "EVP_CIPHER_CTX_ctrl|EVP_KDF_derive|EVP_MAC_(init|update|final)|"
      "EVP_Q_mac|EVP_DigestSign.*|HMAC|HMAC_(Init_ex|Update|Final)|"
      "RAND_priv_bytes.*|ECDH_.*|EC_KEY_generate_key|DH_(generate|compute)_key|"
      "RSA_private_.*|RSA_sign|PEM_read_bio_PrivateKey.*|d2i_PrivateKey.*");
  std::set<std::string> wrapped;
  std::vector<secret_shim_call_count> all(secret_shim_get_call_counts(nullptr, 0));
  secret_shim_get_call_counts(all.data(), all.size());
  for (const auto& entry : all) wrapped.insert(entry.name);

  size_t matched = 0;
  for (const std::string& name : imports) {
    if (!std::regex_match(name, sensitive)) continue;
    ++matched;
    EXPECT_EQ(wrapped.count(name), 1u)
        << libssl << " imports " << name
        << ", which handles key material, but shim/entry_points.inc does not "
           "wrap it";
  }
  printf("%zu of libssl's %zu imports handle key material\n",
         matched, imports.size());
  EXPECT_GE(matched, 20u);
}

}  // namespace
}  // namespace secret_test
