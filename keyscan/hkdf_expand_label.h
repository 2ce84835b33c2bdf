// HKDF-Expand-Label of TLS 1.3 (RFC 8446 section 7.1), which turns a
// traffic secret into the record key and IV (section 7.3).
#ifndef SECRETMODE_KEYSCAN_HKDF_EXPAND_LABEL_H_
#define SECRETMODE_KEYSCAN_HKDF_EXPAND_LABEL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyscan {

// HkdfExpandLabel computes HKDF-Expand-Label(secret, label, context,
// out_len) with the hash named `digest` ("SHA256", "SHA384") into
// out[0, out_len): HKDF-Expand (OpenSSL's EVP_KDF "HKDF" in EXPAND_ONLY
// mode) with the info HkdfLabel { uint16 out_len; "tls13 " + label;
// context }. `label` is given without the "tls13 " prefix, e.g. "key".
// Returns true on success; false with *error set when the arguments are too
// long for HkdfLabel or OpenSSL refuses (unknown digest, out_len over 255
// hashes), and then out[0, out_len) is zeroed. Thread-safe (OpenSSL 3).
//
// WARNING: OpenSSL copies `secret` into its KDF context, which it cleanses
// when freed; the HkdfLabel and `out` are the caller's to wipe (out holds a
// key). Temporaries of the derivation may remain in dead stack frames and
// registers unless the call runs inside `secret::Do`.
bool HkdfExpandLabel(const char* digest, const uint8_t* secret,
                     size_t secret_len, std::string_view label,
                     const uint8_t* context, size_t context_len, uint8_t* out,
                     size_t out_len, std::string* error);

// OpenSslErrors returns everything in this thread's OpenSSL error queue,
// joined with "; " (or "no OpenSSL error queued"), and empties the queue.
// For error messages. Thread-safe (the queue is per thread).
//
// WARNING: none; it reads no secret.
std::string OpenSslErrors();

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_HKDF_EXPAND_LABEL_H_
