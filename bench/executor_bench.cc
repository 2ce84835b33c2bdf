// executor_bench.cc: what secret::Do / secret_do cost, next to the baselines
// they are judged against, measured in the same run (see bench/RESULTS.md).
//
//   BM_DirectCall_Empty          empty noinline function through a pointer
//   BM_Do_Empty, BM_CApi_Empty   the same empty function inside secret mode
//   BM_Floor_Empty               the same through secretmode_bench_floor
//                                (switch_floor_x86_64.S): only the stack
//                                switch, register clearing, signal-stack check
//                                and a 128-byte zero that any secret_do needs
//   BM_Direct_Dirty/N            f writes N non-zero bytes to its stack
//   BM_Do_Dirty/N                the same f inside secret::Do
//   BM_Memset/N                  memset(0) of N bytes: the erase baseline
//   BM_*_Thread/stack_*          Do_Empty and Do_Dirty/64K on a fresh thread
//                                whose secret stack is 256 KiB, 1 MiB or 8 MiB
//   BM_Do_DeepThenShallow/K      one 256 KiB call, then K calls of 1 KiB
//   BM_Do_NewDepthFault/*        one call deeper than the zone (fence fault)
//   BM_Internal_Erase*           the erase routine alone (diagnostic)
//
// Every secret-mode benchmark first runs enough calls of the same shape for
// the adaptive zone to settle (the predictor follows the deepest call of the
// last one or two 64-call epochs), so the timed loop sees no page faults
// unless a benchmark is about them. Counters come from
// secret::GetThreadStats() around the timed loop: inspected/erased bytes per
// Do call, fence faults and shrinks per iteration.

#include <alloca.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <chrono>
#include <thread>

#include "benchmark/benchmark.h"
#include "secret/secret.h"
#include "secret/secret_c.h"

// The erase routine of arch/x86_64/erase.S, an internal symbol of //secret,
// declared here only for the BM_Internal_* diagnostics.
extern "C" uintptr_t secretmode_erase_range(uintptr_t lo, uintptr_t hi);

namespace {

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;

// Calls run before timing so that the zone has settled (8 predictor epochs).
constexpr int kWarmupCalls = 512;

// The fill byte of the dirty functions, read at run time so that the compiler
// can neither fold it to zero nor drop the stores.
volatile unsigned char g_fill = 0xA5;

// The empty functions. noipa: no inlining, cloning or interprocedural
// analysis, so the calls stay real calls.
__attribute__((noipa)) void Empty() {}
__attribute__((noipa)) void EmptyC(void*) {}

// Dirty writes `n` non-zero bytes to a stack array (ascending, as memset
// does) and lets the array escape so that the stores stay.
__attribute__((noipa)) void Dirty(size_t n) {
  unsigned char* p = static_cast<unsigned char*>(alloca(n));
  memset(p, g_fill, n);
  benchmark::DoNotOptimize(p);
}

// DirtyDescending writes the same bytes one page at a time from the top of
// the array down, the order in which a deepening call tree touches its stack.
__attribute__((noipa)) void DirtyDescending(size_t n) {
  unsigned char* p = static_cast<unsigned char*>(alloca(n));
  const unsigned char v = g_fill;
  for (size_t off = n; off > 0;) {
    const size_t len = off >= 4096 ? 4096 : off;
    off -= len;
    memset(p + off, v, len);
  }
  benchmark::DoNotOptimize(p);
}

// The memset baseline's buffer and the diagnostics' buffer.
alignas(4096) unsigned char g_buffer[256 * kKiB];

// ---------------------------------------------------------------------------
// Helpers

bool CheckSupported(benchmark::State& state) {
  if (!secret::Supported()) {
    state.SkipWithError("secretmode does not erase on this platform");
    return false;
  }
  return true;
}

template <typename F>
void WarmUp(F&& f, int calls = kWarmupCalls) {
  for (int i = 0; i < calls; ++i) secret::Do(f);
}

// StatsDelta turns the thread's statistics over the timed loop into counters.
class StatsDelta {
 public:
  StatsDelta() : before_(secret::GetThreadStats()) {}

  void Report(benchmark::State& state) const {
    const secret::ThreadStats after = secret::GetThreadStats();
    const double calls = static_cast<double>(after.calls - before_.calls);
    if (calls == 0) return;
    state.counters["inspected/call"] =
        static_cast<double>(after.bytes_inspected - before_.bytes_inspected) /
        calls;
    state.counters["erased/call"] =
        static_cast<double>(after.bytes_erased - before_.bytes_erased) / calls;
    state.counters["faults/iter"] = benchmark::Counter(
        static_cast<double>(after.fence_faults - before_.fence_faults),
        benchmark::Counter::kAvgIterations);
    state.counters["shrinks/iter"] = benchmark::Counter(
        static_cast<double>(after.fence_shrinks - before_.fence_shrinks),
        benchmark::Counter::kAvgIterations);
  }

 private:
  secret::ThreadStats before_;
};

// RunOnFreshThread runs `body(state)`, timed loop included, on a new thread
// whose secret stacks are created (at its first Do) with `config`. The
// benchmark's timer reads the wall clock and CLOCK_THREAD_CPUTIME_ID in the
// thread that runs `for (auto _ : state)`, so both reported times are the
// worker's; creating and joining the thread is outside the loop and untimed.
template <typename Body>
void RunOnFreshThread(benchmark::State& state, const secret::Config& config,
                      Body body) {
  const secret::Config saved = secret::GetConfig();
  secret::SetConfig(config);
  std::thread worker([&state, &body] {
    secret::Do([] {});  // maps this thread's secret stacks with `config`
    const secret::ThreadStats s = secret::GetThreadStats();
    state.counters["reserved_KiB"] = static_cast<double>(s.stack_reserved) / kKiB;
    state.counters["locked"] = s.stack_locked;
    body(state);
  });
  worker.join();
  secret::SetConfig(saved);
}

secret::Config WithStackSize(size_t stack_size) {
  secret::Config c = secret::GetConfig();
  c.stack_size = stack_size;
  return c;
}

void SetBytes(benchmark::State& state, int64_t bytes_per_iteration) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          bytes_per_iteration);
}

// ---------------------------------------------------------------------------
// Empty function: the fixed cost of a call in secret mode.

void BM_DirectCall_Empty(benchmark::State& state) {
  void (*fn)() = Empty;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn);  // the compiler cannot know the target
    fn();
  }
}
BENCHMARK(BM_DirectCall_Empty);

void DoEmptyLoop(benchmark::State& state) {
  if (!CheckSupported(state)) return;
  void (*fn)() = Empty;
  WarmUp(fn);
  const StatsDelta stats;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn);
    secret::Do(fn);
  }
  stats.Report(state);
}

void BM_Do_Empty(benchmark::State& state) { DoEmptyLoop(state); }
BENCHMARK(BM_Do_Empty);

#if defined(__x86_64__)
extern "C" void secretmode_bench_floor(void (*fn)(void*), void* arg,
                                       void* stack_top, void* signal_stack_top);

void BM_Floor_Empty(benchmark::State& state) {
  // Two 64-byte aligned buffers stand for the secret stack and the secret
  // signal stack.
  alignas(64) static uint8_t stack[64 * 1024];
  alignas(64) static uint8_t signal_stack[4096];
  void (*fn)(void*) = EmptyC;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn);
    secretmode_bench_floor(fn, nullptr, stack + sizeof(stack),
                           signal_stack + sizeof(signal_stack));
  }
}
BENCHMARK(BM_Floor_Empty);
#endif

void BM_CApi_Empty(benchmark::State& state) {
  if (!CheckSupported(state)) return;
  void (*fn)(void*) = EmptyC;
  for (int i = 0; i < kWarmupCalls; ++i) {
    if (secret_do(fn, nullptr) != 0) {
      state.SkipWithError("secret_do failed");
      return;
    }
  }
  const StatsDelta stats;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn);
    int rc = secret_do(fn, nullptr);
    benchmark::DoNotOptimize(rc);
  }
  stats.Report(state);
}
BENCHMARK(BM_CApi_Empty);

// ---------------------------------------------------------------------------
// A function that dirties N bytes of stack: erase cost against memset.

void BM_Direct_Dirty(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  void (*fn)(size_t) = Dirty;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn);
    fn(n);
  }
  SetBytes(state, state.range(0));
}
BENCHMARK(BM_Direct_Dirty)->Arg(1 * kKiB)->Arg(16 * kKiB)->Arg(64 * kKiB)
    ->Arg(256 * kKiB);

void DoDirtyLoop(benchmark::State& state, size_t n) {
  if (!CheckSupported(state)) return;
  void (*fn)(size_t) = Dirty;
  auto body = [fn, n] { fn(n); };
  WarmUp(body);
  const StatsDelta stats;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn);
    secret::Do(body);
  }
  stats.Report(state);
  SetBytes(state, static_cast<int64_t>(n));
}

void BM_Do_Dirty(benchmark::State& state) {
  DoDirtyLoop(state, static_cast<size_t>(state.range(0)));
}
BENCHMARK(BM_Do_Dirty)->Arg(1 * kKiB)->Arg(16 * kKiB)->Arg(64 * kKiB)
    ->Arg(256 * kKiB);

void BM_Memset(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  unsigned char* buf = g_buffer;
  for (auto _ : state) {
    benchmark::DoNotOptimize(buf);
    memset(buf, 0, n);
    benchmark::ClobberMemory();
  }
  SetBytes(state, state.range(0));
}
BENCHMARK(BM_Memset)->Arg(1 * kKiB)->Arg(16 * kKiB)->Arg(64 * kKiB)
    ->Arg(256 * kKiB);

// ---------------------------------------------------------------------------
// The same on fresh threads with a 256 KiB, 1 MiB (default) and 8 MiB secret
// stack: erasure must cost the bytes dirtied, not the configured size.

void BM_Do_Empty_Thread(benchmark::State& state, int64_t stack_size) {
  RunOnFreshThread(state, WithStackSize(static_cast<size_t>(stack_size)),
                   [](benchmark::State& s) { DoEmptyLoop(s); });
}
BENCHMARK_CAPTURE(BM_Do_Empty_Thread, stack_256K, 256 * kKiB);
BENCHMARK_CAPTURE(BM_Do_Empty_Thread, stack_1M, 1 * kMiB);
BENCHMARK_CAPTURE(BM_Do_Empty_Thread, stack_8M, 8 * kMiB);

void BM_Do_Dirty_64K_Thread(benchmark::State& state, int64_t stack_size) {
  RunOnFreshThread(state, WithStackSize(static_cast<size_t>(stack_size)),
                   [](benchmark::State& s) { DoDirtyLoop(s, 64 * kKiB); });
}
BENCHMARK_CAPTURE(BM_Do_Dirty_64K_Thread, stack_256K, 256 * kKiB);
BENCHMARK_CAPTURE(BM_Do_Dirty_64K_Thread, stack_1M, 1 * kMiB);
BENCHMARK_CAPTURE(BM_Do_Dirty_64K_Thread, stack_8M, 8 * kMiB);

// ---------------------------------------------------------------------------
// The adaptive zone. One iteration is one 256 KiB call followed by K calls of
// 1 KiB. While a deep call is among the last one or two 64-call epochs, every
// call inspects a zone of ~272 KiB; once K exceeds that window the zone falls
// back to 1.5 KiB, the committed pages are given back, and the next deep call
// faults its way down again.

void BM_Do_DeepThenShallow(benchmark::State& state) {
  if (!CheckSupported(state)) return;
  const int64_t k = state.range(0);
  void (*fn)(size_t) = Dirty;
  auto deep = [fn] { fn(256 * kKiB); };
  auto shallow = [fn] { fn(1 * kKiB); };
  for (int round = 0; round < 4; ++round) {
    secret::Do(deep);
    for (int64_t i = 0; i < k; ++i) secret::Do(shallow);
  }
  const StatsDelta stats;
  for (auto _ : state) {
    secret::Do(deep);
    for (int64_t i = 0; i < k; ++i) secret::Do(shallow);
  }
  stats.Report(state);
  state.counters["calls/iter"] = static_cast<double>(k + 1);
  SetBytes(state, 256 * kKiB + k * kKiB);
}
BENCHMARK(BM_Do_DeepThenShallow)->ArgName("K")->Arg(16)->Arg(64)->Arg(128)
    ->Arg(256)->Arg(1024)->Arg(4096);

// ---------------------------------------------------------------------------
// A call deeper than the zone: the first touch below the fence faults, the
// handler commits pages (mprotect, mlock), the kernel supplies zeroed pages.
// Each iteration times only the deep call (manual time). "fault_*" variants
// first run 192 untimed 1 KiB calls, which shrink the zone and give the pages
// back, so that every timed call faults; "settled" repeats the deep call, so
// the zone covers it and nothing faults. MinTime(0.1): 0.1 s of deep calls is
// already hundreds of faults, and the untimed part makes iterations long.

enum class DeepMode { kSettled, kFault };

void NewDepthLoop(benchmark::State& state, void (*deep_fn)(size_t),
                  size_t depth, DeepMode mode) {
  if (!CheckSupported(state)) return;
  auto deep = [deep_fn, depth] { deep_fn(depth); };
  auto shallow = [] { Dirty(1 * kKiB); };
  WarmUp(deep, 8);
  const StatsDelta stats;
  for (auto _ : state) {
    if (mode == DeepMode::kFault) WarmUp(shallow, 192);
    const auto t0 = std::chrono::steady_clock::now();
    secret::Do(deep);
    const auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  stats.Report(state);
  SetBytes(state, static_cast<int64_t>(depth));
}

void BM_Do_NewDepthFault(benchmark::State& state, void (*deep_fn)(size_t),
                         DeepMode mode) {
  NewDepthLoop(state, deep_fn, static_cast<size_t>(state.range(0)), mode);
}
BENCHMARK_CAPTURE(BM_Do_NewDepthFault, settled, Dirty, DeepMode::kSettled)
    ->Arg(64 * kKiB)->Arg(256 * kKiB)->UseManualTime()->MinTime(0.1);
BENCHMARK_CAPTURE(BM_Do_NewDepthFault, fault_ascending, Dirty,
                  DeepMode::kFault)
    ->Arg(64 * kKiB)->Arg(256 * kKiB)->UseManualTime()->MinTime(0.1);
BENCHMARK_CAPTURE(BM_Do_NewDepthFault, fault_descending, DirtyDescending,
                  DeepMode::kFault)
    ->Arg(64 * kKiB)->Arg(256 * kKiB)->UseManualTime()->MinTime(0.1);

// The same fault without mlock (secret_config.lock_memory = 0), on a fresh
// thread since the setting applies to stacks created afterwards.
void BM_Do_NewDepthFault_NoMlock(benchmark::State& state,
                                 void (*deep_fn)(size_t)) {
  secret::Config c = secret::GetConfig();
  c.lock_memory = 0;
  const size_t depth = static_cast<size_t>(state.range(0));
  RunOnFreshThread(state, c, [deep_fn, depth](benchmark::State& s) {
    NewDepthLoop(s, deep_fn, depth, DeepMode::kFault);
  });
}
BENCHMARK_CAPTURE(BM_Do_NewDepthFault_NoMlock, fault_ascending, Dirty)
    ->Arg(64 * kKiB)->Arg(256 * kKiB)->UseManualTime()->MinTime(0.1);
BENCHMARK_CAPTURE(BM_Do_NewDepthFault_NoMlock, fault_descending,
                  DirtyDescending)
    ->Arg(64 * kKiB)->Arg(256 * kKiB)->UseManualTime()->MinTime(0.1);

// ---------------------------------------------------------------------------
// Diagnostics: the erase routine alone, on a 64-byte aligned buffer.
// ScanClean: the buffer is all zero, so the routine only reads N bytes.
// ZeroDirty: only the first chunk is dirty, so it reads 64 bytes and writes N
// (compare with BM_Memset/N, glibc's memset).

void BM_Internal_EraseScanClean(benchmark::State& state) {
  const uintptr_t lo = reinterpret_cast<uintptr_t>(g_buffer);
  const uintptr_t hi = lo + static_cast<uintptr_t>(state.range(0));
  memset(g_buffer, 0, sizeof g_buffer);
  for (auto _ : state) {
    uintptr_t r = secretmode_erase_range(lo, hi);
    benchmark::DoNotOptimize(r);
  }
  SetBytes(state, state.range(0));
}
BENCHMARK(BM_Internal_EraseScanClean)->Arg(1 * kKiB)->Arg(16 * kKiB)
    ->Arg(64 * kKiB);

void BM_Internal_EraseZeroDirty(benchmark::State& state) {
  const uintptr_t lo = reinterpret_cast<uintptr_t>(g_buffer);
  const uintptr_t hi = lo + static_cast<uintptr_t>(state.range(0));
  volatile unsigned char* first = g_buffer;
  for (auto _ : state) {
    *first = 1;
    uintptr_t r = secretmode_erase_range(lo, hi);
    benchmark::DoNotOptimize(r);
  }
  SetBytes(state, state.range(0));
}
BENCHMARK(BM_Internal_EraseZeroDirty)->Arg(1 * kKiB)->Arg(16 * kKiB)
    ->Arg(64 * kKiB);

}  // namespace
