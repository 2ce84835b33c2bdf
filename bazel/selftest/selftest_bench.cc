#include <string>

#include "bazel/selftest/selftest_lib.h"
#include "benchmark/benchmark.h"

namespace {

void BM_Sum(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    benchmark::DoNotOptimize(selftest::Sum(data));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sum)->Arg(64)->Arg(4096);

}  // namespace
