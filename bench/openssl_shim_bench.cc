// openssl_shim_bench.cc: what the OpenSSL shim costs, shim against plain in
// one run (see bench/RESULTS.md, "OpenSSL shim (issue 4)").
//
// The binary links //shim/openssl:shim, so every wrapped entry point goes
// through its wrapper. Each benchmark runs twice, under the argument
// `shim` (levels "libssl,libcrypto", the default) and `plain` (levels
// "none": the wrappers forward directly, a load and two branches per call,
// measured separately by //bench:openssl_plain_bench, the same source built
// without the shim).
//
//   BM_X25519           key generation and agreement (EVP_PKEY_keygen,
//                       EVP_PKEY_derive_set_peer, EVP_PKEY_derive)
//   BM_Aes256GcmSeal    key and IV setup, AAD, seal of 1 KiB or 16 KiB and
//                       the tag, on one reused EVP_CIPHER_CTX
//   BM_Chacha20Seal     the same for ChaCha20-Poly1305, 16 KiB
//   BM_HkdfExpand       HKDF-Expand-Label of a 16-byte key (EVP_KDF_derive)
//   BM_Tls13Handshake   one full TLS 1.3 handshake between in-process peers
//                       on one thread (X25519, AES-128-GCM, P-256 ECDSA),
//                       contexts reused, SSL objects new each time
//   BM_Tls13Bulk        16 KiB application records from client to server
//
// Targets (issue 4): handshakes and X25519 <= 3% slower; 16 KiB seal and
// bulk TLS <= 2%; 1 KiB setup+seal <= 5%.

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "tests/support/tls_keylog.h"
#include "tests/support/tls_pair.h"

#if defined(SECRETMODE_BENCH_WITH_SHIM)
#include "secret/secret_c.h"
#include "shim/secret_shim.h"
#endif

namespace {

enum Mode { kPlain = 0, kShim = 1 };

// SetMode selects the shim's levels for a benchmark; false when this binary
// has no shim and the mode needs one.
bool SetMode(benchmark::State& state) {
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
// thread while `state` ran: outermost secret_do calls, stack bytes erased
// and inspected, fence faults (a call deeper than its zone), and the secret
// arena's allocations and bytes zeroed (OpenSSL's heap is in the arena).
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

void ModeArgs(benchmark::internal::Benchmark* b) {
  b->ArgName("shim");
  b->Arg(kPlain);
#if defined(SECRETMODE_BENCH_WITH_SHIM)
  b->Arg(kShim);
#endif
}

void BM_X25519(benchmark::State& state) {
  if (!SetMode(state)) return;
  EVP_PKEY* peer = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
  EVP_PKEY_CTX* gen = EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr);
  if (peer == nullptr || gen == nullptr || EVP_PKEY_keygen_init(gen) != 1) {
    state.SkipWithError("X25519 setup failed");
    return;
  }
  uint8_t shared[32];
  ExecutorCounters counters;
  for (auto _ : state) {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_keygen(gen, &key);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
    size_t len = sizeof(shared);
    if (EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, peer) != 1 ||
        EVP_PKEY_derive(ctx, shared, &len) != 1) {
      state.SkipWithError("X25519 derive failed");
    }
    benchmark::DoNotOptimize(shared);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
  }
  counters.Report(state);
  EVP_PKEY_CTX_free(gen);
  EVP_PKEY_free(peer);
}
BENCHMARK(BM_X25519)->Apply(ModeArgs);

// Key and IV setup, 13 bytes of AAD (a TLS 1.2 record header), the seal and
// the tag: what one record costs an application that uses EVP directly.
void Seal(benchmark::State& state, const char* cipher_name, size_t bytes) {
  if (!SetMode(state)) return;
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, cipher_name, nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (cipher == nullptr || ctx == nullptr) {
    state.SkipWithError("cipher setup failed");
    return;
  }
  uint8_t key[32] = {1, 2, 3}, iv[12] = {4, 5, 6}, aad[13] = {7}, tag[16];
  std::vector<uint8_t> in(bytes, 0x5a), out(bytes + 16);
  ExecutorCounters counters;
  for (auto _ : state) {
    int len = 0;
    iv[11]++;
    if (EVP_EncryptInit_ex2(ctx, cipher, key, iv, nullptr) != 1 ||
        EVP_EncryptUpdate(ctx, nullptr, &len, aad, sizeof(aad)) != 1 ||
        EVP_EncryptUpdate(ctx, out.data(), &len, in.data(),
                          static_cast<int>(in.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx, out.data() + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, sizeof(tag), tag) != 1) {
      state.SkipWithError("seal failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(tag);
  }
  counters.Report(state);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
}

void BM_Aes256GcmSeal1K(benchmark::State& state) { Seal(state, "AES-256-GCM", 1024); }
void BM_Aes256GcmSeal16K(benchmark::State& state) { Seal(state, "AES-256-GCM", 16384); }
void BM_Chacha20Seal16K(benchmark::State& state) {
  Seal(state, "ChaCha20-Poly1305", 16384);
}
BENCHMARK(BM_Aes256GcmSeal1K)->Apply(ModeArgs);
BENCHMARK(BM_Aes256GcmSeal16K)->Apply(ModeArgs);
BENCHMARK(BM_Chacha20Seal16K)->Apply(ModeArgs);

void BM_HkdfExpand(benchmark::State& state) {
  if (!SetMode(state)) return;
  const uint8_t secret[32] = {9, 8, 7};
  uint8_t key[16];
  std::string error;
  ExecutorCounters counters;
  for (auto _ : state) {
    if (!secret_test::HkdfExpandLabel("SHA256", secret, sizeof(secret), "key",
                                      nullptr, 0, key, sizeof(key), &error)) {
      state.SkipWithError(error.c_str());
      break;
    }
    benchmark::DoNotOptimize(key);
  }
  counters.Report(state);
}
BENCHMARK(BM_HkdfExpand)->Apply(ModeArgs);

secret_test::TlsPairOptions BenchOptions() {
  secret_test::TlsPairOptions options;
  options.suite = "TLS_AES_128_GCM_SHA256";
  options.group = "X25519";
  options.session_cache = false;
  return options;
}

void BM_Tls13Handshake(benchmark::State& state) {
  if (!SetMode(state)) return;
  secret_test::TlsPair pair;
  std::string error;
  if (!pair.Open(BenchOptions(), &error)) {
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
BENCHMARK(BM_Tls13Handshake)->Apply(ModeArgs)->Unit(benchmark::kMicrosecond);

void BM_Tls13Bulk16K(benchmark::State& state) {
  if (!SetMode(state)) return;
  secret_test::TlsPair pair;
  std::string error;
  if (!pair.Open(BenchOptions(), &error) || !pair.Handshake(&error)) {
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
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * record.size()));
}
BENCHMARK(BM_Tls13Bulk16K)->Apply(ModeArgs);

}  // namespace
