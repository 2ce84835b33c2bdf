// tls_client.cc: an interop matrix client that can be scanned after its
// connections are closed. It connects to a TLS server, sends an HTTP/1.0
// request, reads the whole response, closes the connection (close_notify),
// frees every object, prints "ready" and waits until its stdin is closed;
// while it waits, keyscan searches its memory. With --resume it makes a
// second connection that resumes the first one's session. Built against
// OpenSSL 3 and against BoringSSL (interop/BUILD.bazel).
//
//   tls_client --connect HOST:PORT --keylog FILE [--tls12] [--group G]
//              [--cipher C] [--resume] [--pause-open]
//
// --pause-open: after the first handshake, print "open" and wait for a line
// on stdin before sending the request, so that a scan can see the live
// connection's keys (the proof that it would see them if they stayed).
// --cipher is a TLS 1.3 suite (OpenSSL only) or a TLS 1.2 cipher list.
// Exit status: 0 after stdin is closed; 1 when a connection fails (the
// reason on stderr); 2 on bad arguments.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>

#include "tests/support/error_queue.h"
#include "tests/support/server_random_line.h"

namespace {

FILE* g_keylog = nullptr;
bool g_pause_open = false;
// The newest resumable session the server gave (a TLS 1.3 ticket arrives
// after the handshake, so SSL_get1_session may return a session that cannot
// be resumed; the new-session callback gives the one that can).
SSL_SESSION* g_session = nullptr;

int KeepNewSession(SSL*, SSL_SESSION* session) {
  SSL_SESSION_free(g_session);
  g_session = session;
  return 1;  // the reference is ours
}

// A TLS 1.2 connection's CLIENT_RANDOM line is followed by its server
// random, so that keyscan also derives and searches its record keys.
void AppendKeyLogLine(const SSL* ssl, const char* line) {
  fprintf(g_keylog, "%s\n", line);
  const std::string server_random = secret_test::ServerRandomLine(ssl, line);
  if (!server_random.empty()) fprintf(g_keylog, "%s\n", server_random.c_str());
  fflush(g_keylog);
}

[[noreturn]] void Fail(const std::string& what) {
  fprintf(stderr, "tls_client: %s: %s\n", what.c_str(),
          secret_test::ErrorQueueText().c_str());
  exit(1);
}

[[noreturn]] void Usage(const std::string& message) {
  fprintf(stderr,
          "tls_client: %s\nusage: tls_client --connect HOST:PORT --keylog FILE "
          "[--tls12] [--group G] [--cipher C] [--resume] [--pause-open]\n",
          message.c_str());
  exit(2);
}

int Connect(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) Usage("--connect needs HOST:PORT");
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(atoi(host_port.c_str() + colon + 1)));
  if (inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    Usage("--connect needs an IPv4 address");
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Fail("connect to " + host_port + ": " + strerror(errno));
  }
  return fd;
}

// Exchange runs one connection: handshake (resuming `session` if given),
// request, response, close_notify. Sets whether it was resumed.
void Exchange(SSL_CTX* ctx, const std::string& host_port,
              SSL_SESSION* session, bool* resumed) {
  const int fd = Connect(host_port);
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) Fail("SSL_new");
  if (session != nullptr) SSL_set_session(ssl, session);
  if (SSL_connect(ssl) != 1) Fail("handshake with " + host_port);
  if (g_pause_open) {
    g_pause_open = false;
    printf("open\n");
    fflush(stdout);
    char byte = 0;
    while (read(0, &byte, 1) == 1 && byte != '\n') {
    }
  }
  const char request[] = "GET / HTTP/1.0\r\n\r\n";
  if (SSL_write(ssl, request, sizeof(request) - 1) != sizeof(request) - 1) {
    Fail("SSL_write");
  }
  size_t received = 0;
  char buf[4096];
  for (;;) {
    const int n = SSL_read(ssl, buf, sizeof(buf));
    if (n <= 0) break;
    received += static_cast<size_t>(n);
  }
  if (received == 0) Fail("no response from " + host_port);
  *resumed = SSL_session_reused(ssl) == 1;
  SSL_shutdown(ssl);
  SSL_free(ssl);
  close(fd);
  fprintf(stderr, "tls_client: %zu bytes received%s\n", received,
          *resumed ? " (resumed)" : "");
}

}  // namespace

int main(int argc, char** argv) {
  std::string connect_to, keylog, group, cipher;
  int version = TLS1_3_VERSION;
  bool resume = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--connect" && has_value) {
      connect_to = argv[++i];
    } else if (arg == "--keylog" && has_value) {
      keylog = argv[++i];
    } else if (arg == "--group" && has_value) {
      group = argv[++i];
    } else if (arg == "--cipher" && has_value) {
      cipher = argv[++i];
    } else if (arg == "--tls12") {
      version = TLS1_2_VERSION;
    } else if (arg == "--resume") {
      resume = true;
    } else if (arg == "--pause-open") {
      g_pause_open = true;
    } else {
      Usage("unknown argument " + arg);
    }
  }
  if (connect_to.empty() || keylog.empty()) Usage("--connect and --keylog are required");
  g_keylog = fopen(keylog.c_str(), "ae");
  if (g_keylog == nullptr) Usage(keylog + ": " + strerror(errno));

  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr || SSL_CTX_set_min_proto_version(ctx, version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, version) != 1) {
    Fail("SSL_CTX");
  }
  if (!group.empty() && SSL_CTX_set1_curves_list(ctx, group.c_str()) != 1) {
    Fail("group " + group);
  }
  if (!cipher.empty()) {
    int ok = 1;
    if (version == TLS1_2_VERSION) {
      ok = SSL_CTX_set_cipher_list(ctx, cipher.c_str());
    } else {
#ifdef OPENSSL_IS_BORINGSSL
      Usage("BoringSSL cannot choose TLS 1.3 suites");
#else
      ok = SSL_CTX_set_ciphersuites(ctx, cipher.c_str());
#endif
    }
    if (ok != 1) Fail("cipher " + cipher);
  }
  SSL_CTX_set_keylog_callback(ctx, AppendKeyLogLine);
  SSL_CTX_set_session_cache_mode(
      ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, KeepNewSession);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  // bssl server -www closes the connection after its answer without a
  // close_notify; OpenSSL 3 would call that an error and make the session
  // unresumable.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  // The matrix's servers use a self-signed certificate; what is under test
  // is what the connection leaves behind, not the certificate.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);

  bool resumed = false;
  Exchange(ctx, connect_to, nullptr, &resumed);
  if (resume) {
    if (g_session == nullptr) Fail("the server sent no resumable session");
    SSL_SESSION* first = g_session;
    g_session = nullptr;
    Exchange(ctx, connect_to, first, &resumed);
    SSL_SESSION_free(first);
    if (!resumed) Fail("the second connection did not resume the first");
  }
  SSL_SESSION_free(g_session);
  g_session = nullptr;
  SSL_CTX_free(ctx);
  fclose(g_keylog);

  printf("ready\n");
  fflush(stdout);
  char byte;
  while (read(0, &byte, 1) > 0) {
  }
  return 0;
}
