// tls_pair_benchmarks.h: the TLS benchmarks both shim benchmark programs run
// (bench/openssl_shim_bench.cc, bench/boringssl_shim_bench.cc), on
// in-process peers (tests/support/tls_pair.h, built against the program's
// library).

#ifndef SECRETMODE_BENCH_TLS_PAIR_BENCHMARKS_H_
#define SECRETMODE_BENCH_TLS_PAIR_BENCHMARKS_H_

#include <string>

#include "bench/shim_modes.h"
#include "benchmark/benchmark.h"
#include "tests/support/tls_pair.h"

namespace secret_bench {

// TlsHandshakes measures one full handshake per iteration between two peers
// on one thread, contexts reused, SSL objects new each time.
inline void TlsHandshakes(benchmark::State& state,
                          const secret_test::TlsPairOptions& options) {
  if (!SetMode(state)) return;
  secret_test::TlsPair pair;
  std::string error;
  if (!pair.Open(options, &error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  ExecutorCounters counters;
  for (auto _ : state) {
    if (!pair.Reconnect(&error) || !pair.Handshake(&error)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  counters.Report(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// TlsBulk16K measures one 16 KiB application record per iteration, from
// client to server.
inline void TlsBulk16K(benchmark::State& state,
                       const secret_test::TlsPairOptions& options) {
  if (!SetMode(state)) return;
  secret_test::TlsPair pair;
  std::string error;
  if (!pair.Open(options, &error) || !pair.Handshake(&error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::string record(16384, 'r');
  ExecutorCounters counters;
  for (auto _ : state) {
    if (!pair.Transfer(true, record, &error)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  counters.Report(state);
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * record.size()));
}

// RegisterTlsPairBenchmarks registers BM_Tls13Handshake and BM_Tls13Bulk16K
// (each in both modes) on connections made with `options`. Call it once,
// from a namespace-scope initializer; returns true.
inline bool RegisterTlsPairBenchmarks(
    const secret_test::TlsPairOptions& options) {
  benchmark::RegisterBenchmark(
      "BM_Tls13Handshake",
      [options](benchmark::State& state) { TlsHandshakes(state, options); })
      ->Apply(ModeArgs)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(
      "BM_Tls13Bulk16K",
      [options](benchmark::State& state) { TlsBulk16K(state, options); })
      ->Apply(ModeArgs);
  return true;
}

}  // namespace secret_bench

#endif  // SECRETMODE_BENCH_TLS_PAIR_BENCHMARKS_H_
