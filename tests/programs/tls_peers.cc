// tls_peers.cc: a process for residue scans. It runs TLS connections between
// two in-process peers (tests/support/tls_pair.h), appends both peers' key
// logs to a file, closes and frees everything, prints "ready" on stdout and
// waits until its stdin is closed: while it waits, a scanner searches its
// memory for what the connections left. Built against OpenSSL 3 and against
// BoringSSL with and without secretmode (tests/BUILD.bazel).
//
//   tls_peers --keylog FILE [--connections N] [--payload BYTES] [--tls12]
//             [--group GROUP] [--threads T] [--signals]
//
// Each connection: handshake, a line each way, BYTES (default 20000) each
// way, close_notify both ways, every object freed. With --threads, T threads
// each run N connections at once; with --signals, another thread sends them
// SIGUSR1 as fast as it can while they do (the handler uses some stack), so
// that signal frames holding the interrupted registers land wherever the
// library's code was running.
// Exit status: 0 after stdin is closed, 1 when a connection fails, 2 on bad
// arguments.

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/server_random_line.h"
#include "tests/support/tls_pair.h"

namespace {

int g_keylog_fd = -1;

// The lines are hex text, not the raw secrets a scan looks for. Each is
// written with its newline in one write, so that lines of several threads
// never interleave (O_APPEND).
void WriteKeyLogLine(const char* line) {
  char buf[512];
  const size_t len = strlen(line);
  if (len + 1 > sizeof buf) {
    fprintf(stderr, "tls_peers: key log line of %zu bytes\n", len);
    _exit(1);
  }
  memcpy(buf, line, len);
  buf[len] = '\n';
  if (write(g_keylog_fd, buf, len + 1) != static_cast<ssize_t>(len + 1)) {
    perror("tls_peers: key log");
    _exit(1);
  }
}

// A TLS 1.2 connection's CLIENT_RANDOM line is followed by its server
// random, so that keyscan also derives and searches its record keys.
void AppendKeyLogLine(const SSL* ssl, const char* line) {
  WriteKeyLogLine(line);
  const std::string server_random = secret_test::ServerRandomLine(ssl, line);
  if (!server_random.empty()) WriteKeyLogLine(server_random.c_str());
}

void TouchStack(int) {
  volatile char scratch[256];
  for (size_t i = 0; i < sizeof scratch; ++i) scratch[i] = static_cast<char>(i);
}

// RunConnections runs `count` connections; false (with a message on stderr)
// when one fails.
bool RunConnections(const secret_test::TlsPairOptions& options, int count,
                    long payload) {
  for (int i = 0; i < count; ++i) {
    std::string error;
    if (!secret_test::RunTlsPair(options, static_cast<size_t>(payload),
                                 &error)) {
      fprintf(stderr, "tls_peers: connection %d: %s\n", i + 1, error.c_str());
      return false;
    }
  }
  return true;
}

[[noreturn]] void Usage(const char* message) {
  fprintf(stderr,
          "tls_peers: %s\nusage: tls_peers --keylog FILE [--connections N] "
          "[--payload BYTES] [--tls12] [--group GROUP] [--threads T] "
          "[--signals]\n",
          message);
  exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  const char* keylog = nullptr;
  int connections = 2;
  int threads = 1;
  bool signals = false;
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
    } else if (arg == "--threads" && has_value) {
      threads = atoi(argv[++i]);
      if (threads < 1 || threads > 64) Usage("bad --threads");
    } else if (arg == "--signals") {
      signals = true;
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
  if (signals) {
    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = TouchStack;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &act, nullptr);
  }
  // Workers stay alive until the signals stop, so none targets a gone
  // thread.
  std::atomic<int> finished{0};
  std::atomic<bool> failed{false}, release{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      if (!RunConnections(options, connections, payload)) failed = true;
      finished.fetch_add(1);
      while (!release.load()) usleep(100);
    });
  }
  long sent = 0;
  while (finished.load() < threads) {
    if (signals) {
      pthread_kill(workers[sent % threads].native_handle(), SIGUSR1);
      ++sent;
    }
    usleep(signals ? 50 : 1000);
  }
  release = true;
  for (std::thread& worker : workers) worker.join();
  if (failed.load()) return 1;
  if (signals) fprintf(stderr, "tls_peers: %ld signals sent\n", sent);
  close(g_keylog_fd);
  printf("ready\n");
  fflush(stdout);
  char byte;
  while (read(0, &byte, 1) > 0) {
  }
  return 0;
}
