// The TLS 1.2 key block (RFC 5246 section 6.3), from which a connection's
// record keys and IVs are cut: PRF(master_secret, "key expansion",
// server_random + client_random).
#ifndef SECRETMODE_KEYSCAN_TLS12_KEY_BLOCK_H_
#define SECRETMODE_KEYSCAN_TLS12_KEY_BLOCK_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace keyscan {

// Tls12KeyBlock computes the first `out_len` bytes of the TLS 1.2 key block
// with the PRF of the hash named `digest` ("SHA256", "SHA384": the suite's
// PRF hash) into out[0, out_len), through OpenSSL's EVP_KDF "TLS1-PRF".
// `master` is the 48-byte master secret, `client_random` and
// `server_random` the hello randoms (32 bytes each). Returns true on
// success; false with *error set when OpenSSL refuses (unknown digest), and
// then out[0, out_len) is zeroed. Thread-safe (OpenSSL 3).
//
// WARNING: `out` holds record keys: the caller wipes it. OpenSSL copies the
// master secret into its KDF context and cleanses it when freed;
// temporaries of the PRF may remain in dead stack frames and registers
// unless the call runs inside `secret::Do`.
bool Tls12KeyBlock(const char* digest, const uint8_t* master,
                   size_t master_len, const uint8_t* client_random,
                   const uint8_t* server_random, uint8_t* out, size_t out_len,
                   std::string* error);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_TLS12_KEY_BLOCK_H_
