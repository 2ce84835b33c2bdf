// boringssl_shim_calls_test.cc: the BoringSSL link-time shim's interception
// is proven, not assumed. A program linked with //shim/boringssl:shim (which
// carries --wrap options generated from shim/entry_points.inc) runs
// in-process TLS 1.3 and TLS 1.2 connections on BoringSSL; the shim's
// per-entry-point counts show that every entry point those connections use
// -- libssl's API, and libcrypto's key shares, key schedule, AEAD setup and
// record seal/open, which libssl reaches across object files -- went
// through a wrapper, that only the outermost libssl call switched to secret
// mode, and that the levels take effect.

#include <errno.h>

#include <openssl/aead.h>
#include <openssl/cipher.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>

#include <string>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "shim/secret_shim.h"
#include "tests/support/aead_controls.h"
#include "tests/support/shim_call_counts.h"
#include "tests/support/tls_pair.h"

namespace secret_test {
namespace {

using BoringSslShimCallsTest = ShimCountingTest;

TlsPairOptions Options(int version, const char* suite, const char* group) {
  TlsPairOptions options;
  options.version = version;
  options.suite = suite;
  options.group = group;
  return options;
}

// What every connection uses, whatever the version and group.
void ExpectCommonEntries(const TlsPhaseCounts& p) {
  ExpectCalled(p.handshake, "handshake",
               {"SSL_do_handshake", "EVP_AEAD_CTX_init_with_direction",
                "EVP_AEAD_CTX_seal_scatter", "EVP_AEAD_CTX_open",
                "EVP_DigestSign|EVP_DigestSignFinal", "HMAC_Init_ex"});
  ExpectCalled(p.records, "records",
               {"SSL_write", "SSL_read", "EVP_AEAD_CTX_seal_scatter",
                "EVP_AEAD_CTX_open"});
  ExpectCalled(p.teardown, "teardown",
               {"SSL_shutdown", "SSL_free", "EVP_AEAD_CTX_seal_scatter"});
  ExpectOnlyLibsslSwitches(p.handshake, "handshake");
  ExpectOnlyLibsslSwitches(p.records, "records");
  ExpectOnlyLibsslSwitches(p.teardown, "teardown");
}

TEST_F(BoringSslShimCallsTest, Tls13X25519) {
  TlsPair pair;
  const TlsPhaseCounts p =
      CountTlsPhases(pair, Options(TLS1_3_VERSION, nullptr, "X25519"));
  printf("handshake:\n%s", Describe(p.handshake).c_str());
  ExpectCommonEntries(p);
  ExpectCalled(p.handshake, "TLS 1.3 X25519 handshake",
               {"X25519_keypair", "X25519", "HKDF_extract", "HKDF_expand"});
}

TEST_F(BoringSslShimCallsTest, Tls13P256) {
  TlsPair pair;
  const TlsPhaseCounts p =
      CountTlsPhases(pair, Options(TLS1_3_VERSION, nullptr, "P-256"));
  ExpectCommonEntries(p);
  ExpectCalled(p.handshake, "TLS 1.3 P-256 handshake",
               {"BN_rand_range_ex", "EC_POINT_mul", "HKDF_extract",
                "HKDF_expand"});
}

TEST_F(BoringSslShimCallsTest, Tls12EcdheChacha20) {
  TlsPair pair;
  // TLS 1.2 requires the ECDSA certificate's curve (P-256) in the groups.
  const TlsPhaseCounts p = CountTlsPhases(
      pair, Options(TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305",
                    "X25519:P-256"));
  ExpectCommonEntries(p);
  ExpectCalled(p.handshake, "TLS 1.2 handshake",
               {"X25519_keypair", "X25519", "CRYPTO_tls1_prf"});
}

// The key-log callback runs inside the handshake, in libssl's own frames:
// the place BoringSSL leaves traffic keys in dead stack frames. Whether it
// ran in secret mode tells which levels protect libssl's code.
int g_keylog_calls = 0;
int g_keylog_calls_in_secret_mode = 0;

void NoteSecretMode(const SSL*, const char*) {
  ++g_keylog_calls;
  if (secret::Enabled()) ++g_keylog_calls_in_secret_mode;
}

CountMap RunWithLevels(const char* levels) {
  EXPECT_EQ(secret_shim_set_levels(levels), 0);
  g_keylog_calls = g_keylog_calls_in_secret_mode = 0;
  return CountsDuring([&] {
    TlsPairOptions options;
    options.keylog = NoteSecretMode;
    std::string error;
    EXPECT_TRUE(RunTlsPair(options, 1000, &error)) << error;
  });
}

TEST_F(BoringSslShimCallsTest, BothLevelsRunLibsslCodeInSecretMode) {
  const CountMap counts = RunWithLevels("libssl,libcrypto");
  EXPECT_GT(g_keylog_calls, 0);
  EXPECT_EQ(g_keylog_calls_in_secret_mode, g_keylog_calls);
  EXPECT_GT(Outermost(counts, "SSL_"), 0u);
}

TEST_F(BoringSslShimCallsTest, LibcryptoLevelSwitchesAtEachLibcryptoCall) {
  const CountMap counts = RunWithLevels("libcrypto");
  EXPECT_GT(g_keylog_calls, 0);
  EXPECT_EQ(g_keylog_calls_in_secret_mode, 0);
  EXPECT_EQ(Outermost(counts, "SSL_"), 0u);
  EXPECT_GT(counts.at("X25519").outermost, 0u);
  EXPECT_GT(counts.at("HKDF_expand").outermost, 0u);
}

// shim/public_calls.h: tag and IV-length controls run directly.
TEST_F(BoringSslShimCallsTest, OnlyControlsThatCarrySecretsSwitch) {
  ExpectOnlySecretControlsSwitch();
}

TEST_F(BoringSslShimCallsTest, NoneRunsEverythingDirectly) {
  const CountMap counts = RunWithLevels("none");
  EXPECT_EQ(g_keylog_calls_in_secret_mode, 0);
  EXPECT_EQ(Outermost(counts, ""), 0u) << Describe(counts);
  EXPECT_GT(Calls(counts, "SSL_do_handshake"), 0u);
}

// Public functions that call a wrapped one inside the same object file
// (bcm.o), where --wrap does not redirect the inner call, are wrapped
// themselves: each switches to secret mode.
TEST_F(BoringSslShimCallsTest, SameObjectCallersAreWrappedThemselves) {
  const uint8_t key[16] = {1, 2, 3}, iv[16] = {4, 5, 6};
  const CountMap counts = CountsDuring([&] {
    EVP_AEAD_CTX* aead =
        EVP_AEAD_CTX_new(EVP_aead_aes_128_gcm(), key, sizeof(key), 16);
    ASSERT_NE(aead, nullptr);
    EVP_AEAD_CTX_free(aead);
    EVP_CIPHER_CTX* cipher = EVP_CIPHER_CTX_new();
    ASSERT_EQ(EVP_EncryptInit(cipher, EVP_aes_128_cbc(), key, iv), 1);
    ASSERT_EQ(EVP_DecryptInit(cipher, EVP_aes_128_cbc(), key, iv), 1);
    ASSERT_EQ(EVP_CipherInit(cipher, EVP_aes_128_cbc(), key, iv, 1), 1);
    EVP_CIPHER_CTX_free(cipher);
    HMAC_CTX* hmac = HMAC_CTX_new();
    ASSERT_EQ(HMAC_Init(hmac, key, sizeof(key), EVP_sha256()), 1);
    HMAC_CTX_free(hmac);
  });
  for (const char* name : {"EVP_AEAD_CTX_new", "EVP_EncryptInit",
                           "EVP_DecryptInit", "EVP_CipherInit", "HMAC_Init"}) {
    EXPECT_EQ(counts.at(name).outermost, 1u) << name << "\n" << Describe(counts);
  }
}

// The shim has BoringSSL's entries, not OpenSSL 3's.
TEST_F(BoringSslShimCallsTest, TheTableHoldsBoringSslsEntries) {
  const CountMap counts = ReadCounts();
  EXPECT_EQ(counts.count("EVP_AEAD_CTX_seal_scatter"), 1u);
  EXPECT_EQ(counts.count("SSL_do_handshake"), 1u);
  EXPECT_EQ(counts.count("EVP_KDF_derive"), 0u);
  EXPECT_EQ(counts.count("SSL_read_ex"), 0u);
}

}  // namespace
}  // namespace secret_test
