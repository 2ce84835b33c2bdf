// tls12_key_block.cc: see tls12_key_block.h.
#include "keyscan/tls12_key_block.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <cstring>

#include "keyscan/kdf_derive.h"

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
  return KdfDerive(OSSL_KDF_NAME_TLS1_PRF, params, out, out_len,
                   std::string("TLS 1.2 PRF (") + digest + ")", error);
}

}  // namespace keyscan
