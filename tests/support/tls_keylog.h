// Reading an NSS key log (the SSLKEYLOGFILE format) and deriving from it
// every byte string a TLS peer may keep in memory: the logged secrets and,
// for each TLS 1.3 traffic secret, the record key and IV (RFC 8446 7.3).
// A residue scanner searches memory for these "needles".
//
//   std::vector<secret_test::Needle> needles;
//   std::string error;
//   if (!secret_test::NeedlesFromKeyLog(key_log, &needles, &error)) ...
//   for (const Needle& n : needles) FindInSelf(n.bytes.data(), n.bytes.size());
//   secret_test::WipeNeedles(&needles);
//
// WARNING: parsing and deriving make copies of the secrets: the vectors
// returned here, and temporaries on the stack and in OpenSSL's heap. A caller
// that scans its own memory afterwards should run these functions inside
// secret::Do (so the temporaries are erased), keep the needles in a buffer it
// excludes from the scan, and wipe everything else with WipeNeedles.
#ifndef SECRETMODE_TESTS_SUPPORT_TLS_KEYLOG_H_
#define SECRETMODE_TESTS_SUPPORT_TLS_KEYLOG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace secret_test {

// One line of a key log: `LABEL <client_random hex> <secret hex>`.
struct KeyLogLine {
  int line_number = 0;  // 1-based, for messages
  std::string label;    // e.g. "SERVER_TRAFFIC_SECRET_0"
  std::vector<uint8_t> client_random;  // 32 bytes: names the connection
  std::vector<uint8_t> secret;         // 32 or 48 bytes
};

// ParseKeyLog reads every line of `text`. Blank lines and lines starting
// with '#' are skipped; a trailing '\r' is ignored. Accepted labels:
// CLIENT_EARLY_TRAFFIC_SECRET, CLIENT_HANDSHAKE_TRAFFIC_SECRET,
// SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
// SERVER_TRAFFIC_SECRET_0, EARLY_EXPORTER_SECRET, EXPORTER_SECRET (TLS 1.3:
// 32- or 48-byte secrets) and CLIENT_RANDOM (TLS 1.2: the 48-byte master
// secret). Any other line (wrong field count, unknown label, bad hex, a
// client random that is not 32 bytes, a secret of the wrong length) makes it
// return false with *error naming the line and the problem; *out is then
// cleared (and its secrets wiped). Never aborts on bad input.
bool ParseKeyLog(std::string_view text, std::vector<KeyLogLine>* out,
                 std::string* error);

// HkdfExpandLabel computes HKDF-Expand-Label(secret, label, context, out_len)
// of RFC 8446 7.1 with the hash named `digest` ("SHA256", "SHA384"): HKDF-
// Expand (OpenSSL's EVP_KDF "HKDF" in EXPAND_ONLY mode) with the info
// HkdfLabel { uint16 out_len; "tls13 " + label; context }. `label` is
// given without the "tls13 " prefix, e.g. "key". Returns false with *error
// set when OpenSSL refuses (unknown digest, out_len over 255 hashes).
bool HkdfExpandLabel(const char* digest, const uint8_t* secret,
                     size_t secret_len, std::string_view label,
                     const uint8_t* context, size_t context_len, uint8_t* out,
                     size_t out_len, std::string* error);

// OpenSslErrors returns everything in this thread's OpenSSL error queue,
// joined with "; ", for error messages, and empties the queue.
std::string OpenSslErrors();

enum class NeedleKind { kSecret, kKey, kIv };

// "secret", "key" or "iv".
const char* NeedleKindName(NeedleKind kind);

// One byte string to look for in memory.
struct Needle {
  std::string label;  // the key-log label it comes from
  NeedleKind kind = NeedleKind::kSecret;
  std::string hash;   // "SHA256"/"SHA384" for TLS 1.3, "" for CLIENT_RANDOM
  std::string client_random_hex;  // the connection, 64 hex digits
  std::vector<uint8_t> bytes;

  // E.g. "SERVER_TRAFFIC_SECRET_0 key (16 bytes, SHA256, client_random
  // 1a2b3c4d...)".
  std::string Describe() const;
};

// NeedlesFromKeyLog parses `key_log` (see ParseKeyLog) and appends to *out,
// for every distinct line (both peers of a connection log the same lines;
// repeats count once):
//   - the logged secret itself;
//   - for the traffic secrets (CLIENT_EARLY_TRAFFIC_SECRET,
//     {CLIENT,SERVER}_HANDSHAKE_TRAFFIC_SECRET, {CLIENT,SERVER}_TRAFFIC_
//     SECRET_0) the record IV (12 bytes) and key, with the hash the secret's
//     length implies: a 32-byte secret is SHA-256, for which both a 16-byte
//     (AES-128-GCM, AES-128-CCM) and a 32-byte (ChaCha20-Poly1305) key are
//     derived; a 48-byte secret is SHA-384 with a 32-byte key (AES-256-GCM).
// Returns false with *error set (and *out unchanged) on malformed input or
// when a derivation fails.
bool NeedlesFromKeyLog(std::string_view key_log, std::vector<Needle>* out,
                       std::string* error);

// WipeNeedles overwrites every needle's bytes (OPENSSL_cleanse) and clears
// the vector. WipeKeyLogLines does the same for parsed lines.
void WipeNeedles(std::vector<Needle>* needles);
void WipeKeyLogLines(std::vector<KeyLogLine>* lines);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_TLS_KEYLOG_H_
