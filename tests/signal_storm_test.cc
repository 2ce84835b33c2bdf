// signal_storm_test.cc: asynchronous signals arriving at any instruction of
// many secret::Do calls -- in f, in the assembly that switches stacks and
// clears registers, in the erasure, in fence faults when a call goes deeper
// than the last ones, while an exception unwinds out of f, in nested calls
// -- never crash the process, never leave a copy of the secret, and leave
// the thread outside secret mode between calls.
//
// One thread runs Do in a loop with varying depths; another sends it
// SIGUSR1 as fast as it can. The handler copies the secret into its own
// locals whenever secret mode is on (it then runs on the secret signal
// stack, which is wiped after the call), and counts what it saw.

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"
#include "tests/secret_signals.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

// The work of one call: the secret in locals at a depth that changes from
// call to call (so the erasure's zone grows and shrinks and fence faults
// happen), sometimes an exception out of f, sometimes a nested Do.
void OneCall(int i) {
  const size_t depth = 512u << (i % 8);  // 512 B .. 64 KiB
  try {
    secret::Do([&] {
      g_sink = DirtyStack(depth) + HoldInLocals(TestSecret());
      if (i % 13 == 0) {
        secret::Do([] { g_sink = HoldInLocals(TestSecret()); });
      }
      if (i % 97 == 0) throw std::runtime_error("from f");
    });
  } catch (const std::runtime_error&) {
  }
}

TEST(SignalStormTest, SignalsAtAnyPointOfManyCallsLeaveNothing) {
  NewTestSecret();
  ASSERT_EQ(InstallHandler(SIGUSR1, CopySecretIfInSecretMode, SA_RESTART), 0);

  std::atomic<bool> done{false};
  std::atomic<bool> left_secret_mode_open{false};
  pthread_t worker_id{};
  std::atomic<bool> started{false};
  std::thread worker([&] {
    worker_id = pthread_self();
    started = true;
    // At least 20000 calls and 5000 signals caught in secret mode, whatever
    // share of the CPU the sender gets; 60 s at most.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int i = 0; (i < 20000 || SignalsSeenInSecretMode() < 5000) &&
                    std::chrono::steady_clock::now() < deadline;
         ++i) {
      OneCall(i);
      if (secret::Enabled()) left_secret_mode_open = true;
    }
    done = true;
  });
  while (!started) sched_yield();
  long sent = 0;
  while (!done) {
    pthread_kill(worker_id, SIGUSR1);
    ++sent;
    if (sent % 8 == 0) sched_yield();
  }
  worker.join();
  signal(SIGUSR1, SIG_IGN);

  printf("signals sent %ld, handled %ld, %ld of them in secret mode\n", sent,
         SignalsSeen(), SignalsSeenInSecretMode());
  EXPECT_FALSE(left_secret_mode_open);
  EXPECT_GE(SignalsSeenInSecretMode(), 5000);
  const Residue residue = FindResidueInSelf();
  EXPECT_GT(residue.bytes_scanned, 0u);
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

}  // namespace
}  // namespace secret_test
