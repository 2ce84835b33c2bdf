// executor_stress_test.cc: secret mode under concurrent load leaves nothing
// behind. Several threads run a seeded random mix of everything a call can
// do — hold the secret in locals and spilled registers, dirty up to 64 KiB,
// nest, throw, leave by longjmp, allocate a copy and free it here or hand it
// to another thread to free outside secret mode, start a thread that holds
// the secret — while another thread keeps signalling them with a handler
// that copies the secret into its own locals when it interrupts a call.
// When all of them have finished, no copy of the secret is left anywhere in
// the process, and the counts say every kind of call really happened.

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"
#include "tests/secret_signals.h"

namespace secret_test {
namespace {

constexpr int kWorkers = 4;
constexpr int kCallsPerWorker = 400;

std::atomic<uint64_t> g_sink{0};

// Blocks allocated inside a call, holding the secret, freed later by
// another worker outside secret mode (the allocator must zero them then).
std::mutex g_handoff_mutex;
std::vector<uint8_t*> g_handoff;

void HandOff(uint8_t* block) {
  std::lock_guard<std::mutex> lock(g_handoff_mutex);
  g_handoff.push_back(block);
}

void FreeHandedOff() {
  std::vector<uint8_t*> blocks;
  {
    std::lock_guard<std::mutex> lock(g_handoff_mutex);
    blocks.swap(g_handoff);
  }
  for (uint8_t* block : blocks) delete[] block;
}

// What the workers did, summed: each kind must have happened for the final
// scan to mean anything.
struct Counts {
  std::atomic<uint64_t> locals{0}, nested{0}, thrown{0}, jumped{0},
      freed_inside{0}, handed_off{0}, threads{0};
};

Counts g_counts;

thread_local jmp_buf t_jump;

void LeaveByLongjmp() {
  if (setjmp(t_jump) == 0) {
    secret::Do([] {
      g_sink = HoldInLocals(TestSecret());
      longjmp(t_jump, 1);
    });
  }
  g_counts.jumped.fetch_add(1, std::memory_order_relaxed);
}

void RunOneCall(std::mt19937& random) {
  switch (random() % 7) {
    case 0: {
      const size_t dirty = 64 + random() % (64 * 1024);
      secret::Do([&] { g_sink = HoldInLocals(TestSecret()) + DirtyStack(dirty); });
      g_counts.locals.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    case 1:
      secret::Do([] {
        secret::Do([] { g_sink = HoldBelowHole(TestSecret()); });
        g_sink = HoldInLocals(TestSecret());
      });
      g_counts.nested.fetch_add(1, std::memory_order_relaxed);
      break;
    case 2:
      try {
        secret::Do([] {
          g_sink = HoldInLocals(TestSecret());
          throw std::runtime_error("from inside secret mode");
        });
      } catch (const std::runtime_error&) {
        g_counts.thrown.fetch_add(1, std::memory_order_relaxed);
      }
      break;
    case 3:
      LeaveByLongjmp();
      break;
    case 4:
      secret::Do([] {
        uint8_t* copy = new uint8_t[kSecretSize];
        memcpy(copy, TestSecret(), kSecretSize);
        g_sink = copy[kSecretSize - 1];
        delete[] copy;
      });
      g_counts.freed_inside.fetch_add(1, std::memory_order_relaxed);
      break;
    case 5:
      secret::Do([] {
        uint8_t* copy = new uint8_t[kSecretSize];
        memcpy(copy, TestSecret(), kSecretSize);
        HandOff(copy);
      });
      g_counts.handed_off.fetch_add(1, std::memory_order_relaxed);
      FreeHandedOff();
      break;
    case 6:
      secret::Do([] {
        std::thread helper([] { g_sink = HoldInLocals(TestSecret()); });
        helper.join();
      });
      g_counts.threads.fetch_add(1, std::memory_order_relaxed);
      break;
  }
}

TEST(ExecutorStressTest, ConcurrentMixedCallsUnderSignalsLeaveNothing) {
  NewTestSecret();
  ASSERT_EQ(InstallHandler(SIGUSR1, CopySecretIfInSecretMode, SA_RESTART), 0);

  // A worker that has made its calls waits for `release` before it exits,
  // so that the signaller never signals a thread that is gone.
  std::vector<pthread_t> targets(kWorkers);
  std::atomic<int> started{0}, finished{0};
  std::atomic<bool> release{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      targets[w] = pthread_self();
      started.fetch_add(1);
      std::mt19937 random(1000 + w);
      for (int i = 0; i < kCallsPerWorker; ++i) RunOneCall(random);
      finished.fetch_add(1);
      while (!release.load()) usleep(100);
    });
  }
  while (started.load() < kWorkers) sched_yield();
  std::thread signaller([&] {
    std::mt19937 random(7);
    while (finished.load() < kWorkers) {
      pthread_kill(targets[random() % kWorkers], SIGUSR1);
      usleep(50);
    }
  });
  signaller.join();
  release = true;
  for (std::thread& worker : workers) worker.join();
  FreeHandedOff();
  signal(SIGUSR1, SIG_DFL);

  EXPECT_GT(g_counts.locals.load(), 0u);
  EXPECT_GT(g_counts.nested.load(), 0u);
  EXPECT_GT(g_counts.thrown.load(), 0u);
  EXPECT_GT(g_counts.jumped.load(), 0u);
  EXPECT_GT(g_counts.freed_inside.load(), 0u);
  EXPECT_GT(g_counts.handed_off.load(), 0u);
  EXPECT_GT(g_counts.threads.load(), 0u);
  // Signals are asynchronous: most land inside calls, but under a sanitizer
  // that defers handlers none may; the count is reported, not required.
  printf("signals: %ld, of which inside secret mode: %ld\n", SignalsSeen(),
         SignalsSeenInSecretMode());

  // The workers have exited: a stack left by longjmp was erased at the
  // worker's next call or at its exit.
  const Residue residue = FindResidueInSelf();
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// Proof the final scan can see what one of those calls leaves when it runs
// outside secret mode: the dead frames of HoldInLocals, below a 256 KiB hole
// so that the scanner's own frames cannot reach them first.
TEST(ExecutorStressTest, SameCallWithoutDoIsFound) {
#if defined(__SANITIZE_THREAD__)
  // TSan's runtime runs on this stack between the call and the scan and
  // overwrites the dead frames (go_experiments_test is left out of the TSan
  // run for the same reason); the plain and ASan runs keep this proof.
  GTEST_SKIP() << "TSan's own frames overwrite the dead stack";
#endif
  NewTestSecret();
  g_sink = HoldBelowHole(TestSecret());
  const Residue residue = FindResidueInSelf();
  EXPECT_FALSE(residue.empty());
}

}  // namespace
}  // namespace secret_test
