/* tls_handshake_client.c: a plain C OpenSSL program that knows nothing of
 * secretmode, compiled by tests/openssl_link_in_place_test.sh against the
 * link-in-place directory (`-lssl -lcrypto` resolve to the shim's linker
 * scripts). It runs one TLS 1.3 and one TLS 1.2 connection between two
 * in-process peers over a socketpair, exchanges a message each way and
 * exits 0 on success.
 *
 * Usage: tls_handshake_client CERT.pem KEY.pem */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static int Fail(const char* what) {
  fprintf(stderr, "tls_handshake_client: %s failed\n", what);
  ERR_print_errors_fp(stderr);
  return 0;
}

static int Retryable(SSL* ssl, int ret) {
  const int e = SSL_get_error(ssl, ret);
  return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

/* Drives `step` on both peers until both return 1. */
static int BothDone(SSL* a, SSL* b, int (*step)(SSL*), const char* what) {
  int done_a = 0, done_b = 0;
  for (int round = 0; round < 1000 && !(done_a && done_b); ++round) {
    if (!done_a) {
      const int r = step(a);
      done_a = r == 1;
      if (r < 0 && !Retryable(a, r)) return Fail(what);
    }
    if (!done_b) {
      const int r = step(b);
      done_b = r == 1;
      if (r < 0 && !Retryable(b, r)) return Fail(what);
    }
  }
  return done_a && done_b ? 1 : Fail(what);
}

static int Send(SSL* from, SSL* to, const char* message) {
  char buf[256];
  const int len = (int)strlen(message);
  int written = 0, got = 0;
  for (int round = 0; round < 1000 && got < len; ++round) {
    if (!written) {
      const int n = SSL_write(from, message, len);
      if (n > 0) written = 1;
      else if (!Retryable(from, n)) return Fail("SSL_write");
    }
    const int n = SSL_read(to, buf + got, (int)sizeof(buf) - got);
    if (n > 0) got += n;
    else if (!Retryable(to, n)) return Fail("SSL_read");
  }
  return got == len && memcmp(buf, message, (size_t)len) == 0 ? 1
                                                              : Fail("transfer");
}

static int Connection(int version, const char* cert, const char* key) {
  int ok = 0;
  int fds[2] = {-1, -1};
  SSL_CTX* server_ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX* client_ctx = SSL_CTX_new(TLS_client_method());
  SSL *server = NULL, *client = NULL;
  if (server_ctx == NULL || client_ctx == NULL ||
      !SSL_CTX_set_min_proto_version(server_ctx, version) ||
      !SSL_CTX_set_max_proto_version(server_ctx, version) ||
      !SSL_CTX_set_min_proto_version(client_ctx, version) ||
      !SSL_CTX_set_max_proto_version(client_ctx, version) ||
      SSL_CTX_use_certificate_file(server_ctx, cert, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(server_ctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_load_verify_locations(client_ctx, cert, NULL) != 1) {
    Fail("context setup");
    goto out;
  }
  SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, NULL);
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 ||
      fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0 ||
      fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
    perror("socketpair");
    goto out;
  }
  server = SSL_new(server_ctx);
  client = SSL_new(client_ctx);
  if (server == NULL || client == NULL || !SSL_set_fd(server, fds[0]) ||
      !SSL_set_fd(client, fds[1]) || !SSL_set1_host(client, "secretmode.test")) {
    Fail("SSL setup");
    goto out;
  }
  SSL_set_accept_state(server);
  SSL_set_connect_state(client);
  ok = BothDone(client, server, SSL_do_handshake, "handshake") &&
       SSL_version(client) == version &&
       Send(client, server, "hello from the client") &&
       Send(server, client, "hello from the server") &&
       BothDone(client, server, SSL_shutdown, "shutdown");
  if (ok) printf("%s %s ok\n", SSL_get_version(client),
                 SSL_CIPHER_get_name(SSL_get_current_cipher(client)));
out:
  SSL_free(client);
  SSL_free(server);
  SSL_CTX_free(client_ctx);
  SSL_CTX_free(server_ctx);
  if (fds[0] >= 0) close(fds[0]);
  if (fds[1] >= 0) close(fds[1]);
  return ok;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s CERT.pem KEY.pem\n", argv[0]);
    return 2;
  }
  return Connection(TLS1_3_VERSION, argv[1], argv[2]) &&
                 Connection(TLS1_2_VERSION, argv[1], argv[2])
             ? 0
             : 1;
}
