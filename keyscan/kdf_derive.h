// One derivation through OpenSSL 3's EVP_KDF, shared by the TLS 1.3 and
// TLS 1.2 key schedules keyscan recomputes.
#ifndef SECRETMODE_KEYSCAN_KDF_DERIVE_H_
#define SECRETMODE_KEYSCAN_KDF_DERIVE_H_

#include <openssl/params.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace keyscan {

// KdfDerive derives out[0, out_len) with the EVP_KDF named `kdf_name`
// ("HKDF", "TLS1-PRF") and `params`. Returns true on success; false with
// *error = "<what> failed: <OpenSSL's errors>" when the KDF is missing or
// refuses, and then out[0, out_len) is zeroed. Thread-safe (OpenSSL 3).
//
// WARNING: `out` holds key material: the caller wipes it. OpenSSL copies
// the secrets of `params` into its KDF context and cleanses them when it
// frees it; temporaries may remain in dead stack frames and registers
// unless the call runs inside `secret::Do`.
bool KdfDerive(const char* kdf_name, const OSSL_PARAM* params, uint8_t* out,
               size_t out_len, const std::string& what, std::string* error);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_KDF_DERIVE_H_
