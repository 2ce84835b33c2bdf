// The needles of a key-residue scan: every byte string a TLS peer may keep
// in memory for a connection in a key log — the logged secrets and, for each
// TLS 1.3 traffic secret, the record keys and IV it derives (RFC 8446 7.3).
//
//   std::vector<keyscan::Needle> needles;
//   std::string error;
//   if (!keyscan::NeedlesFromKeyLog(key_log_text, &needles, &error)) ...
//   ... search memory for each needle.bytes ...
//   keyscan::WipeNeedles(&needles);
#ifndef SECRETMODE_KEYSCAN_NEEDLES_H_
#define SECRETMODE_KEYSCAN_NEEDLES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyscan/key_log.h"

namespace keyscan {

enum class NeedleKind { kSecret, kKey, kIv };

// NeedleKindName returns "secret", "key" or "iv" (a static string).
// Thread- and async-signal-safe.
//
// WARNING: none; it reads no secret.
const char* NeedleKindName(NeedleKind kind);

// Which report category a needle belongs to. TLS 1.2 master secrets are a
// category of their own because servers keep them on purpose while a
// session is cached (resumption), unlike TLS 1.3 traffic keys.
enum class NeedleCategory {
  kTls13Traffic,   // traffic secrets and their keys and IVs
  kTls13Exporter,  // (early) exporter secrets
  kTls12Master,    // CLIENT_RANDOM master secrets
  kTls12Record,    // TLS 1.2 record keys and IVs (needs the server random)
};

// NeedleCategoryName returns "TLS 1.3 traffic secret/key/IV",
// "TLS 1.3 exporter secret", "TLS 1.2 master secret" or "TLS 1.2 record
// key/IV" (a static string).
// Thread- and async-signal-safe.
//
// WARNING: none; it reads no secret.
const char* NeedleCategoryName(NeedleCategory category);

// One byte string to look for in memory.
struct Needle {
  std::string label;  // the key-log label it comes from
  NeedleKind kind = NeedleKind::kSecret;
  NeedleCategory category = NeedleCategory::kTls13Traffic;
  // The hash of the key schedule it comes from: "SHA256"/"SHA384" for TLS
  // 1.3 secrets and keys and for TLS 1.2 record keys (the PRF's hash); ""
  // for a TLS 1.2 master secret.
  std::string hash;
  std::string client_random_hex;  // the connection, 64 hex digits
  int line_number = 0;            // first key-log line it comes from
  std::vector<uint8_t> bytes;

  // Describe returns e.g. "SERVER_TRAFFIC_SECRET_0 key (16 bytes, SHA256,
  // client_random 1a2b3c4d...)". Never includes the needle's bytes.
  std::string Describe() const;
};

// NeedlesFromKeyLog parses `key_log` (see `ParseKeyLog`) and appends to
// *out, for every distinct line (both peers of a connection log the same
// lines; repeats count once):
//   - the logged secret itself;
//   - for the traffic secrets (CLIENT_EARLY_TRAFFIC_SECRET,
//     {CLIENT,SERVER}_HANDSHAKE_TRAFFIC_SECRET, {CLIENT,SERVER}_TRAFFIC_
//     SECRET_0) the record key and IV (12 bytes), with the hash the secret's
//     length implies: a 32-byte secret is SHA-256, for which both a 16-byte
//     (AES-128-GCM, AES-128-CCM) and a 32-byte (ChaCha20-Poly1305) key are
//     derived; a 48-byte secret is SHA-384 with a 32-byte key (AES-256-GCM);
//   - for a TLS 1.2 master secret (CLIENT_RANDOM) whose connection also has
//     a SECRETMODE_SERVER_RANDOM line, the client and server write keys of
//     the key block (RFC 5246 6.3) for every AEAD layout, since the suite
//     is not logged: SHA-256 with 16-byte keys (AES-128-GCM), SHA-256 with
//     32-byte keys and 12-byte IVs (ChaCha20-Poly1305), SHA-384 with
//     32-byte keys (AES-256-GCM).
// Returns true on success (an empty or comment-only log gives no needles
// and succeeds: callers that need a non-empty log check *out). Returns
// false with *error set (naming the key-log line) and *out unchanged on
// malformed input or when a derivation fails. Thread-safe; allocates.
//
// WARNING: the needles are copies of the secrets, in the heap, and the
// derivation leaves temporaries in this thread's dead stack frames and in
// OpenSSL's freed heap unless it runs inside `secret::Do` with OpenSSL's
// heap in the secret arena. Later TLS 1.3 secrets (after KeyUpdate:
// *_TRAFFIC_SECRET_N for N > 0) are not in key logs and are not derived.
bool NeedlesFromKeyLog(std::string_view key_log, std::vector<Needle>* out,
                       std::string* error);

// WipeNeedles overwrites every needle's bytes (OPENSSL_cleanse) and clears
// the vector. Thread-safe.
//
// WARNING: copies the caller made of a needle are not reached.
void WipeNeedles(std::vector<Needle>* needles);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_NEEDLES_H_
