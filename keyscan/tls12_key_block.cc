// tls12_key_block.cc: see tls12_key_block.h.
#include "keyscan/tls12_key_block.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstring>

#include "keyscan/hkdf_expand_label.h"

namespace keyscan {

bool Tls12KeyBlock(const char* digest, const uint8_t* master,
                   size_t master_len, const uint8_t* client_random,
                   const uint8_t* server_random, uint8_t* out, size_t out_len,
                   std::string* error) {
  // The PRF's seed is the label followed by the randoms, server first.
  static constexpr char kLabel[] = "key expansion";
  constexpr size_t kLabelLen = sizeof(kLabel) - 1;
  uint8_t seed[kLabelLen + 64];
  std::memcpy(seed, kLabel, kLabelLen);
  std::memcpy(seed + kLabelLen, server_random, 32);
  std::memcpy(seed + kLabelLen + 32, client_random, 32);

  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_TLS1_PRF, nullptr);
  EVP_KDF_CTX* ctx = kdf == nullptr ? nullptr : EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  bool ok = false;
  if (ctx != nullptr) {
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                         const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
                                          const_cast<uint8_t*>(master),
                                          master_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed,
                                          sizeof(seed)),
        OSSL_PARAM_construct_end(),
    };
    ok = EVP_KDF_derive(ctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(ctx);
  }
  if (!ok) {
    OPENSSL_cleanse(out, out_len);
    *error = std::string("TLS 1.2 PRF (") + digest + ") failed: " +
             OpenSslErrors();
    return false;
  }
  return true;
}

}  // namespace keyscan
