// demo.cc: the README's main command, until the TLS demo replaces it.
//
// A session key is derived in a function that, like real key schedules,
// keeps intermediate values in stack buffers and registers. The program then
// searches its own memory (every resident page of every writable mapping)
// for the key: once after a plain call, once after the same call inside
// secret::Do.

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "secret/secret.h"
#include "tests/support/memory_scan.h"

namespace {

constexpr size_t kKeySize = 32;

// The only copy the demo owns on purpose: the pattern it searches for.
alignas(64) uint8_t g_expected_key[kKeySize];
volatile uint64_t g_sink;

// DeriveSessionKey stands for a key schedule: a toy mixing of a random seed
// that leaves the derived key in a stack buffer of its frame, as real key
// derivation code does, and returns only a checksum.
__attribute__((noinline)) uint64_t DeriveSessionKey(const uint8_t* seed) {
  uint8_t key[kKeySize];
  for (size_t i = 0; i < kKeySize; ++i) key[i] = seed[i];
  asm volatile("" : : "r"(key) : "memory");  // the buffer really exists
  uint64_t checksum = 0;
  for (uint8_t b : key) checksum = checksum * 131 + b;
  return checksum;
}

// Deeper is where the key schedule runs: below the frames of the printing
// and scanning code, so they cannot overwrite its dead frame by chance.
__attribute__((noinline)) uint64_t Deeper(const uint8_t* seed) {
  volatile uint8_t padding[64 * 1024];
  padding[0] = 1;
  return DeriveSessionKey(seed) + padding[0];
}

struct Result {
  std::vector<secret_test::Hit> hits;
  uint64_t bytes_scanned = 0;
};

Result FindKey() {
  secret_test::ScanStats stats;
  secret_test::ScanOptions options;
  options.stats = &stats;
  Result r;
  r.hits = secret_test::FindInSelf(g_expected_key, kKeySize, options);
  r.bytes_scanned = stats.bytes_scanned;
  return r;
}

void Print(const char* label, const Result& r) {
  printf("  %-22s %zu cop%s of the key (scanned %.1f MB of this process)\n",
         label, r.hits.size(), r.hits.size() == 1 ? "y" : "ies",
         static_cast<double>(r.bytes_scanned) / 1e6);
  for (const secret_test::Hit& hit : r.hits) {
    printf("      at 0x%lx in %s\n", static_cast<unsigned long>(hit.address),
           hit.region.name.empty() ? "[anonymous]" : hit.region.name.c_str());
  }
}

}  // namespace

int main() {
  printf("secretmode demo: Go's runtime/secret for C++ (secret::Do)\n\n");
  printf("A 32-byte session key is derived in a function that keeps it in a\n"
         "stack buffer, then this process searches its own memory for it.\n\n");

  secret_test::FillRandomSecret(g_expected_key, kKeySize);
  g_sink = Deeper(g_expected_key);
  const Result plain = FindKey();
  Print("plain call:", plain);

  secret_test::FillRandomSecret(g_expected_key, kKeySize);  // a new key
  secret::Do([] { g_sink = Deeper(g_expected_key); });
  const Result protected_call = FindKey();
  Print("inside secret::Do:", protected_call);

  const secret::ThreadStats stats = secret::GetThreadStats();
  printf("\nsecret::Do erased %llu bytes of secret stack (it inspected %llu),\n"
         "cleared the registers, and its stack is %s in RAM and excluded\n"
         "from core dumps.\n",
         static_cast<unsigned long long>(stats.bytes_erased),
         static_cast<unsigned long long>(stats.bytes_inspected),
         stats.stack_locked ? "locked" : "not locked (RLIMIT_MEMLOCK)");
  printf("\nWhat it means: a plain function leaves its key behind in dead\n"
         "stack frames, where a core dump or a memory-disclosure bug finds\n"
         "it; the same function inside secret::Do leaves no copy.\n");
  const bool as_expected = !plain.hits.empty() && protected_call.hits.empty();
  if (!as_expected) printf("\nUNEXPECTED RESULT: see the counts above.\n");
  return as_expected ? 0 : 1;
}
