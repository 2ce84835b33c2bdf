// Printing a scan's outcome: a table for people, JSON for programs.
#ifndef SECRETMODE_KEYSCAN_REPORT_H_
#define SECRETMODE_KEYSCAN_REPORT_H_

#include <cstddef>
#include <cstdio>
#include <vector>

#include "keyscan/needles.h"
#include "keyscan/residue.h"

namespace keyscan {

struct ReportPolicy {
  // TLS 1.2 master secrets (CLIENT_RANDOM) that a server keeps in its
  // session cache by design: still printed, on their own lines, but not
  // counted as unexpected residues.
  bool expect_cached_master_secrets = false;
};

// IsExpected reports whether a copy of `needle` is expected under `policy`
// (only TLS 1.2 master secrets can be). Thread-safe.
//
// WARNING: "expected" is the operator's statement about the target, not a
// check: keyscan cannot tell a cached master secret from a leaked one.
bool IsExpected(const Needle& needle, const ReportPolicy& policy);

// UnexpectedResidues returns how many of result.residues are not expected
// under `policy`: the exit status is 1 when it is non-zero (or the result
// was truncated at the residue limit). Thread-safe.
//
// WARNING: see IsExpected.
size_t UnexpectedResidues(const ScanResult& result,
                          const std::vector<Needle>& needles,
                          const ReportPolicy& policy);

// WriteTable prints the human-readable report to `out`: a summary line,
// then per category (TLS 1.3 traffic, TLS 1.3 exporter, TLS 1.2 master
// secrets — the latter marked "expected" under the policy) one row per
// needle that has copies: label, kind, length, hash, connection (client
// random prefix), count and the count per memory class; then every copy
// with its address and mapping; then the notes and a RESULT line, which
// starts "RESULT: INCOMPLETE scan" when eligible memory was not read
// (ScanIncomplete). A "coverage:" line after the summary says how many
// regions were read, not eligible, not resident, and eligible but not
// read. Needles
// are described, never printed. The target's mapping names and paths are
// quoted with Printable (no control characters reach `out`). Not
// thread-safe with other writers of `out`.
//
// WARNING: addresses of a live process are printed; they may help an
// attacker of that process (ASLR).
void WriteTable(std::FILE* out, const ScanResult& result,
                const std::vector<Needle>& needles,
                const ReportPolicy& policy);

// WriteJson prints the same report as one JSON object to `out`:
// {"target", "needles", "bytes_scanned", "regions_scanned",
//  "read_errors", "regions_ineligible", "regions_not_resident",
//  "regions_unread", "bytes_unread", "complete" (false when eligible
//  memory was not read, see ScanIncomplete), "truncated",
//  "unexpected_residues",
//  "expected_residues", "residues": [{"label", "kind", "category",
//  "length", "hash", "client_random", "key_log_line", "expected",
//  "address", "class", "where"}], "notes": [...]}. Addresses are hex
// strings ("0x..."; null for registers). Same thread-safety and WARNING as
// WriteTable.
void WriteJson(std::FILE* out, const ScanResult& result,
               const std::vector<Needle>& needles, const ReportPolicy& policy);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_REPORT_H_
