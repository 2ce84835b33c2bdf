// allocator_bench.cc: what one malloc + free pair costs in the secret arena,
// next to the allocators it is judged against, all measured in the same run
// (see bench/RESULTS.md, "Allocator (issue 3)").
//
// One iteration allocates a block of 32 B, 256 B or 4 KiB, writes its first
// byte and frees it. Each case runs on 1 and on 2 threads with the wall
// clock (UseRealTime); items_per_second is pairs per second over all threads,
// so "items/s with 2 threads / items/s with 1 thread" is the scaling.
//
//   BM_Pair<Glibc>            __libc_malloc / __libc_free: glibc itself (this
//                             binary links //secret, so plain malloc is the
//                             interposer, not glibc)
//   BM_Pair<GlibcBzero>       the same, explicit_bzero of the block before the
//                             free: zero-on-free done by hand
//   BM_Pair<Interposed>       malloc / free outside secret mode: secretmode's
//                             interposer forwarding to glibc
//   BM_Pair<Arena>            secret_malloc / secret_free (zeroes on free)
//   BM_Pair<ArenaInDo>        malloc / free with the whole benchmark loop inside
//                             one secret::Do, so the interposer sends them to
//                             the arena
//   BM_Pair<OpensslSecureHeap> CRYPTO_secure_malloc / CRYPTO_secure_free
//                             (32 MiB heap, clears on free, one global lock)
//   BM_Pair<Sodium>           sodium_malloc / sodium_free (guard pages, mlock
//                             and mprotect on every call)
//
// Targets (issue 3):
//   - Interposed - Glibc <= 3 ns per pair;
//   - Arena <= 1.3 x GlibcBzero for each size;
//   - Arena items/s with 2 threads >= 1.6 x with 1 thread.
//
// Before timing, every case allocates one block that stays live during the
// loop (see PairLoop) and checks that it comes from where the case claims
// (the arena, or not the arena; the OpenSSL secure heap); the case is
// skipped with an error otherwise.

#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include <cstdlib>

#include "benchmark/benchmark.h"
#include "secret/secret.h"
#include "secret/secret_c.h"

// glibc's own entry points, behind the malloc and free that //secret defines.
extern "C" void* __libc_malloc(size_t size);
extern "C" void __libc_free(void* p);

namespace {

// ---------------------------------------------------------------------------
// The allocators. Each one has:
//   Setup()           once-per-process initialization; an error message or null
//   Allocate(n)       a block of n bytes, or null
//   Free(p, n)        release the block p of n bytes
//   Owns(p)           whether p comes from the allocator this case measures
//   kInsideDo         whether the timed loop runs inside secret::Do

struct NoSetup {
  static const char* Setup() { return nullptr; }
  static constexpr bool kInsideDo = false;
};

struct Glibc : NoSetup {
  static void* Allocate(size_t n) { return __libc_malloc(n); }
  static void Free(void* p, size_t) { __libc_free(p); }
  static bool Owns(const void* p) { return secret_is_arena_block(p) == 0; }
};

struct GlibcBzero : NoSetup {
  static void* Allocate(size_t n) { return __libc_malloc(n); }
  static void Free(void* p, size_t n) {
    explicit_bzero(p, n);
    __libc_free(p);
  }
  static bool Owns(const void* p) { return secret_is_arena_block(p) == 0; }
};

struct Interposed : NoSetup {
  static void* Allocate(size_t n) { return malloc(n); }
  static void Free(void* p, size_t) { free(p); }
  static bool Owns(const void* p) { return secret_is_arena_block(p) == 0; }
};

struct Arena : NoSetup {
  static void* Allocate(size_t n) { return secret_malloc(n); }
  static void Free(void* p, size_t) { secret_free(p); }
  static bool Owns(const void* p) { return secret_is_arena_block(p) != 0; }
};

struct ArenaInDo {
  static const char* Setup() {
    return secret::Supported() ? nullptr
                               : "secretmode does not erase on this platform";
  }
  static constexpr bool kInsideDo = true;
  static void* Allocate(size_t n) { return malloc(n); }
  static void Free(void* p, size_t) { free(p); }
  static bool Owns(const void* p) { return secret_is_arena_block(p) != 0; }
};

constexpr size_t kSecureHeapSize = 32 << 20;
constexpr size_t kSecureHeapMinSize = 16;

struct OpensslSecureHeap {
  static const char* Setup() {
    // 1: the heap is mapped with its guard pages and locked in RAM; 2: it
    // works but lacks part of that protection; 0: no heap. Only 1 is the
    // secure heap this case means to measure.
    static const int rc = CRYPTO_secure_malloc_init(kSecureHeapSize,
                                                    kSecureHeapMinSize);
    return rc == 1 ? nullptr : "CRYPTO_secure_malloc_init did not return 1";
  }
  static constexpr bool kInsideDo = false;
  static void* Allocate(size_t n) { return OPENSSL_secure_malloc(n); }
  static void Free(void* p, size_t) { OPENSSL_secure_free(p); }
  static bool Owns(const void* p) { return CRYPTO_secure_allocated(p) == 1; }
};

struct Sodium {
  static const char* Setup() {
    static const int rc = sodium_init();
    return rc >= 0 ? nullptr : "sodium_init failed";
  }
  static constexpr bool kInsideDo = false;
  static void* Allocate(size_t n) { return sodium_malloc(n); }
  static void Free(void* p, size_t) { sodium_free(p); }
  static bool Owns(const void*) { return true; }
};

// ---------------------------------------------------------------------------
// The benchmark body, the same for every allocator.

// Skip reports `message` and still enters the loop (for zero iterations):
// with several threads, every thread must pass the loop's start and stop
// barriers.
void Skip(benchmark::State& state, const char* message) {
  state.SkipWithError(message);
  for (auto _ : state) {
  }
}

// Use writes the block's first byte, so that neither the allocation nor the
// store can be optimized away.
inline void Use(void* p) {
  *static_cast<unsigned char*>(p) = 1;
  benchmark::DoNotOptimize(p);
}

// PairLoop times allocate, write, free. One block of the same size stays
// allocated around the loop, as the heap of a running program is never
// empty: without it, every pair in OpenSSL's buddy allocator would split the
// whole 32 MiB heap down to the block and merge it back up again.
template <typename A>
void PairLoop(benchmark::State& state, size_t size) {
  void* resident = A::Allocate(size);
  if (resident != nullptr) Use(resident);
  if (resident == nullptr || !A::Owns(resident)) {
    if (resident != nullptr) A::Free(resident, size);
    Skip(state, "the block does not come from the allocator under test");
    return;
  }
  for (auto _ : state) {
    void* p = A::Allocate(size);
    Use(p);
    A::Free(p, size);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  A::Free(resident, size);
}

template <typename A>
void BM_Pair(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  if (const char* error = A::Setup()) {
    Skip(state, error);
    return;
  }
  if constexpr (A::kInsideDo) {
    // The loop, Google Benchmark's timer and barriers included, runs on the
    // secret stack; only malloc and free are in the loop, so the cost of Do
    // itself is outside the per-pair time.
    secret::Do([&state, size] { PairLoop<A>(state, size); });
  } else {
    PairLoop<A>(state, size);
  }
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("bytes")->Arg(32)->Arg(256)->Arg(4096);
  b->Threads(1)->Threads(2)->UseRealTime();
}

BENCHMARK_TEMPLATE(BM_Pair, Glibc)->Apply(Sizes);
BENCHMARK_TEMPLATE(BM_Pair, GlibcBzero)->Apply(Sizes);
BENCHMARK_TEMPLATE(BM_Pair, Interposed)->Apply(Sizes);
BENCHMARK_TEMPLATE(BM_Pair, Arena)->Apply(Sizes);
BENCHMARK_TEMPLATE(BM_Pair, ArenaInDo)->Apply(Sizes);
BENCHMARK_TEMPLATE(BM_Pair, OpensslSecureHeap)->Apply(Sizes);
BENCHMARK_TEMPLATE(BM_Pair, Sodium)->Apply(Sizes);

}  // namespace
