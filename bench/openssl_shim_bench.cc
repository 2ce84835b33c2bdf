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

#include "bench/shim_modes.h"
#if defined(SECRETMODE_BENCH_WITH_SHIM)
#include "secret/secret.h"
#endif
#include "bench/tls_pair_benchmarks.h"

namespace {

using secret_bench::ExecutorCounters;
using secret_bench::ModeArgs;
using secret_bench::SetMode;

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

// How the application calls the seal: each EVP call on its own (each
// wrapped call is then outermost), or the whole seal inside one secret::Do
// of its own (the wrapped calls run nested; shim mode only).
enum class Calls { kEach, kInOneDo };

// RunInOneDo runs `seal` inside one secret::Do. Only shim builds ask: the
// plain build has no secretmode.
template <typename Seal>
bool RunInOneDo(Seal& seal) {
#if defined(SECRETMODE_BENCH_WITH_SHIM)
  bool ok = false;
  secret::Do([&] { ok = seal(); });
  return ok;
#else
  return seal();
#endif
}

// Key and IV setup, 13 bytes of AAD (a TLS 1.2 record header), the seal and
// the tag: what one record costs an application that uses EVP directly.
void Seal(benchmark::State& state, const char* cipher_name, size_t bytes,
          Calls calls = Calls::kEach) {
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
  auto seal = [&] {
    int len = 0;
    iv[11]++;
    return EVP_EncryptInit_ex2(ctx, cipher, key, iv, nullptr) == 1 &&
           EVP_EncryptUpdate(ctx, nullptr, &len, aad, sizeof(aad)) == 1 &&
           EVP_EncryptUpdate(ctx, out.data(), &len, in.data(),
                             static_cast<int>(in.size())) == 1 &&
           EVP_EncryptFinal_ex(ctx, out.data() + len, &len) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, sizeof(tag), tag) == 1;
  };
  const bool in_one_do =
      calls == Calls::kInOneDo && state.range(0) == secret_bench::kShim;
  for (auto _ : state) {
    const bool ok = in_one_do ? RunInOneDo(seal) : seal();
    if (!ok) {
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
void BM_Aes256GcmSeal1KInOneDo(benchmark::State& state) {
  Seal(state, "AES-256-GCM", 1024, Calls::kInOneDo);
}
BENCHMARK(BM_Aes256GcmSeal1K)->Apply(ModeArgs);
BENCHMARK(BM_Aes256GcmSeal1KInOneDo)->Apply(ModeArgs);
BENCHMARK(BM_Aes256GcmSeal16K)->Apply(ModeArgs);
BENCHMARK(BM_Chacha20Seal16K)->Apply(ModeArgs);

// The least one wrapped call costs: EVP_EncryptInit_ex2 with a new IV only
// (the per-packet nonce of a program that seals with EVP directly; the
// provider only buffers it). Shim against plain is then the wrapper, one
// secret_do and the erasure of the little stack it dirties: the per-call
// price each row above pays per outermost call.
void BM_WrappedIvSetup(benchmark::State& state) {
  if (!SetMode(state)) return;
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  uint8_t key[32] = {1}, iv[12] = {2};
  if (cipher == nullptr || ctx == nullptr ||
      EVP_EncryptInit_ex2(ctx, cipher, key, iv, nullptr) != 1) {
    state.SkipWithError("cipher setup failed");
    return;
  }
  ExecutorCounters counters;
  for (auto _ : state) {
    iv[11]++;
    if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr) != 1) {
      state.SkipWithError("IV setup failed");
      break;
    }
  }
  counters.Report(state);
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
}
BENCHMARK(BM_WrappedIvSetup)->Apply(ModeArgs);

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

const bool kTlsPairBenchmarks =
    secret_bench::RegisterTlsPairBenchmarks(BenchOptions());

}  // namespace
