// shim_modes.h: what the shim benchmarks share (bench/openssl_shim_bench.cc,
// bench/boringssl_shim_bench.cc). A benchmark takes the argument `shim`: 0
// runs with the shim's levels "none" (or without a shim in the binary built
// without one), 1 with the default levels. Built with
// SECRETMODE_BENCH_WITH_SHIM defined when the binary links a shim.

#ifndef SECRETMODE_BENCH_SHIM_MODES_H_
#define SECRETMODE_BENCH_SHIM_MODES_H_

#include "benchmark/benchmark.h"

#if defined(SECRETMODE_BENCH_WITH_SHIM)
#include "secret/secret_c.h"
#include "shim/secret_shim.h"
#endif

namespace secret_bench {

enum Mode { kPlain = 0, kShim = 1 };

// SetMode selects the shim's levels for a benchmark; false when this binary
// has no shim and the mode needs one.
inline bool SetMode(benchmark::State& state) {
  const bool shim = state.range(0) == kShim;
#if defined(SECRETMODE_BENCH_WITH_SHIM)
  secret_shim_set_levels(shim ? "libssl,libcrypto" : "none");
  state.SetLabel(shim ? "shim" : "plain (levels none)");
  return true;
#else
  if (shim) {
    state.SkipWithError("built without the shim");
    return false;
  }
  state.SetLabel("plain (no shim linked)");
  return true;
#endif
}

// ExecutorCounters reports, per iteration, what the executor did on this
// thread while `state` ran (outermost secret_do calls, stack bytes erased
// and inspected, fence faults: a call deeper than its zone) and, for the
// whole process, the secret arena's allocations and bytes zeroed (the TLS
// library's heap is in the arena; benchmarks run on one thread, so these
// are the benchmark's).
class ExecutorCounters {
 public:
  ExecutorCounters() { Read(&before_); }
  void Report(benchmark::State& state) {
#if defined(SECRETMODE_BENCH_WITH_SHIM)
    secret_thread_stats after;
    Read(&after);
    const double n = static_cast<double>(state.iterations());
    if (n == 0) return;
    state.counters["do_calls"] = static_cast<double>(after.calls - before_.calls) / n;
    state.counters["erased_B"] =
        static_cast<double>(after.bytes_erased - before_.bytes_erased) / n;
    state.counters["inspected_B"] =
        static_cast<double>(after.bytes_inspected - before_.bytes_inspected) / n;
    state.counters["faults"] =
        static_cast<double>(after.fence_faults - before_.fence_faults) / n;
    secret_arena_stats arena;
    secret_get_arena_stats(&arena);
    state.counters["arena_allocs"] =
        static_cast<double>(arena.allocations - arena_before_.allocations) / n;
    state.counters["arena_zeroed_B"] =
        static_cast<double>(arena.bytes_zeroed - arena_before_.bytes_zeroed) / n;
#else
    (void)state;
#endif
  }

 private:
#if defined(SECRETMODE_BENCH_WITH_SHIM)
  static void Read(secret_thread_stats* s) { secret_get_thread_stats(s); }
  secret_thread_stats before_;
  secret_arena_stats arena_before_ = ReadArena();
  static secret_arena_stats ReadArena() {
    secret_arena_stats a;
    secret_get_arena_stats(&a);
    return a;
  }
#else
  struct Empty {};
  static void Read(Empty*) {}
  Empty before_;
#endif
};

inline void ModeArgs(benchmark::internal::Benchmark* b) {
  b->ArgName("shim");
  b->Arg(kPlain);
#if defined(SECRETMODE_BENCH_WITH_SHIM)
  b->Arg(kShim);
#endif
}

}  // namespace secret_bench

#endif  // SECRETMODE_BENCH_SHIM_MODES_H_
