// openssl_shim_known_answers_test.cc: the OpenSSL shim changes nothing a
// caller can see. In a program linked with //shim/openssl:shim, published
// known-answer vectors run through the wrapped entry points (X25519 from RFC
// 7748, AES-128-GCM from the GCM specification, ChaCha20-Poly1305 from RFC
// 8439, HKDF from RFC 5869, the TLS 1.3 key schedule from RFC 8448) and give
// the published answers, and each case -- the failing ones too (a wrong tag,
// a bad key length, a derive without a peer) -- returns the same values and
// leaves the same errors on OpenSSL's error queue with the shim's levels on
// as with them off ("none"). The counts prove the calls ran in secret mode.

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "shim/secret_shim.h"
#include "tests/support/tls_keylog.h"

namespace secret_test {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes FromHex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string Hex(const uint8_t* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < n; ++i) {
    hex.push_back(kDigits[p[i] >> 4]);
    hex.push_back(kDigits[p[i] & 15]);
  }
  return hex;
}


// What a case shows its caller: return values and outputs, in order, and
// then every error left on the queue (library, reason, function, file, line).
struct Observed {
  std::vector<std::string> values;
  std::string errors;

  void Add(const std::string& what, long long value) {
    values.push_back(what + "=" + std::to_string(value));
  }
  void Add(const std::string& what, const uint8_t* p, size_t n) {
    values.push_back(what + "=" + Hex(p, n));
  }
  void DrainErrors() {
    const char *file, *func, *data;
    int line, flags;
    while (unsigned long e = ERR_get_error_all(&file, &line, &func, &data, &flags)) {
      char text[256];
      ERR_error_string_n(e, text, sizeof(text));
      errors += std::string(text) + " in " + func + " at " + file + ":" +
                std::to_string(line) +
                ((flags & ERR_TXT_STRING) != 0 ? std::string(" (") + data + ")"
                                               : std::string()) +
                "\n";
    }
  }
  bool operator==(const Observed& o) const {
    return values == o.values && errors == o.errors;
  }
  std::string Describe() const {
    std::string text;
    for (const auto& v : values) text += "  " + v + "\n";
    return text + "  errors:\n" + (errors.empty() ? "    (none)\n" : errors);
  }
};

uint64_t OutermostCalls() {
  std::vector<secret_shim_call_count> counts(secret_shim_get_call_counts(nullptr, 0));
  secret_shim_get_call_counts(counts.data(), counts.size());
  uint64_t n = 0;
  for (const auto& c : counts) n += c.outermost;
  return n;
}

// RunBothWays runs `run_case` with the shim's levels on and off and checks
// that the caller sees the same; returns what it saw with them on.
template <typename Case>
Observed RunBothWays(Case run_case) {
  ERR_clear_error();
  EXPECT_EQ(secret_shim_set_levels("none"), 0);
  Observed plain;
  run_case(&plain);
  plain.DrainErrors();

  EXPECT_EQ(secret_shim_set_levels("libssl,libcrypto"), 0);
  secret_shim_set_counting(1);
  secret_shim_reset_call_counts();
  Observed wrapped;
  run_case(&wrapped);
  wrapped.DrainErrors();
  const uint64_t switched = OutermostCalls();
  secret_shim_set_counting(0);

  EXPECT_GT(switched, 0u) << "no call of this case ran in secret mode";
  EXPECT_TRUE(wrapped == plain) << "with the shim:\n"
                                << wrapped.Describe() << "without it:\n"
                                << plain.Describe();
  return wrapped;
}

std::string Value(const Observed& o, const std::string& what) {
  for (const auto& v : o.values) {
    if (v.compare(0, what.size() + 1, what + "=") == 0) return v.substr(what.size() + 1);
  }
  return "(missing " + what + ")";
}

// ---- X25519 (RFC 7748 section 6.1) ----

void X25519Derive(const Bytes& priv, const Bytes& peer_pub, Observed* o) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr,
                                                  priv.data(), priv.size());
  EVP_PKEY* peer = EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr,
                                                  peer_pub.data(), peer_pub.size());
  o->Add("key", key != nullptr);
  o->Add("peer", peer != nullptr);
  EVP_PKEY_CTX* ctx =
      key != nullptr ? EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr) : nullptr;
  if (ctx != nullptr) {
    o->Add("init", EVP_PKEY_derive_init(ctx));
    if (peer != nullptr) o->Add("set_peer", EVP_PKEY_derive_set_peer(ctx, peer));
    uint8_t shared[32] = {0};
    size_t len = sizeof(shared);
    o->Add("derive", EVP_PKEY_derive(ctx, shared, &len));
    o->Add("shared", shared, len);
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(peer);
  EVP_PKEY_free(key);
}

const char kAlicePrivate[] =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const char kBobPublic[] =
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";

TEST(ShimKnownAnswersTest, X25519Rfc7748) {
  const Observed o = RunBothWays(
      [](Observed* o) { X25519Derive(FromHex(kAlicePrivate), FromHex(kBobPublic), o); });
  EXPECT_EQ(Value(o, "derive"), "1");
  EXPECT_EQ(Value(o, "shared"),
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_TRUE(o.errors.empty()) << o.errors;
}

TEST(ShimErrorPathsTest, X25519BadKeyLength) {
  const Bytes short_key(31, 0x42);
  const Observed o = RunBothWays(
      [&](Observed* o) { X25519Derive(short_key, FromHex(kBobPublic), o); });
  EXPECT_EQ(Value(o, "key"), "0");
  EXPECT_FALSE(o.errors.empty());
}

TEST(ShimErrorPathsTest, DeriveWithoutPeer) {
  const Observed o = RunBothWays([](Observed* o) {
    X25519Derive(FromHex(kAlicePrivate), Bytes(), o);
  });
  EXPECT_EQ(Value(o, "peer"), "0");
  EXPECT_NE(Value(o, "derive"), "1");
  EXPECT_FALSE(o.errors.empty());
}

// ---- AEADs ----

struct AeadVector {
  const char* cipher;
  const char* key;
  const char* iv;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

// The GCM specification's test case 4 (AES-128, 60-byte plaintext, AAD).
const AeadVector kAes128Gcm = {
    "AES-128-GCM",
    "feffe9928665731c6d6a8f9467308308",
    "cafebabefacedbaddecaf888",
    "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
    "5bc94fbc3221a5db94fae95ae7121a47",
};

// RFC 8439 section 2.8.2.
const AeadVector kChacha20Poly1305 = {
    "ChaCha20-Poly1305",
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
    "070000004041424344454647",
    "50515253c0c1c2c3c4c5c6c7",
    "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
    "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
    "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
    "637265656e20776f756c642062652069742e",
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
    "3ff4def08e4b7a9de576d26586cec64b6116",
    "1ae10b594f09e26a7e902ecbd0600691",
};

// Seals (encrypt) or opens with `tag`, through the EVP calls libssl and
// applications use: Init_ex2 with the key, AAD and data Updates, Final_ex,
// and the tag ctrl.
void AeadRun(const AeadVector& v, bool encrypt, const Bytes& key,
             const Bytes& input, const Bytes& tag, Observed* o) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, v.cipher, nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const Bytes iv = FromHex(v.iv), aad = FromHex(v.aad);
  Bytes out(input.size() + 32);
  int len = 0, total = 0;
  const int init = encrypt ? EVP_EncryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr)
                           : EVP_DecryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr);
  o->Add("init", init);
  if (init == 1) {
    o->Add("aad", EVP_CipherUpdate(ctx, nullptr, &len, aad.data(),
                                   static_cast<int>(aad.size())));
    if (!encrypt) {
      o->Add("set_tag", EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
                                            static_cast<int>(tag.size()),
                                            const_cast<uint8_t*>(tag.data())));
    }
    const int update =
        encrypt ? EVP_EncryptUpdate(ctx, out.data(), &len, input.data(),
                                    static_cast<int>(input.size()))
                : EVP_DecryptUpdate(ctx, out.data(), &len, input.data(),
                                    static_cast<int>(input.size()));
    o->Add("update", update);
    total = len;
    const int final = encrypt ? EVP_EncryptFinal_ex(ctx, out.data() + total, &len)
                              : EVP_DecryptFinal_ex(ctx, out.data() + total, &len);
    o->Add("final", final);
    total += len;
    o->Add("output", out.data(), static_cast<size_t>(total));
    if (encrypt) {
      uint8_t got_tag[16] = {0};
      o->Add("get_tag", EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
                                            sizeof(got_tag), got_tag));
      o->Add("tag", got_tag, sizeof(got_tag));
    }
  }
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
}

class ShimAeadTest : public ::testing::TestWithParam<AeadVector> {};

TEST_P(ShimAeadTest, SealGivesThePublishedCiphertextAndTag) {
  const AeadVector& v = GetParam();
  const Observed o = RunBothWays([&](Observed* o) {
    AeadRun(v, true, FromHex(v.key), FromHex(v.plaintext), Bytes(), o);
  });
  EXPECT_EQ(Value(o, "output"), v.ciphertext);
  EXPECT_EQ(Value(o, "tag"), v.tag);
  EXPECT_TRUE(o.errors.empty()) << o.errors;
}

TEST_P(ShimAeadTest, OpenGivesThePlaintext) {
  const AeadVector& v = GetParam();
  const Observed o = RunBothWays([&](Observed* o) {
    AeadRun(v, false, FromHex(v.key), FromHex(v.ciphertext), FromHex(v.tag), o);
  });
  EXPECT_EQ(Value(o, "final"), "1");
  EXPECT_EQ(Value(o, "output"), v.plaintext);
}

TEST_P(ShimAeadTest, WrongTagFailsTheSameWay) {
  const AeadVector& v = GetParam();
  Bytes tag = FromHex(v.tag);
  tag[0] ^= 1;
  const Observed o = RunBothWays([&](Observed* o) {
    AeadRun(v, false, FromHex(v.key), FromHex(v.ciphertext), tag, o);
  });
  EXPECT_EQ(Value(o, "final"), "0");
}

TEST_P(ShimAeadTest, BadTagLengthFailsTheSameWay) {
  const AeadVector& v = GetParam();
  const Bytes tag(17, 0);  // longer than any AEAD tag here
  const Observed o = RunBothWays([&](Observed* o) {
    AeadRun(v, false, FromHex(v.key), FromHex(v.ciphertext), tag, o);
  });
  // Only the refusal is asserted: what Final does next differs between
  // OpenSSL's AES-GCM and ChaCha20-Poly1305 (3.0's ChaCha20-Poly1305 then
  // opens without checking a tag), and RunBothWays has checked that the shim
  // changes neither.
  EXPECT_EQ(Value(o, "set_tag"), "0");
}

INSTANTIATE_TEST_SUITE_P(Vectors, ShimAeadTest,
                         ::testing::Values(kAes128Gcm, kChacha20Poly1305),
                         [](const ::testing::TestParamInfo<AeadVector>& info) {
                           return info.index == 0 ? std::string("Aes128Gcm")
                                                  : std::string("Chacha20Poly1305");
                         });

// ---- HKDF (RFC 5869) and the TLS 1.3 key schedule (RFC 8448) ----

void Hkdf(const Bytes& ikm, const Bytes& salt, const Bytes& info, size_t len,
          Observed* o) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  OSSL_PARAM params[5];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                                 const_cast<char*>("SHA256"), 0);
  if (!ikm.empty()) {
    params[n++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data()), ikm.size());
  }
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()), salt.size());
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(info.data()), info.size());
  params[n] = OSSL_PARAM_construct_end();
  Bytes okm(len);
  o->Add("derive", EVP_KDF_derive(ctx, okm.data(), okm.size(), params));
  o->Add("okm", okm.data(), okm.size());
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
}

TEST(ShimKnownAnswersTest, HkdfRfc5869Case1) {
  const Observed o = RunBothWays([](Observed* o) {
    Hkdf(Bytes(22, 0x0b), FromHex("000102030405060708090a0b0c"),
         FromHex("f0f1f2f3f4f5f6f7f8f9"), 42, o);
  });
  EXPECT_EQ(Value(o, "derive"), "1");
  EXPECT_EQ(Value(o, "okm"),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
}

TEST(ShimErrorPathsTest, HkdfWithoutKey) {
  const Observed o = RunBothWays([](Observed* o) {
    Hkdf(Bytes(), FromHex("00"), FromHex("f0"), 42, o);
  });
  EXPECT_EQ(Value(o, "derive"), "0");
  EXPECT_FALSE(o.errors.empty());
}

TEST(ShimKnownAnswersTest, Tls13KeyScheduleRfc8448) {
  // RFC 8448 section 3: the server's handshake traffic secret, and the
  // write key and IV derived from it with HKDF-Expand-Label.
  const Bytes secret = FromHex(
      "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
  const Observed o = RunBothWays([&](Observed* o) {
    uint8_t key[16], iv[12];
    std::string error;
    o->Add("key_ok", HkdfExpandLabel("SHA256", secret.data(), secret.size(), "key",
                                     nullptr, 0, key, sizeof(key), &error));
    o->Add("iv_ok", HkdfExpandLabel("SHA256", secret.data(), secret.size(), "iv",
                                    nullptr, 0, iv, sizeof(iv), &error));
    o->Add("key", key, sizeof(key));
    o->Add("iv", iv, sizeof(iv));
  });
  EXPECT_EQ(Value(o, "key"), "3fce516009c21727d0f2e4e86ee403bc");
  EXPECT_EQ(Value(o, "iv"), "5d313eb2671276ee13000b30");
}

}  // namespace
}  // namespace secret_test
