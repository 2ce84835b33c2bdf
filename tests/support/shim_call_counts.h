// shim_call_counts.h: reading a shim's per-entry-point call counts
// (shim/secret_shim.h) in tests, for either shim: the OpenSSL shim and the
// BoringSSL link-time shim implement the same API.

#ifndef SECRETMODE_TESTS_SUPPORT_SHIM_CALL_COUNTS_H_
#define SECRETMODE_TESTS_SUPPORT_SHIM_CALL_COUNTS_H_

#include <stdint.h>

#include <initializer_list>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "shim/secret_shim.h"

namespace secret_test {

struct EntryCounts {
  uint64_t calls = 0;
  uint64_t outermost = 0;
};
// Entry-point name -> its counts; every entry of the shim is present.
using CountMap = std::map<std::string, EntryCounts>;

// ReadCounts returns the shim's counts now.
CountMap ReadCounts();

// CountsDuring resets the counts, runs `phase` and returns the counts of the
// calls it made.
template <typename Phase>
CountMap CountsDuring(Phase phase) {
  secret_shim_reset_call_counts();
  phase();
  return ReadCounts();
}

// Describe lists the entries called, one per line, for failure messages.
std::string Describe(const CountMap& counts);

// Calls returns the calls of `name`, 0 when the shim has no such entry.
uint64_t Calls(const CountMap& counts, const std::string& name);

// Outermost sums the outermost calls of the entries whose names start with
// `prefix`.
uint64_t Outermost(const CountMap& counts, const char* prefix);

// ExpectCalled adds a test failure for each of `names` (alternatives
// separated by '|': one of them must be called) that never reached its
// wrapper during `phase`.
void ExpectCalled(const CountMap& counts, const char* phase,
                  std::initializer_list<const char*> names);

// ExpectOnlyLibsslSwitches adds a test failure unless, with both levels on,
// exactly the libssl calls switched to secret mode and every libcrypto call
// ran nested inside them.
void ExpectOnlyLibsslSwitches(const CountMap& counts, const char* phase);

// ShimCountingTest is a fixture that runs each test with both levels on and
// counting on, and restores the defaults (counting off) afterwards.
class ShimCountingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(secret_shim_set_levels("libssl,libcrypto"), 0);
    secret_shim_set_counting(1);
  }
  void TearDown() override {
    secret_shim_set_counting(0);
    secret_shim_set_levels("libssl,libcrypto");
  }
};

// The counts of one TLS connection's phases.
struct TlsPhaseCounts {
  CountMap handshake;
  CountMap records;   // 40000 bytes each way
  CountMap teardown;  // close_notify both ways, then every object freed
};

// CountTlsPhases opens `pair` (a secret_test::TlsPair, from tls_pair.h,
// built against the shim's library) with `options`, runs a connection and
// returns each phase's counts; a failing step adds a test failure and the
// later phases stay empty.
template <typename Pair, typename Options>
TlsPhaseCounts CountTlsPhases(Pair& pair, const Options& options) {
  TlsPhaseCounts phases;
  std::string error;
  bool ok = pair.Open(options, &error);
  EXPECT_TRUE(ok) << error;
  if (!ok) return phases;
  phases.handshake = CountsDuring([&] { ok = pair.Handshake(&error); });
  EXPECT_TRUE(ok) << error;
  if (!ok) return phases;
  phases.records = CountsDuring([&] {
    ok = pair.Transfer(true, std::string(40000, 'c'), &error) &&
         pair.Transfer(false, std::string(40000, 's'), &error);
  });
  EXPECT_TRUE(ok) << error;
  phases.teardown = CountsDuring([&] {
    ok = pair.Shutdown(&error);
    pair.Free();
  });
  EXPECT_TRUE(ok) << error;
  return phases;
}

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_SHIM_CALL_COUNTS_H_
