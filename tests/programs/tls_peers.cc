// tls_peers.cc: a process for residue scans. It runs TLS connections between
// two in-process peers (tests/support/tls_pair.h), appends both peers' key
// logs to a file, closes and frees everything, prints "ready" on stdout and
// waits until its stdin is closed: while it waits, a scanner searches its
// memory for what the connections left. Built against OpenSSL 3 and against
// BoringSSL with and without secretmode (tests/BUILD.bazel).
//
//   tls_peers --keylog FILE [--connections N] [--payload BYTES] [--tls12]
//             [--group GROUP]
//
// Each connection: handshake, a line each way, BYTES (default 20000) each
// way, close_notify both ways, every object freed.
// Exit status: 0 after stdin is closed, 1 when a connection fails, 2 on bad
// arguments.

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>

#include "tests/support/tls_pair.h"

namespace {

int g_keylog_fd = -1;

// The lines are hex text: writing them straight from the library's buffer
// adds no copy of the raw secrets a scan looks for.
void AppendKeyLogLine(const SSL*, const char* line) {
  const size_t len = strlen(line);
  if (write(g_keylog_fd, line, len) != static_cast<ssize_t>(len) ||
      write(g_keylog_fd, "\n", 1) != 1) {
    perror("tls_peers: key log");
    _exit(1);
  }
}

[[noreturn]] void Usage(const char* message) {
  fprintf(stderr,
          "tls_peers: %s\nusage: tls_peers --keylog FILE [--connections N] "
          "[--payload BYTES] [--tls12] [--group GROUP]\n",
          message);
  exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  const char* keylog = nullptr;
  int connections = 2;
  long payload = 20000;
  secret_test::TlsPairOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--keylog" && has_value) {
      keylog = argv[++i];
    } else if (arg == "--connections" && has_value) {
      connections = atoi(argv[++i]);
      if (connections < 1 || connections > 1000) Usage("bad --connections");
    } else if (arg == "--payload" && has_value) {
      payload = atol(argv[++i]);
      if (payload < 0 || payload > (64 << 20)) Usage("bad --payload");
    } else if (arg == "--tls12") {
      options.version = TLS1_2_VERSION;
    } else if (arg == "--group" && has_value) {
      options.group = argv[++i];
    } else {
      Usage(("unknown argument " + arg).c_str());
    }
  }
  if (keylog == nullptr) Usage("--keylog is required");
  g_keylog_fd = open(keylog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (g_keylog_fd < 0) {
    perror(keylog);
    return 2;
  }
  options.keylog = AppendKeyLogLine;
  // No session cache: a cached session keeps its secrets by design; the
  // claim under test is about closed connections.
  options.session_cache = false;
  for (int i = 0; i < connections; ++i) {
    std::string error;
    if (!secret_test::RunTlsPair(options, static_cast<size_t>(payload), &error)) {
      fprintf(stderr, "tls_peers: connection %d: %s\n", i + 1, error.c_str());
      return 1;
    }
  }
  close(g_keylog_fd);
  printf("ready\n");
  fflush(stdout);
  char byte;
  while (read(0, &byte, 1) > 0) {
  }
  return 0;
}
