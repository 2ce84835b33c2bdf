// hkdf_expand_label.cc: see hkdf_expand_label.h.
#include "keyscan/hkdf_expand_label.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstring>
#include <vector>

#include "keyscan/kdf_derive.h"

namespace keyscan {

std::string OpenSslErrors() {
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL error queued" : text;
}

bool HkdfExpandLabel(const char* digest, const uint8_t* secret,
                     size_t secret_len, std::string_view label,
                     const uint8_t* context, size_t context_len, uint8_t* out,
                     size_t out_len, std::string* error) {
  // struct {
  //   uint16 length = out_len;
  //   opaque label<7..255> = "tls13 " + label;
  //   opaque context<0..255> = context;
  // } HkdfLabel;
  static constexpr char kPrefix[] = "tls13 ";
  const size_t full_label_len = sizeof(kPrefix) - 1 + label.size();
  if (out_len > 0xffff || full_label_len > 255 || context_len > 255) {
    std::memset(out, 0, out_len);
    *error = "HKDF-Expand-Label: length, label or context too long";
    return false;
  }
  std::vector<uint8_t> info;
  info.reserve(2 + 1 + full_label_len + 1 + context_len);
  info.push_back(static_cast<uint8_t>(out_len >> 8));
  info.push_back(static_cast<uint8_t>(out_len & 0xff));
  info.push_back(static_cast<uint8_t>(full_label_len));
  info.insert(info.end(), kPrefix, kPrefix + sizeof(kPrefix) - 1);
  info.insert(info.end(), label.begin(), label.end());
  info.push_back(static_cast<uint8_t>(context_len));
  if (context_len > 0) info.insert(info.end(), context, context + context_len);

  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       const_cast<char*>(digest), 0),
      // In EXPAND_ONLY mode the key is the pseudorandom key (the secret).
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                        const_cast<uint8_t*>(secret),
                                        secret_len),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(),
                                        info.size()),
      OSSL_PARAM_construct_end(),
  };
  return KdfDerive(OSSL_KDF_NAME_HKDF, params, out, out_len,
                   std::string("HKDF-Expand (") + digest + ")", error);
}

}  // namespace keyscan
