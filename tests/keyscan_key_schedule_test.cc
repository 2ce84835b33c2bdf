// keyscan's key schedule: known answers from RFC 8448 section 3 (the simple
// 1-RTT handshake, TLS_AES_128_GCM_SHA256) for HKDF-Expand-Label and the
// traffic keys and IVs, SHA-384 and ChaCha20 keys checked against an
// independent computation, and the key-log parser's handling of malformed
// input.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyscan/hkdf_expand_label.h"
#include "keyscan/key_log.h"
#include "keyscan/needles.h"
#include "keyscan/tls12_key_block.h"

namespace keyscan {
namespace {

// RFC 8448 section 3.
constexpr char kClientHandshakeSecret[] =
    "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
constexpr char kServerHandshakeSecret[] =
    "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
constexpr char kClientApplicationSecret[] =
    "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5";
constexpr char kServerApplicationSecret[] =
    "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";
constexpr char kExporterSecret[] =
    "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50";
// The ClientHello's random in the same trace.
constexpr char kClientRandom[] =
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7";

std::vector<uint8_t> Bytes(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string Hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
}

std::string ExpandLabel(const char* digest, const std::string& secret_hex,
                        const char* label, size_t len) {
  const std::vector<uint8_t> secret = Bytes(secret_hex);
  std::vector<uint8_t> out(len);
  std::string error;
  EXPECT_TRUE(HkdfExpandLabel(digest, secret.data(), secret.size(), label,
                              nullptr, 0, out.data(), out.size(), &error))
      << error;
  return Hex(out);
}

TEST(HkdfExpandLabelTest, Rfc8448HandshakeTrafficKeys) {
  EXPECT_EQ(ExpandLabel("SHA256", kServerHandshakeSecret, "key", 16),
            "3fce516009c21727d0f2e4e86ee403bc");
  EXPECT_EQ(ExpandLabel("SHA256", kServerHandshakeSecret, "iv", 12),
            "5d313eb2671276ee13000b30");
  EXPECT_EQ(ExpandLabel("SHA256", kClientHandshakeSecret, "key", 16),
            "dbfaa693d1762c5b666af5d950258d01");
  EXPECT_EQ(ExpandLabel("SHA256", kClientHandshakeSecret, "iv", 12),
            "5bd3c71b836e0b76bb73265f");
}

TEST(HkdfExpandLabelTest, Rfc8448ApplicationTrafficKeys) {
  EXPECT_EQ(ExpandLabel("SHA256", kServerApplicationSecret, "key", 16),
            "9f02283b6c9c07efc26bb9f2ac92e356");
  EXPECT_EQ(ExpandLabel("SHA256", kServerApplicationSecret, "iv", 12),
            "cf782b88dd83549aadf1e984");
  EXPECT_EQ(ExpandLabel("SHA256", kClientApplicationSecret, "key", 16),
            "17422dda596ed5d9acd890e3c63f5051");
  EXPECT_EQ(ExpandLabel("SHA256", kClientApplicationSecret, "iv", 12),
            "5b78923dee08579033e523d9");
}

// RFC 8448 has no SHA-384 or ChaCha20 trace. These answers come from an
// independent HKDF-Expand-Label written with Python's hmac module, and agree
// with `openssl kdf ... HKDF` given the HkdfLabel bytes by hand.
TEST(HkdfExpandLabelTest, CrossCheckedLongKeys) {
  // 32-byte key from a SHA-256 secret (TLS_CHACHA20_POLY1305_SHA256).
  EXPECT_EQ(ExpandLabel("SHA256", kServerApplicationSecret, "key", 32),
            "848e80ab93efeb09c572c66873c184f9"
            "9207c95b0fc817f91e8e7e8e14ac5ca9");
  // SHA-384 (TLS_AES_256_GCM_SHA384), secret 01 02 ... 30.
  const std::string secret384 =
      "0102030405060708090a0b0c0d0e0f101112131415161718"
      "191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30";
  EXPECT_EQ(ExpandLabel("SHA384", secret384, "key", 32),
            "ab56e7ea07eaef99986a0f0accb58f3a"
            "c7db5ce322196d9667722ed2a63d8a64");
  EXPECT_EQ(ExpandLabel("SHA384", secret384, "iv", 12),
            "fc4dc87e05fa4337db00ad3d");
}

// Hmac returns HMAC(key, data) with the hash named `digest` (EVP_MAC).
std::vector<uint8_t> Hmac(const char* digest, const std::vector<uint8_t>& key,
                          const std::vector<uint8_t>& data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  EXPECT_EQ(EVP_MAC_init(ctx, key.data(), key.size(), params), 1);
  EVP_MAC_update(ctx, data.data(), data.size());
  uint8_t out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  EXPECT_EQ(EVP_MAC_final(ctx, out, &out_len, sizeof(out)), 1);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return std::vector<uint8_t>(out, out + out_len);
}

// HmacExpandLabel is HKDF-Expand-Label written from RFC 5869 section 2.3
// and RFC 8446 section 7.1 with nothing but HMAC (OpenSSL's EVP_MAC), so it
// shares no code with the EVP_KDF "HKDF" path under test.
std::vector<uint8_t> HmacExpandLabel(const char* digest,
                                     const std::vector<uint8_t>& secret,
                                     const std::string& label, size_t len) {
  const std::string full = "tls13 " + label;
  std::vector<uint8_t> info = {static_cast<uint8_t>(len >> 8),
                               static_cast<uint8_t>(len),
                               static_cast<uint8_t>(full.size())};
  info.insert(info.end(), full.begin(), full.end());
  info.push_back(0);  // empty context
  // T(i) = HMAC(secret, T(i-1) | info | i), T(0) empty.
  std::vector<uint8_t> out, t;
  for (uint8_t i = 1; out.size() < len; ++i) {
    std::vector<uint8_t> input = t;
    input.insert(input.end(), info.begin(), info.end());
    input.push_back(i);
    t = Hmac(digest, secret, input);
    out.insert(out.end(), t.begin(), t.end());
  }
  out.resize(len);
  return out;
}

// HmacTls12KeyBlock is the TLS 1.2 PRF written from RFC 5246 section 5
// (P_hash: A(i) = HMAC(secret, A(i-1)), output HMAC(secret, A(i) + seed))
// and section 6.3 (the key block's label and seed) with nothing but HMAC, so
// it shares no code with the EVP_KDF "TLS1-PRF" path under test.
std::vector<uint8_t> HmacTls12KeyBlock(const char* digest,
                                       const std::vector<uint8_t>& master,
                                       const std::vector<uint8_t>& client_random,
                                       const std::vector<uint8_t>& server_random,
                                       size_t len) {
  const std::string label = "key expansion";
  std::vector<uint8_t> seed(label.begin(), label.end());
  seed.insert(seed.end(), server_random.begin(), server_random.end());
  seed.insert(seed.end(), client_random.begin(), client_random.end());
  std::vector<uint8_t> out, a = seed;
  while (out.size() < len) {
    a = Hmac(digest, master, a);
    std::vector<uint8_t> input = a;
    input.insert(input.end(), seed.begin(), seed.end());
    const std::vector<uint8_t> block = Hmac(digest, master, input);
    out.insert(out.end(), block.begin(), block.end());
  }
  out.resize(len);
  return out;
}

std::vector<uint8_t> RandomBytes(size_t n) {
  std::vector<uint8_t> out(n);
  EXPECT_EQ(RAND_bytes(out.data(), static_cast<int>(n)), 1);
  return out;
}

// Random master secrets and randoms: the key block of both PRF hashes
// agrees with the independent HMAC computation, at every length the AEAD
// layouts cut.
TEST(Tls12KeyBlockTest, AgreesWithHmacForRandomSecrets) {
  for (int round = 0; round < 8; ++round) {
    const std::vector<uint8_t> master = RandomBytes(48);
    const std::vector<uint8_t> client_random = RandomBytes(32);
    const std::vector<uint8_t> server_random = RandomBytes(32);
    for (const char* digest : {"SHA256", "SHA384"}) {
      for (size_t len : {32, 64, 88}) {
        std::vector<uint8_t> out(len);
        std::string error;
        ASSERT_TRUE(Tls12KeyBlock(digest, master.data(), master.size(),
                                  client_random.data(), server_random.data(),
                                  out.data(), len, &error))
            << error;
        EXPECT_EQ(Hex(out), Hex(HmacTls12KeyBlock(digest, master,
                                                  client_random,
                                                  server_random, len)))
            << digest << " " << len;
      }
    }
  }
}

TEST(Tls12KeyBlockTest, UnknownDigestIsAnError) {
  const std::vector<uint8_t> master = RandomBytes(48), random = RandomBytes(32);
  uint8_t out[32];
  std::string error;
  EXPECT_FALSE(Tls12KeyBlock("NO-SUCH-DIGEST", master.data(), master.size(),
                             random.data(), random.data(), out, sizeof(out),
                             &error));
  EXPECT_NE(error.find("TLS 1.2 PRF"), std::string::npos) << error;
}

// Random secrets of both hashes: every key and IV size TLS 1.3 suites use
// agrees with the independent HMAC computation.
TEST(HkdfExpandLabelTest, AgreesWithHmacForRandomSecrets) {
  struct Case {
    const char* digest;
    size_t secret_len;
    size_t key_len;
  };
  const Case cases[] = {{"SHA256", 32, 16}, {"SHA256", 32, 32},
                        {"SHA384", 48, 32}};
  for (int round = 0; round < 8; ++round) {
    for (const Case& c : cases) {
      std::vector<uint8_t> secret(c.secret_len);
      ASSERT_EQ(RAND_bytes(secret.data(), static_cast<int>(secret.size())),
                1);
      for (const auto& [label, len] :
           {std::pair<std::string, size_t>{"key", c.key_len}, {"iv", 12}}) {
        std::vector<uint8_t> out(len);
        std::string error;
        ASSERT_TRUE(HkdfExpandLabel(c.digest, secret.data(), secret.size(),
                                    label, nullptr, 0, out.data(), len,
                                    &error))
            << error;
        EXPECT_EQ(Hex(out), Hex(HmacExpandLabel(c.digest, secret, label, len)))
            << c.digest << " " << label << " " << len;
      }
    }
  }
}

TEST(HkdfExpandLabelTest, UnknownDigestIsAnError) {
  const std::vector<uint8_t> secret = Bytes(kServerHandshakeSecret);
  uint8_t out[16];
  std::string error;
  EXPECT_FALSE(HkdfExpandLabel("NO-SUCH-DIGEST", secret.data(), secret.size(),
                               "key", nullptr, 0, out, sizeof(out), &error));
  EXPECT_NE(error.find("HKDF"), std::string::npos) << error;
}

std::string Rfc8448KeyLog() {
  const std::string cr = kClientRandom;
  return "# RFC 8448 section 3, as OpenSSL would log it\n"
         "\n"
         "SERVER_HANDSHAKE_TRAFFIC_SECRET " + cr + " " + kServerHandshakeSecret +
         "\n"
         "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + cr + " " + kClientHandshakeSecret +
         "\r\n"
         "EXPORTER_SECRET " + cr + " " + kExporterSecret + "\n"
         "SERVER_TRAFFIC_SECRET_0 " + cr + " " + kServerApplicationSecret + "\n"
         // The other peer logs the same line: counted once.
         "SERVER_TRAFFIC_SECRET_0 " + cr + " " + kServerApplicationSecret + "\n"
         "CLIENT_TRAFFIC_SECRET_0 " + cr + " " + kClientApplicationSecret;
}

const Needle* FindNeedle(const std::vector<Needle>& needles,
                         const std::string& label, NeedleKind kind,
                         size_t size) {
  for (const Needle& n : needles) {
    if (n.label == label && n.kind == kind && n.bytes.size() == size) return &n;
  }
  return nullptr;
}

TEST(NeedlesFromKeyLogTest, Rfc8448KeyLog) {
  std::vector<Needle> needles;
  std::string error;
  ASSERT_TRUE(NeedlesFromKeyLog(Rfc8448KeyLog(), &needles, &error)) << error;
  // 4 traffic secrets x (secret, 16-byte key, 32-byte key, iv) + exporter.
  EXPECT_EQ(needles.size(), 17u);

  struct Expected {
    const char* label;
    NeedleKind kind;
    size_t size;
    const char* hex;
  };
  const Expected expected[] = {
      {"SERVER_HANDSHAKE_TRAFFIC_SECRET", NeedleKind::kSecret, 32,
       kServerHandshakeSecret},
      {"SERVER_HANDSHAKE_TRAFFIC_SECRET", NeedleKind::kKey, 16,
       "3fce516009c21727d0f2e4e86ee403bc"},
      {"SERVER_HANDSHAKE_TRAFFIC_SECRET", NeedleKind::kIv, 12,
       "5d313eb2671276ee13000b30"},
      {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", NeedleKind::kKey, 16,
       "dbfaa693d1762c5b666af5d950258d01"},
      {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", NeedleKind::kIv, 12,
       "5bd3c71b836e0b76bb73265f"},
      {"SERVER_TRAFFIC_SECRET_0", NeedleKind::kKey, 16,
       "9f02283b6c9c07efc26bb9f2ac92e356"},
      {"SERVER_TRAFFIC_SECRET_0", NeedleKind::kKey, 32,
       "848e80ab93efeb09c572c66873c184f99207c95b0fc817f91e8e7e8e14ac5ca9"},
      {"SERVER_TRAFFIC_SECRET_0", NeedleKind::kIv, 12,
       "cf782b88dd83549aadf1e984"},
      {"CLIENT_TRAFFIC_SECRET_0", NeedleKind::kKey, 16,
       "17422dda596ed5d9acd890e3c63f5051"},
      {"CLIENT_TRAFFIC_SECRET_0", NeedleKind::kIv, 12,
       "5b78923dee08579033e523d9"},
      {"EXPORTER_SECRET", NeedleKind::kSecret, 32, kExporterSecret},
  };
  for (const Expected& e : expected) {
    const Needle* n = FindNeedle(needles, e.label, e.kind, e.size);
    ASSERT_NE(n, nullptr) << e.label << " " << NeedleKindName(e.kind) << " "
                          << e.size;
    EXPECT_EQ(Hex(n->bytes), e.hex) << n->Describe();
    EXPECT_EQ(n->hash, "SHA256");
    EXPECT_EQ(n->client_random_hex, kClientRandom);
  }
  // No key or IV is derived from an exporter secret.
  EXPECT_EQ(FindNeedle(needles, "EXPORTER_SECRET", NeedleKind::kKey, 16),
            nullptr);
  EXPECT_EQ(FindNeedle(needles, "EXPORTER_SECRET", NeedleKind::kIv, 12),
            nullptr);
  EXPECT_EQ(FindNeedle(needles, "SERVER_TRAFFIC_SECRET_0", NeedleKind::kKey, 16)
                ->Describe(),
            "SERVER_TRAFFIC_SECRET_0 key (16 bytes, SHA256, client_random "
            "cb34ecb1e78163ba...)");

  WipeNeedles(&needles);
  EXPECT_TRUE(needles.empty());
}

TEST(NeedlesFromKeyLogTest, Sha384SecretGetsA32ByteKeyOnly) {
  const std::string log = std::string("SERVER_TRAFFIC_SECRET_0 ") +
                          kClientRandom +
                          " 0102030405060708090A0B0C0D0E0F101112131415161718"
                          "191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F30\n";
  std::vector<Needle> needles;
  std::string error;
  ASSERT_TRUE(NeedlesFromKeyLog(log, &needles, &error)) << error;
  ASSERT_EQ(needles.size(), 3u);
  EXPECT_EQ(needles[0].kind, NeedleKind::kSecret);
  EXPECT_EQ(needles[0].bytes.size(), 48u);
  EXPECT_EQ(needles[0].hash, "SHA384");
  EXPECT_EQ(Hex(needles[1].bytes),
            "ab56e7ea07eaef99986a0f0accb58f3ac7db5ce322196d9667722ed2a63d8a64");
  EXPECT_EQ(Hex(needles[2].bytes), "fc4dc87e05fa4337db00ad3d");
}

TEST(NeedlesFromKeyLogTest, Tls12MasterSecretIsSearchedAsItIs) {
  const std::string master(96, 'a');
  std::vector<Needle> needles;
  std::string error;
  ASSERT_TRUE(NeedlesFromKeyLog(
      std::string("CLIENT_RANDOM ") + kClientRandom + " " + master, &needles,
      &error))
      << error;
  ASSERT_EQ(needles.size(), 1u);
  EXPECT_EQ(needles[0].label, "CLIENT_RANDOM");
  EXPECT_EQ(needles[0].kind, NeedleKind::kSecret);
  EXPECT_EQ(needles[0].hash, "");
  EXPECT_EQ(Hex(needles[0].bytes), master);
}

// With the connection's server random, a master secret also gives the
// record keys of every AEAD layout (and ChaCha20's IVs), cut from the key
// block as RFC 5246 section 6.3 lays it out; the server random itself is
// public and is not searched for.
TEST(NeedlesFromKeyLogTest, Tls12ServerRandomAddsTheRecordKeys) {
  const std::vector<uint8_t> master = RandomBytes(48);
  const std::vector<uint8_t> server_random = RandomBytes(32);
  const std::vector<uint8_t> client_random = Bytes(kClientRandom);
  const std::string log = "SECRETMODE_SERVER_RANDOM " + std::string(kClientRandom) +
                          " " + Hex(server_random) + "\nCLIENT_RANDOM " +
                          kClientRandom + " " + Hex(master) + "\n";
  std::vector<Needle> needles;
  std::string error;
  ASSERT_TRUE(NeedlesFromKeyLog(log, &needles, &error)) << error;
  ASSERT_EQ(needles.size(), 9u);
  EXPECT_EQ(needles[0].category, NeedleCategory::kTls12Master);
  for (const Needle& n : needles) {
    EXPECT_NE(Hex(n.bytes), Hex(server_random)) << "the server random is public";
    EXPECT_EQ(n.line_number, 2);
    if (&n == &needles[0]) continue;
    EXPECT_EQ(n.category, NeedleCategory::kTls12Record) << n.Describe();
  }
  EXPECT_STREQ(NeedleCategoryName(NeedleCategory::kTls12Record),
               "TLS 1.2 record key/IV");

  struct Expected {
    const char* digest;
    const char* label;
    NeedleKind kind;
    size_t offset, len;
  };
  const Expected expected[] = {
      {"SHA256", "CLIENT_RANDOM client write", NeedleKind::kKey, 0, 16},
      {"SHA256", "CLIENT_RANDOM server write", NeedleKind::kKey, 16, 16},
      {"SHA256", "CLIENT_RANDOM client write", NeedleKind::kKey, 0, 32},
      {"SHA256", "CLIENT_RANDOM server write", NeedleKind::kKey, 32, 32},
      {"SHA256", "CLIENT_RANDOM client write", NeedleKind::kIv, 64, 12},
      {"SHA256", "CLIENT_RANDOM server write", NeedleKind::kIv, 76, 12},
      {"SHA384", "CLIENT_RANDOM client write", NeedleKind::kKey, 0, 32},
      {"SHA384", "CLIENT_RANDOM server write", NeedleKind::kKey, 32, 32},
  };
  for (size_t i = 0; i < 8; ++i) {
    const Expected& e = expected[i];
    const Needle& n = needles[i + 1];
    const std::vector<uint8_t> block =
        HmacTls12KeyBlock(e.digest, master, client_random, server_random, 88);
    EXPECT_EQ(n.label, e.label);
    EXPECT_EQ(n.kind, e.kind);
    EXPECT_EQ(n.hash, e.digest);
    EXPECT_EQ(Hex(n.bytes),
              Hex(std::vector<uint8_t>(block.begin() + e.offset,
                                       block.begin() + e.offset + e.len)))
        << n.Describe();
  }
  WipeNeedles(&needles);
}

// A server random of another connection completes nothing.
TEST(NeedlesFromKeyLogTest, ServerRandomOfAnotherConnectionAddsNothing) {
  const std::string other(64, 'c');
  std::vector<Needle> needles;
  std::string error;
  ASSERT_TRUE(NeedlesFromKeyLog("SECRETMODE_SERVER_RANDOM " + other + " " +
                                    std::string(64, 'd') + "\nCLIENT_RANDOM " +
                                    kClientRandom + " " + std::string(96, 'a'),
                                &needles, &error))
      << error;
  ASSERT_EQ(needles.size(), 1u);
  EXPECT_EQ(needles[0].category, NeedleCategory::kTls12Master);
}

TEST(NeedlesFromKeyLogTest, CategoriesSeparateMasterSecretsFromTls13Keys) {
  const std::string cr = kClientRandom;
  const std::string log = "CLIENT_RANDOM " + cr + " " + std::string(96, 'b') +
                          "\nEXPORTER_SECRET " + cr + " " + kExporterSecret +
                          "\n\nCLIENT_TRAFFIC_SECRET_0 " + cr + " " +
                          kClientApplicationSecret + "\n";
  std::vector<Needle> needles;
  std::string error;
  ASSERT_TRUE(NeedlesFromKeyLog(log, &needles, &error)) << error;
  ASSERT_EQ(needles.size(), 6u);
  EXPECT_EQ(needles[0].category, NeedleCategory::kTls12Master);
  EXPECT_EQ(needles[0].line_number, 1);
  EXPECT_STREQ(NeedleCategoryName(needles[0].category),
               "TLS 1.2 master secret");
  EXPECT_EQ(needles[1].category, NeedleCategory::kTls13Exporter);
  EXPECT_EQ(needles[1].line_number, 2);
  for (size_t i = 2; i < needles.size(); ++i) {
    EXPECT_EQ(needles[i].category, NeedleCategory::kTls13Traffic);
    EXPECT_EQ(needles[i].line_number, 4);
  }
  WipeNeedles(&needles);
}

TEST(NeedlesFromKeyLogTest, EmptyAndCommentOnlyLogsGiveNothing) {
  for (const char* log : {"", "\n\n", "# only a comment\n   \n\t# another\n"}) {
    std::vector<Needle> needles;
    std::string error;
    EXPECT_TRUE(NeedlesFromKeyLog(log, &needles, &error)) << error;
    EXPECT_TRUE(needles.empty());
  }
}

// Malformed lines give an error naming the line, never a crash, and leave
// the output untouched.
void ExpectError(const std::string& log, const std::string& fragment) {
  std::vector<Needle> needles(1);
  needles[0].label = "kept";
  std::string error;
  EXPECT_FALSE(NeedlesFromKeyLog(log, &needles, &error)) << log;
  EXPECT_NE(error.find(fragment), std::string::npos)
      << "error: " << error << "\nexpected to contain: " << fragment;
  ASSERT_EQ(needles.size(), 1u);
  EXPECT_EQ(needles[0].label, "kept");
}

TEST(NeedlesFromKeyLogTest, MalformedLinesAreErrors) {
  const std::string cr = kClientRandom;
  const std::string secret = kServerApplicationSecret;
  ExpectError("# ok\nSERVER_TRAFFIC_SECRET_0 " + cr,
              "key log line 2: expected 3 fields");
  ExpectError("SERVER_TRAFFIC_SECRET_0 " + cr + " " + secret + " extra",
              "key log line 1: expected 3 fields (LABEL CLIENT_RANDOM SECRET), "
              "found 4");
  ExpectError("SERVER_TRAFFIC_SECRET_1 " + cr + " " + secret,
              "key log line 1: unknown label \"SERVER_TRAFFIC_SECRET_1\"");
  ExpectError("server_traffic_secret_0 " + cr + " " + secret, "unknown label");
  ExpectError("SERVER_TRAFFIC_SECRET_0 " + cr + " " + secret.substr(1),
              "secret: odd number of hex digits");
  ExpectError("SERVER_TRAFFIC_SECRET_0 " + cr + " zz" + secret.substr(2),
              "secret: not a hex digit at position 1");
  ExpectError("SERVER_TRAFFIC_SECRET_0 " + cr.substr(2) + " " + secret,
              "client random has 31 bytes, expected 32");
  ExpectError("SERVER_TRAFFIC_SECRET_0 x" + cr.substr(1) + " " + secret,
              "client random: not a hex digit");
  ExpectError("SERVER_TRAFFIC_SECRET_0 " + cr + " " + secret.substr(2),
              "SERVER_TRAFFIC_SECRET_0 secret has 31 bytes, expected 32 "
              "(SHA-256) or 48 (SHA-384)");
  ExpectError("SERVER_TRAFFIC_SECRET_0 " + cr + " ",
              "expected 3 fields");
  ExpectError("CLIENT_RANDOM " + cr + " " + secret,
              "CLIENT_RANDOM secret has 32 bytes, expected the 48-byte master");
  ExpectError("SECRETMODE_SERVER_RANDOM " + cr + " " + secret + "00",
              "SECRETMODE_SERVER_RANDOM has 33 bytes, expected the 32-byte "
              "server random");
  // A good line before a bad one: still an error, for the bad line.
  ExpectError("SERVER_TRAFFIC_SECRET_0 " + cr + " " + secret +
                  "\n\nEXPORTER_SECRET " + cr,
              "key log line 3:");
  // Binary junk.
  static constexpr char kJunk[] = "\x01\x02\xff garbage \x00 here";
  ExpectError(std::string(kJunk, sizeof(kJunk) - 1), "key log line 1");
}

TEST(ParseKeyLogTest, LinesKeepTheirNumbersAndAFinalLineNeedsNoNewline) {
  std::vector<KeyLogLine> lines;
  std::string error;
  ASSERT_TRUE(ParseKeyLog(std::string("# c\n\nEXPORTER_SECRET ") +
                              kClientRandom + " " + kExporterSecret +
                              "\r\n  CLIENT_TRAFFIC_SECRET_0\t" +
                              kClientRandom + "  " + kClientApplicationSecret,
                          &lines, &error))
      << error;
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].line_number, 3);
  EXPECT_EQ(lines[0].label, "EXPORTER_SECRET");
  EXPECT_EQ(Hex(lines[0].secret), kExporterSecret);
  EXPECT_EQ(Hex(lines[0].client_random), kClientRandom);
  EXPECT_EQ(lines[1].line_number, 4);
  EXPECT_EQ(Hex(lines[1].secret), kClientApplicationSecret);
  WipeKeyLogLines(&lines);
  EXPECT_TRUE(lines.empty());
}

}  // namespace
}  // namespace keyscan
