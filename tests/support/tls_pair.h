// tls_pair.h: two in-process TLS peers over a non-blocking socketpair,
// for tests and benchmarks that need a real TLS connection without a
// network: a self-signed P-256 certificate the client verifies, a
// handshake, data both ways, close_notify both ways, and a Free that
// releases everything in the order a program would. It compiles against
// OpenSSL 3 (//tests/support:tls_pair) and BoringSSL
// (//tests/support:tls_pair_boringssl, :tls_pair_boringssl_stock).

#ifndef SECRETMODE_TESTS_SUPPORT_TLS_PAIR_H_
#define SECRETMODE_TESTS_SUPPORT_TLS_PAIR_H_

#include <openssl/ssl.h>

#include <string>

namespace secret_test {

// Receives one key-log line (SSL_CTX_set_keylog_callback).
using KeyLogCallback = void (*)(const SSL* ssl, const char* line);

struct TlsPairOptions {
  // TLS1_3_VERSION or TLS1_2_VERSION: both peers are pinned to it.
  int version = TLS1_3_VERSION;
  // TLS 1.3: a ciphersuite ("TLS_AES_128_GCM_SHA256"); TLS 1.2: a cipher
  // list ("ECDHE-ECDSA-AES128-GCM-SHA256"). Null: the library's default.
  // BoringSSL cannot configure TLS 1.3 suites: Open fails there when one is
  // given for TLS 1.3.
  const char* suite = nullptr;
  // Key-exchange group ("X25519", "P-256"); null: the library's default.
  const char* group = nullptr;
  // Receives every key-log line of both peers; may be null.
  KeyLogCallback keylog = nullptr;
  // Servers keep a session cache unless this is false.
  bool session_cache = true;
};

// TlsPair owns one connection: the certificate, both SSL_CTXs, both SSL
// objects and the socketpair. Each method returns false with a message in
// *error on failure; the pair can then only be freed.
class TlsPair {
 public:
  TlsPair() = default;
  ~TlsPair() { Free(); }
  TlsPair(const TlsPair&) = delete;
  TlsPair& operator=(const TlsPair&) = delete;

  // Open creates the certificate, the contexts, the socketpair and the SSL
  // objects (the client sends SNI and checks the host name).
  bool Open(const TlsPairOptions& options, std::string* error);

  // Reconnect frees the SSL objects and sockets and makes new ones with the
  // same contexts (certificate, settings, session cache), ready for a new
  // Handshake.
  bool Reconnect(std::string* error);

  // Handshake drives both peers until both finish, then checks the
  // negotiated version and suite against the options.
  bool Handshake(std::string* error);

  // Transfer sends `data` from one peer to the other (non-blocking writes
  // and reads in turn) and checks it arrived intact.
  bool Transfer(bool client_to_server, const std::string& data,
                std::string* error);

  // Shutdown exchanges close_notify both ways.
  bool Shutdown(std::string* error);

  // Free releases the SSL objects and the sockets, then the contexts, then
  // the certificate. Idempotent.
  void Free();

  SSL* client() const { return client_; }
  SSL* server() const { return server_; }

 private:
  SSL_CTX* NewContext(const SSL_METHOD* method, std::string* error);
  bool Connect(std::string* error);
  void FreeConnection();

  TlsPairOptions options_;
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* server_ctx_ = nullptr;
  SSL_CTX* client_ctx_ = nullptr;
  SSL* server_ = nullptr;
  SSL* client_ = nullptr;
  int fds_[2] = {-1, -1};
};

// RunTlsPair runs one whole connection with `options`: Open, Handshake, a
// short message and `payload_bytes` of data each way, Shutdown, Free.
bool RunTlsPair(const TlsPairOptions& options, size_t payload_bytes,
                std::string* error);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_TLS_PAIR_H_
