// secret_residue.h: a test secret and the search for its copies.
//
// The secret is 32 random non-zero bytes kept in one static buffer, the only
// copy a test owns. Copies are searched whole and as four 8-byte words, so
// that a word spilled from a register on its own is found too; a random
// 8-byte word does not occur by chance in a test process.

#ifndef SECRETMODE_TESTS_SECRET_RESIDUE_H_
#define SECRETMODE_TESTS_SECRET_RESIDUE_H_

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "tests/support/memory_scan.h"

namespace secret_test {

constexpr size_t kSecretSize = 32;
constexpr size_t kWordSize = 8;

// TestSecret returns the buffer holding the current secret.
uint8_t* TestSecret();

// NewTestSecret fills TestSecret() with fresh random bytes, so residues of
// earlier tests in the same process never match.
void NewTestSecret();

// Residue is what a scan found: hits of the whole secret and of its words.
struct Residue {
  std::vector<Hit> whole;
  std::vector<Hit> words;
  uint64_t bytes_scanned = 0;
  bool empty() const { return whole.empty() && words.empty(); }
  std::string Describe() const;
};

// FindResidueInSelf scans this process for copies of the current secret.
Residue FindResidueInSelf();

// FindResidueInProcess scans another process (a forked child, which holds
// its own copy of TestSecret() at the same address, excluded here).
Residue FindResidueInProcess(pid_t pid);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SECRET_RESIDUE_H_
