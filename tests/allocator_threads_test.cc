// allocator_threads_test.cc: the secret allocator across threads: blocks
// move freely between threads, a thread's cached blocks come back when it
// exits, thread destructors and code before main can allocate, and many
// threads allocating and freeing at once never hand out a block twice.

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "secret/secret.h"

namespace secret_test {
namespace {

secret_arena_stats Stats() {
  secret_arena_stats stats;
  secret_get_arena_stats(&stats);
  return stats;
}

// Before main: a constructor allocates from the arena explicitly and inside
// secret::Do, as a library initializing itself early would.
bool g_before_main_ok = false;

__attribute__((constructor)) void AllocateBeforeMain() {
  void* p = secret_malloc(64);
  void* q = nullptr;
  secret::Do([&] { q = malloc(100); });
  g_before_main_ok = p != nullptr && secret_is_arena_block(q);
  secret_free(p);
  free(q);
}

TEST(AllocatorThreadsTest, WorksBeforeMain) { EXPECT_TRUE(g_before_main_ok); }

// Blocks a thread caches for itself go back when it exits: after many
// short-lived threads, the live counts are where they started and the
// committed memory did not grow with the number of threads.
TEST(AllocatorThreadsTest, ExitedThreadsReturnTheirBlocks) {
  const secret_arena_stats before = Stats();
  uint64_t committed_after_first = 0;
  for (int round = 0; round < 50; ++round) {
    std::thread([] {
      std::vector<void*> blocks;
      for (int i = 0; i < 200; ++i) blocks.push_back(secret_malloc(16 + i * 8));
      for (void* p : blocks) secret_free(p);
    }).join();
    if (round == 0) committed_after_first = Stats().bytes_committed;
  }
  const secret_arena_stats after = Stats();
  EXPECT_EQ(after.blocks_live, before.blocks_live);
  EXPECT_EQ(after.bytes_live, before.bytes_live);
  EXPECT_EQ(after.bytes_committed, committed_after_first);
}

// A pthread key destructor runs at thread exit, possibly after secretmode's
// own; it can still allocate and free arena blocks.
pthread_key_t g_late_key;
std::atomic<int> g_late_ok{0};

void LateDestructor(void*) {
  void* p = secret_malloc(48);
  memset(p, 1, 48);
  secret_free(p);
  g_late_ok.store(p != nullptr ? 1 : -1);
}

TEST(AllocatorThreadsTest, ThreadDestructorsCanAllocate) {
  ASSERT_EQ(pthread_key_create(&g_late_key, LateDestructor), 0);
  std::thread([] {
    secret_free(secret_malloc(32));  // this thread has a cache
    pthread_setspecific(g_late_key, reinterpret_cast<void*>(1));
  }).join();
  EXPECT_EQ(g_late_ok.load(), 1);
  pthread_key_delete(g_late_key);
}

// Producer threads allocate blocks inside secret::Do, fill them with a
// pattern naming the block, and hand them to consumer threads, which check
// the pattern and free them. A block handed out twice, or zeroed while
// live, breaks a pattern.
TEST(AllocatorThreadsTest, CrossThreadStressKeepsEveryBlockIntact) {
  constexpr int kProducers = 2;
  constexpr int kConsumers = 2;
  constexpr int kBlocksEach = 20000;
  std::mutex mutex;
  std::vector<uint8_t*> queue;
  std::atomic<int> produced{0};
  std::atomic<int> corrupt{0};
  std::atomic<int> consumed{0};
  const secret_arena_stats before = Stats();

  auto check_and_free = [&](uint8_t* p) {
    size_t size;
    memcpy(&size, p, sizeof size);
    for (size_t i = sizeof size; i < size; ++i) {
      if (p[i] != static_cast<uint8_t>(size + i)) {
        corrupt.fetch_add(1);
        break;
      }
    }
    free(p);
    consumed.fetch_add(1);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kProducers; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      secret::Do([&] {
        for (int i = 0; i < kBlocksEach; ++i) {
          size_t size = 8 + rng() % (rng() % 8 == 0 ? 40000 : 600);
          uint8_t* p = static_cast<uint8_t*>(malloc(size));
          memcpy(p, &size, sizeof size);
          for (size_t j = sizeof size; j < size; ++j) {
            p[j] = static_cast<uint8_t>(size + j);
          }
          if (rng() % 4 == 0) {  // some die on the thread that made them
            check_and_free(p);
          } else {
            std::lock_guard<std::mutex> lock(mutex);
            queue.push_back(p);
          }
          produced.fetch_add(1);
        }
      });
    });
  }
  for (int t = 0; t < kConsumers; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        uint8_t* p = nullptr;
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (!queue.empty()) {
            p = queue.back();
            queue.pop_back();
          }
        }
        if (p != nullptr) {
          check_and_free(p);
        } else if (consumed.load() == kProducers * kBlocksEach) {
          return;
        } else {
          std::this_thread::yield();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(corrupt.load(), 0);
  EXPECT_EQ(consumed.load(), kProducers * kBlocksEach);
  // The queue grew inside Do, so its buffer is an arena block too.
  EXPECT_TRUE(secret_is_arena_block(queue.data()));
  std::vector<uint8_t*>().swap(queue);
  const secret_arena_stats after = Stats();
  EXPECT_EQ(after.blocks_live, before.blocks_live);
  EXPECT_EQ(after.bytes_live, before.bytes_live);
}

}  // namespace
}  // namespace secret_test
