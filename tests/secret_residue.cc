// secret_residue.cc: see secret_residue.h.

#include "tests/secret_residue.h"

#include <string>

namespace secret_test {
namespace {

alignas(64) uint8_t g_secret[kSecretSize];

uintptr_t SecretBegin() { return reinterpret_cast<uintptr_t>(g_secret); }
uintptr_t SecretEnd() { return SecretBegin() + kSecretSize; }

template <typename ScanFn>
Residue Scan(ScanFn scan) {
  Residue residue;
  ScanOptions options;
  options.exclude.push_back({SecretBegin(), SecretEnd()});
  ScanStats stats;
  options.stats = &stats;
  residue.whole = scan(g_secret, kSecretSize, options);
  residue.bytes_scanned = stats.bytes_scanned;
  for (size_t offset = 0; offset < kSecretSize; offset += kWordSize) {
    ScanStats word_stats;
    options.stats = &word_stats;
    for (const Hit& hit : scan(g_secret + offset, kWordSize, options)) {
      residue.words.push_back(hit);
    }
  }
  return residue;
}

}  // namespace

uint8_t* TestSecret() { return g_secret; }

void NewTestSecret() { FillRandomSecret(g_secret, kSecretSize); }

std::string Residue::Describe() const {
  std::string text = "whole secret: " + std::to_string(whole.size()) +
                     " copies\n" + secret_test::Describe(whole) +
                     "secret words: " + std::to_string(words.size()) +
                     " copies\n" + secret_test::Describe(words);
  return text;
}

Residue FindResidueInSelf() {
  return Scan([](const void* p, size_t n, const ScanOptions& o) {
    return FindInSelf(p, n, o);
  });
}

Residue FindResidueInProcess(pid_t pid) {
  return Scan([pid](const void* p, size_t n, const ScanOptions& o) {
    return FindInProcess(pid, p, n, o);
  });
}

}  // namespace secret_test
