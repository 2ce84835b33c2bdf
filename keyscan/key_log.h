// Reading an NSS key log (the SSLKEYLOGFILE format that OpenSSL, BoringSSL,
// NSS and curl write): one secret per line, `LABEL CLIENT_RANDOM SECRET`.
#ifndef SECRETMODE_KEYSCAN_KEY_LOG_H_
#define SECRETMODE_KEYSCAN_KEY_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyscan {

// What a key-log label names, which decides what is derived from it.
enum class LabelKind {
  kTls13Traffic,   // a TLS 1.3 traffic secret: record key and IV derive from it
  kTls13Exporter,  // a TLS 1.3 exporter secret: searched for as it is
  kTls12Master,    // CLIENT_RANDOM: the TLS 1.2 master secret
  // SECRETMODE_SERVER_RANDOM: the server random of a TLS 1.2 connection (a
  // line of secretmode's own, not of the NSS format; public, never searched
  // for), which with the master secret gives the record keys.
  kTls12ServerRandom,
};

// One line of a key log.
struct KeyLogLine {
  int line_number = 0;  // 1-based, for messages
  std::string label;    // e.g. "SERVER_TRAFFIC_SECRET_0"
  LabelKind kind = LabelKind::kTls13Traffic;
  std::vector<uint8_t> client_random;  // 32 bytes: names the connection
  std::vector<uint8_t> secret;         // 32 or 48 bytes (server random: 32)
};

// ParseKeyLog reads every line of `text` into *out and returns true. Blank
// lines and lines starting with '#' are skipped; a trailing '\r' is ignored;
// fields are separated by runs of spaces or tabs. Accepted labels:
// CLIENT_EARLY_TRAFFIC_SECRET, CLIENT_HANDSHAKE_TRAFFIC_SECRET,
// SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
// SERVER_TRAFFIC_SECRET_0 (traffic secrets), EARLY_EXPORTER_SECRET,
// EXPORTER_SECRET (exporter secrets) — TLS 1.3, 32-byte (SHA-256) or
// 48-byte (SHA-384) secrets — CLIENT_RANDOM (TLS 1.2, the 48-byte master
// secret) and SECRETMODE_SERVER_RANDOM (secretmode's extension: the 32-byte
// server random of the TLS 1.2 connection the client random names, which
// the NSS format leaves out and the record keys need). Any other line (wrong field count, unknown label, bad hex, a
// client random that is not 32 bytes, a secret of the wrong length) makes it
// return false with *error = "key log line N: <problem>" (one line; text
// quoted from the log goes through Printable); *out is then
// wiped and cleared. Never aborts on bad input (binary junk included).
// Thread-safe; allocates.
//
// WARNING: the parsed secrets are copies of the key log's secrets, in the
// heap. Wipe them with `WipeKeyLogLines`; `text` itself is the caller's.
bool ParseKeyLog(std::string_view text, std::vector<KeyLogLine>* out,
                 std::string* error);

// WipeKeyLogLines overwrites every line's secret (OPENSSL_cleanse, which the
// compiler cannot elide) and clears the vector. Thread-safe.
//
// WARNING: copies the caller made (e.g. by copying a KeyLogLine) are not
// reached.
void WipeKeyLogLines(std::vector<KeyLogLine>* lines);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_KEY_LOG_H_
