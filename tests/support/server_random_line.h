// server_random_line.h: the key-log line keyscan needs, besides a TLS 1.2
// connection's CLIENT_RANDOM line, to derive its record keys (see
// keyscan/key_log.h): `SECRETMODE_SERVER_RANDOM <client random> <server
// random>`, in hex. Header-only: it compiles against the includer's OpenSSL
// or BoringSSL (both have SSL_get_client_random and SSL_get_server_random).

#ifndef SECRETMODE_TESTS_SUPPORT_SERVER_RANDOM_LINE_H_
#define SECRETMODE_TESTS_SUPPORT_SERVER_RANDOM_LINE_H_

#include <openssl/ssl.h>
#include <string.h>

#include <string>

namespace secret_test {

// ServerRandomLine returns the line (without a newline) for the connection
// of `ssl` when `keylog_line` is its CLIENT_RANDOM line, and "" otherwise
// (or when the randoms are not known yet). Thread-safe.
inline std::string ServerRandomLine(const SSL* ssl, const char* keylog_line) {
  if (strncmp(keylog_line, "CLIENT_RANDOM ", 14) != 0) return "";
  unsigned char client[32], server[32];
  if (SSL_get_client_random(ssl, client, sizeof(client)) != sizeof(client) ||
      SSL_get_server_random(ssl, server, sizeof(server)) != sizeof(server)) {
    return "";
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string line = "SECRETMODE_SERVER_RANDOM ";
  for (const unsigned char* random : {client, server}) {
    for (size_t i = 0; i < 32; ++i) {
      line += kDigits[random[i] >> 4];
      line += kDigits[random[i] & 15];
    }
    line += ' ';
  }
  line.pop_back();
  return line;
}

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_SERVER_RANDOM_LINE_H_
