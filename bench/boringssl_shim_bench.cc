// boringssl_shim_bench.cc: what secretmode costs BoringSSL: the patch series
// and the link-time shim against stock BoringSSL, in one run (see
// bench/RESULTS.md, "BoringSSL (issue 5)").
//
// Built twice: //bench:boringssl_shim_bench (patched BoringSSL, its heap in
// the secret arena, linked with //shim/boringssl:shim) and
// //bench:boringssl_stock_bench (the same source on stock BoringSSL). The
// shim binary runs each benchmark with levels "none" (shim:0: the arena
// only) and the default levels (shim:1); the stock binary with shim:0.
// bench/compare_modes.py --plain compares the three.
//
//   BM_X25519          X25519_keypair + X25519
//   BM_P256Ecdh        EC_KEY_generate_key + ECDH_compute_key on P-256
//   BM_Aes128GcmSeal   EVP_AEAD_CTX_init + seal of 1 KiB or 16 KiB (key
//                      setup per record, as an application using the AEAD
//                      API directly pays it)
//   BM_Tls13Handshake  one full TLS 1.3 handshake between in-process peers on
//                      one thread (X25519, P-256 ECDSA), contexts reused
//   BM_Tls13Bulk16K    16 KiB application records from client to server
//
// Targets (issue 5): handshakes <= 3% slower, bulk <= 2%.

#include <openssl/aead.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdh.h>
#include <openssl/nid.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "bench/shim_modes.h"
#include "bench/tls_pair_benchmarks.h"
#include "benchmark/benchmark.h"
#include "tests/support/tls_pair.h"

namespace {

using secret_bench::ExecutorCounters;
using secret_bench::ModeArgs;
using secret_bench::SetMode;

void BM_X25519(benchmark::State& state) {
  if (!SetMode(state)) return;
  uint8_t peer_public[32], peer_private[32], shared[32];
  X25519_keypair(peer_public, peer_private);
  ExecutorCounters counters;
  for (auto _ : state) {
    uint8_t public_value[32], private_key[32];
    X25519_keypair(public_value, private_key);
    if (!X25519(shared, private_key, peer_public)) {
      state.SkipWithError("X25519 failed");
      break;
    }
    benchmark::DoNotOptimize(shared);
  }
  counters.Report(state);
}
BENCHMARK(BM_X25519)->Apply(ModeArgs);

void BM_P256Ecdh(benchmark::State& state) {
  if (!SetMode(state)) return;
  EC_KEY* peer = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
  if (peer == nullptr || !EC_KEY_generate_key(peer)) {
    state.SkipWithError("P-256 setup failed");
    return;
  }
  uint8_t shared[32];
  ExecutorCounters counters;
  for (auto _ : state) {
    EC_KEY* key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
    if (key == nullptr || !EC_KEY_generate_key(key) ||
        ECDH_compute_key(shared, sizeof(shared), EC_KEY_get0_public_key(peer),
                         key, nullptr) != sizeof(shared)) {
      state.SkipWithError("P-256 ECDH failed");
      EC_KEY_free(key);
      break;
    }
    benchmark::DoNotOptimize(shared);
    EC_KEY_free(key);
  }
  counters.Report(state);
  EC_KEY_free(peer);
}
BENCHMARK(BM_P256Ecdh)->Apply(ModeArgs);

void Seal(benchmark::State& state, size_t bytes) {
  if (!SetMode(state)) return;
  const uint8_t key[16] = {1, 2, 3};
  uint8_t nonce[12] = {4, 5, 6}, ad[13] = {7};
  std::vector<uint8_t> in(bytes, 0x5a), out(bytes + 16);
  ExecutorCounters counters;
  for (auto _ : state) {
    EVP_AEAD_CTX ctx;
    size_t out_len = 0;
    nonce[11]++;
    if (!EVP_AEAD_CTX_init(&ctx, EVP_aead_aes_128_gcm(), key, sizeof(key),
                           EVP_AEAD_DEFAULT_TAG_LENGTH, nullptr) ||
        !EVP_AEAD_CTX_seal(&ctx, out.data(), &out_len, out.size(), nonce,
                           sizeof(nonce), in.data(), in.size(), ad,
                           sizeof(ad))) {
      state.SkipWithError("seal failed");
      break;
    }
    EVP_AEAD_CTX_cleanup(&ctx);
    benchmark::DoNotOptimize(out.data());
  }
  counters.Report(state);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_Aes128GcmSeal1K(benchmark::State& state) { Seal(state, 1024); }
void BM_Aes128GcmSeal16K(benchmark::State& state) { Seal(state, 16384); }
BENCHMARK(BM_Aes128GcmSeal1K)->Apply(ModeArgs);
BENCHMARK(BM_Aes128GcmSeal16K)->Apply(ModeArgs);

secret_test::TlsPairOptions BenchOptions() {
  secret_test::TlsPairOptions options;
  options.group = "X25519";
  options.session_cache = false;
  return options;
}

const bool kTlsPairBenchmarks =
    secret_bench::RegisterTlsPairBenchmarks(BenchOptions());

}  // namespace
