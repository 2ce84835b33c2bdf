// kdf_derive.cc: see kdf_derive.h.
#include "keyscan/kdf_derive.h"

#include <openssl/crypto.h>
#include <openssl/kdf.h>

#include "keyscan/hkdf_expand_label.h"

namespace keyscan {

bool KdfDerive(const char* kdf_name, const OSSL_PARAM* params, uint8_t* out,
               size_t out_len, const std::string& what, std::string* error) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, kdf_name, nullptr);
  EVP_KDF_CTX* ctx = kdf == nullptr ? nullptr : EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  const bool ok = ctx != nullptr && EVP_KDF_derive(ctx, out, out_len, params) == 1;
  EVP_KDF_CTX_free(ctx);
  if (!ok) {
    OPENSSL_cleanse(out, out_len);
    *error = what + " failed: " + OpenSslErrors();
  }
  return ok;
}

}  // namespace keyscan
