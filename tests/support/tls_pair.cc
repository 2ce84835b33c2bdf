// tls_pair.cc: see tls_pair.h.

#include "tests/support/tls_pair.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>

#include "tests/support/error_queue.h"

namespace secret_test {
namespace {

constexpr char kHostName[] = "secretmode.test";

// NewP256Key returns a fresh P-256 key, with calls both libraries share.
EVP_PKEY* NewP256Key() {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) != 1 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) != 1 ||
      EVP_PKEY_keygen(ctx, &key) != 1) {
    key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  return key;
}

bool Retryable(SSL* ssl, int ret) {
  const int e = SSL_get_error(ssl, ret);
  return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

std::string SslFailure(const std::string& what, SSL* ssl, int ret) {
  return what + " failed: SSL_get_error " +
         std::to_string(SSL_get_error(ssl, ret)) + ", " + ErrorQueueText();
}

// A self-signed P-256 certificate for kHostName.
bool MakeCertificate(EVP_PKEY** key, X509** cert, std::string* error) {
  *key = NewP256Key();
  *cert = X509_new();
  if (*key == nullptr || *cert == nullptr) {
    *error = "key generation: " + ErrorQueueText();
    return false;
  }
  X509* c = *cert;
  X509_NAME* name = X509_get_subject_name(c);
  const bool ok =
      X509_set_version(c, X509_VERSION_3) == 1 &&
      ASN1_INTEGER_set(X509_get_serialNumber(c), 1) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(c), -60) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(c), 3600) != nullptr &&
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char*>(kHostName), -1, -1, 0) == 1 &&
      X509_set_issuer_name(c, name) == 1 && X509_set_pubkey(c, *key) == 1 &&
      X509_sign(c, *key, EVP_sha256()) > 0;
  if (!ok) *error = "certificate: " + ErrorQueueText();
  return ok;
}

bool SetNonBlocking(int fd, std::string* error) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    *error = std::string("O_NONBLOCK: ") + strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

SSL_CTX* TlsPair::NewContext(const SSL_METHOD* method, std::string* error) {
  SSL_CTX* ctx = SSL_CTX_new(method);
  bool ok = ctx != nullptr &&
            SSL_CTX_set_min_proto_version(ctx, options_.version) == 1 &&
            SSL_CTX_set_max_proto_version(ctx, options_.version) == 1;
  if (ok && options_.suite != nullptr) {
    if (options_.version != TLS1_3_VERSION) {
      ok = SSL_CTX_set_cipher_list(ctx, options_.suite) == 1;
    } else {
#ifdef OPENSSL_IS_BORINGSSL
      *error = std::string("BoringSSL cannot choose TLS 1.3 suites (asked for ") +
               options_.suite + ")";
      SSL_CTX_free(ctx);
      return nullptr;
#else
      ok = SSL_CTX_set_ciphersuites(ctx, options_.suite) == 1;
#endif
    }
  }
  if (ok && options_.group != nullptr) {
    ok = SSL_CTX_set1_curves_list(ctx, options_.group) == 1;
  }
  if (!ok) {
    *error = std::string("SSL_CTX setup for ") +
             (options_.suite ? options_.suite : "the default suites") + ": " +
             ErrorQueueText();
    SSL_CTX_free(ctx);
    return nullptr;
  }
  if (!options_.session_cache) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  if (options_.keylog != nullptr) {
    SSL_CTX_set_keylog_callback(ctx, options_.keylog);
  }
  return ctx;
}

bool TlsPair::Open(const TlsPairOptions& options, std::string* error) {
  options_ = options;
  ERR_clear_error();
  if (!MakeCertificate(&key_, &cert_, error)) return false;
  server_ctx_ = NewContext(TLS_server_method(), error);
  if (server_ctx_ == nullptr) return false;
  client_ctx_ = NewContext(TLS_client_method(), error);
  if (client_ctx_ == nullptr) return false;
  if (SSL_CTX_use_certificate(server_ctx_, cert_) != 1 ||
      SSL_CTX_use_PrivateKey(server_ctx_, key_) != 1 ||
      SSL_CTX_check_private_key(server_ctx_) != 1 ||
      X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx_), cert_) != 1) {
    *error = "certificate setup: " + ErrorQueueText();
    return false;
  }
  SSL_CTX_set_verify(client_ctx_, SSL_VERIFY_PEER, nullptr);
  return Connect(error);
}

bool TlsPair::Reconnect(std::string* error) {
  FreeConnection();
  return Connect(error);
}

bool TlsPair::Connect(std::string* error) {
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds_) != 0) {
    *error = std::string("socketpair: ") + strerror(errno);
    return false;
  }
  if (!SetNonBlocking(fds_[0], error) || !SetNonBlocking(fds_[1], error)) {
    return false;
  }
  server_ = SSL_new(server_ctx_);
  client_ = SSL_new(client_ctx_);
  if (server_ == nullptr || client_ == nullptr ||
      SSL_set_fd(server_, fds_[0]) != 1 || SSL_set_fd(client_, fds_[1]) != 1 ||
      SSL_set_tlsext_host_name(client_, kHostName) != 1 ||
      SSL_set1_host(client_, kHostName) != 1) {
    *error = "SSL setup: " + ErrorQueueText();
    return false;
  }
  SSL_set_accept_state(server_);
  SSL_set_connect_state(client_);
  return true;
}

bool TlsPair::Handshake(std::string* error) {
  bool client_done = false, server_done = false;
  for (int round = 0; round < 1000 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int r = SSL_do_handshake(client_);
      client_done = r == 1;
      if (r != 1 && !Retryable(client_, r)) {
        *error = SslFailure("client SSL_do_handshake", client_, r);
        return false;
      }
    }
    if (!server_done) {
      const int r = SSL_do_handshake(server_);
      server_done = r == 1;
      if (r != 1 && !Retryable(server_, r)) {
        *error = SslFailure("server SSL_do_handshake", server_, r);
        return false;
      }
    }
  }
  if (!(client_done && server_done)) {
    *error = "handshake did not complete";
    return false;
  }
  if (SSL_get_verify_result(client_) != X509_V_OK) {
    *error = std::string("certificate verification: ") +
             X509_verify_cert_error_string(SSL_get_verify_result(client_));
    return false;
  }
  const char* got = SSL_CIPHER_get_name(SSL_get_current_cipher(client_));
  const char* expected_suite = options_.suite;
  // A TLS 1.2 cipher list may name several; only a single name is checked.
  if (expected_suite != nullptr && strpbrk(expected_suite, ":, ") != nullptr) {
    expected_suite = nullptr;
  }
  if (SSL_version(client_) != options_.version || got == nullptr ||
      (expected_suite != nullptr && strcmp(got, expected_suite) != 0)) {
    *error = std::string("negotiated ") + SSL_get_version(client_) + " " +
             (got ? got : "(none)") + ", expected " +
             (options_.version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2") +
             " " + (expected_suite ? expected_suite : "");
    return false;
  }
  return true;
}

bool TlsPair::Transfer(bool client_to_server, const std::string& data,
                       std::string* error) {
  SSL* from = client_to_server ? client_ : server_;
  SSL* to = client_to_server ? server_ : client_;
  const std::string what = client_to_server ? "client->server" : "server->client";
  size_t written = 0;
  std::string received;
  received.reserve(data.size());
  char buf[16384];
  for (int round = 0; round < 100000 && received.size() < data.size();
       ++round) {
    if (written < data.size()) {
      // After WANT_WRITE the same buffer and length are retried, as
      // SSL_write requires.
      const int len =
          static_cast<int>(std::min<size_t>(data.size() - written, 16384));
      const int n = SSL_write(from, data.data() + written, len);
      if (n > 0) {
        written += static_cast<size_t>(n);
      } else if (!Retryable(from, n)) {
        *error = SslFailure(what + " SSL_write", from, n);
        return false;
      }
    }
    const int n = SSL_read(to, buf, sizeof(buf));
    if (n > 0) {
      received.append(buf, static_cast<size_t>(n));
    } else if (!Retryable(to, n)) {
      *error = SslFailure(what + " SSL_read", to, n);
      return false;
    }
  }
  if (received != data) {
    *error = what + ": received " + std::to_string(received.size()) +
             " bytes, not the " + std::to_string(data.size()) + " sent";
    return false;
  }
  return true;
}

bool TlsPair::Shutdown(std::string* error) {
  int client = 0, server = 0;
  for (int round = 0; round < 1000 && (client != 1 || server != 1); ++round) {
    if (client != 1) {
      client = SSL_shutdown(client_);
      if (client < 0 && !Retryable(client_, client)) {
        *error = SslFailure("client SSL_shutdown", client_, client);
        return false;
      }
    }
    if (server != 1) {
      server = SSL_shutdown(server_);
      if (server < 0 && !Retryable(server_, server)) {
        *error = SslFailure("server SSL_shutdown", server_, server);
        return false;
      }
    }
  }
  if (client != 1 || server != 1) {
    *error = "close_notify exchange did not complete";
    return false;
  }
  return true;
}

void TlsPair::FreeConnection() {
  SSL_free(client_);
  SSL_free(server_);
  client_ = server_ = nullptr;
  for (int& fd : fds_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

void TlsPair::Free() {
  FreeConnection();
  SSL_CTX_free(client_ctx_);
  SSL_CTX_free(server_ctx_);
  X509_free(cert_);
  EVP_PKEY_free(key_);
  client_ctx_ = server_ctx_ = nullptr;
  cert_ = nullptr;
  key_ = nullptr;
}

bool RunTlsPair(const TlsPairOptions& options, size_t payload_bytes,
                std::string* error) {
  TlsPair pair;
  std::string payload(payload_bytes, '\0');
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>('a' + i % 26);
  }
  bool ok = pair.Open(options, error) && pair.Handshake(error) &&
            pair.Transfer(true, "hello from the client", error) &&
            pair.Transfer(false, "hello from the server", error);
  if (ok && payload_bytes > 0) {
    ok = pair.Transfer(true, payload, error) &&
         pair.Transfer(false, payload, error);
  }
  ok = ok && pair.Shutdown(error);
  pair.Free();
  ERR_clear_error();
  return ok;
}

}  // namespace secret_test
