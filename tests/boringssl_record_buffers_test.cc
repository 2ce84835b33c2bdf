// boringssl_record_buffers_test.cc: what patches/boringssl/0003 and 0004
// promise about the TLS record buffers. A busy connection keeps its two
// record buffers between records instead of allocating, freeing and (in the
// secret arena) zeroing them for every record; the read buffer then still
// holds the last record's plaintext, and a read that finds nothing to read
// releases both buffers, so that the arena zeroes that plaintext. Record
// bodies start on a cache line.

#include <openssl/ssl.h>
#include <string.h>

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "secret/secret_c.h"
#include "tests/support/memory_scan.h"
#include "tests/support/tls_pair.h"

namespace secret_test {
namespace {

constexpr size_t kRecordBytes = 16384;
// Where the marker sits in its record's plaintext.
constexpr size_t kMarkerOffset = 1000;

uint64_t ArenaAllocations() {
  secret_arena_stats stats;
  secret_get_arena_stats(&stats);
  return stats.allocations;
}

class BoringSslRecordBuffersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(pair_.Open(TlsPairOptions{}, &error)) << error;
    ASSERT_TRUE(pair_.Handshake(&error)) << error;
  }

  TlsPair pair_;
};

// Twenty 16 KiB records: stock BoringSSL allocates a write buffer and a read
// buffer for each (40 allocations); with the patch the buffers the first
// records allocated serve the rest.
TEST_F(BoringSslRecordBuffersTest, BusyConnectionKeepsItsRecordBuffers) {
  std::string error;
  const std::string record(kRecordBytes, 'r');
  ASSERT_TRUE(pair_.Transfer(true, record, &error)) << error;

  const uint64_t before = ArenaAllocations();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(pair_.Transfer(true, record, &error)) << error;
  }
  const uint64_t allocations = ArenaAllocations() - before;
  EXPECT_LE(allocations, 2u)
      << "the connection allocated record buffers per record";
}

// The marker travels in one record. After SSL_read has returned it, the
// read buffer still holds it (the patch's trade-off, shown so that the scan
// is known to see the buffer); a second SSL_read finds nothing to read,
// releases the buffers, and no copy of the marker is left. The test's own
// copies are in `message` and `received`, excluded from the scans.
TEST_F(BoringSslRecordBuffersTest, ReadThatFindsNothingReleasesThePlaintext) {
  static uint8_t marker[32];
  static uint8_t message[4096];
  static uint8_t received[4096];
  FillRandomSecret(message, sizeof(message));
  FillRandomSecret(marker, sizeof(marker));
  PlantSecret(message + kMarkerOffset, marker, sizeof(marker));
  ScanStats stats;
  ScanOptions options;
  options.stats = &stats;
  options.exclude = {
      {reinterpret_cast<uintptr_t>(message),
       reinterpret_cast<uintptr_t>(message + sizeof(message))},
      {reinterpret_cast<uintptr_t>(received),
       reinterpret_cast<uintptr_t>(received + sizeof(received))}};

  ASSERT_EQ(SSL_write(pair_.client(), message, sizeof(message)),
            static_cast<int>(sizeof(message)));
  ASSERT_EQ(SSL_read(pair_.server(), received, sizeof(received)),
            static_cast<int>(sizeof(received)));
  const std::vector<Hit> busy = FindInSelf(marker, sizeof(marker), options);
  ASSERT_TRUE(stats.error.empty()) << stats.error;
  ASSERT_EQ(busy.size(), 1u)
      << "expected the record's plaintext in the kept read buffer only:\n"
      << Describe(busy);
  // patches/boringssl/0004: the record's body starts on a cache line.
  EXPECT_EQ((busy[0].address - kMarkerOffset) % 64, 0u)
      << "the record body is not 64-byte aligned";

  const int again = SSL_read(pair_.server(), received, sizeof(received));
  ASSERT_EQ(again, -1);
  ASSERT_EQ(SSL_get_error(pair_.server(), again), SSL_ERROR_WANT_READ);
  const std::vector<Hit> idle = FindInSelf(marker, sizeof(marker), options);
  ASSERT_TRUE(stats.error.empty()) << stats.error;
  EXPECT_GT(stats.bytes_scanned, 0u);
  EXPECT_TRUE(idle.empty())
      << "plaintext left after the read that found nothing:\n"
      << Describe(idle);
  EXPECT_EQ(memcmp(received + kMarkerOffset, marker, sizeof(marker)), 0);

  // The released buffers come back for the next records, both ways.
  std::string error;
  EXPECT_TRUE(pair_.Transfer(true, std::string(kRecordBytes, 'a'), &error))
      << error;
  EXPECT_TRUE(pair_.Transfer(false, std::string(kRecordBytes, 'b'), &error))
      << error;
}

}  // namespace
}  // namespace secret_test
