// secret_signals.cc: see secret_signals.h.

#include "tests/secret_signals.h"

#include <signal.h>
#include <string.h>

#include <atomic>

#include "secret/secret_c.h"
#include "tests/secret_residue.h"

namespace secret_test {
namespace {

std::atomic<uint64_t> g_handler_sink{0};
std::atomic<long> g_signals{0};
std::atomic<long> g_signals_in_secret_mode{0};

}  // namespace

int InstallHandler(int sig, void (*handler)(int), int flags) {
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  act.sa_flags = flags;
  return sigaction(sig, &act, nullptr);
}

void CopySecretIfInSecretMode(int) {
  g_signals.fetch_add(1, std::memory_order_relaxed);
  if (!secret_enabled()) return;
  volatile uint8_t copy[kSecretSize];
  for (size_t i = 0; i < kSecretSize; ++i) copy[i] = TestSecret()[i];
  g_handler_sink.store(copy[0], std::memory_order_relaxed);
  g_signals_in_secret_mode.fetch_add(1, std::memory_order_relaxed);
}

long SignalsSeen() { return g_signals.load(); }
long SignalsSeenInSecretMode() { return g_signals_in_secret_mode.load(); }

}  // namespace secret_test
