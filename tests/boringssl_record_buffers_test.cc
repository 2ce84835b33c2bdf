// boringssl_record_buffers_test.cc: what patches/boringssl/0003 and 0004
// promise about the TLS record buffers. A busy connection keeps its two
// record buffers between records instead of allocating, freeing and (in the
// secret arena) zeroing them for every record; the read buffer then still
// holds the last record's plaintext, and a read that finds nothing to read
// releases both buffers, so that the arena zeroes that plaintext. Record
// bodies start on a cache line, in a kept buffer and in a new one.

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

uint64_t ArenaBlocksLive() {
  secret_arena_stats stats;
  secret_get_arena_stats(&stats);
  return stats.blocks_live;
}

// A record whose plaintext holds a random marker at kMarkerOffset, sent from
// the client and read by the server. The test's own copies are in `message_`
// and `received_`, which the scans exclude.
class MarkerRecords : public BoringSslRecordBuffersTest {
 protected:
  // SendAndRead sends a new marker's record and reads it on the server.
  void SendAndRead() {
    FillRandomSecret(message_, sizeof(message_));
    FillRandomSecret(marker_, sizeof(marker_));
    PlantSecret(message_ + kMarkerOffset, marker_, sizeof(marker_));
    ASSERT_EQ(SSL_write(pair_.client(), message_, sizeof(message_)),
              static_cast<int>(sizeof(message_)));
    ASSERT_EQ(SSL_read(pair_.server(), received_, sizeof(received_)),
              static_cast<int>(sizeof(received_)));
    ASSERT_EQ(memcmp(received_, message_, sizeof(message_)), 0);
  }

  // MarkerCopies returns where the marker is, outside the test's copies.
  std::vector<Hit> MarkerCopies() {
    ScanStats stats;
    ScanOptions options;
    options.stats = &stats;
    options.exclude = {
        {reinterpret_cast<uintptr_t>(message_),
         reinterpret_cast<uintptr_t>(message_ + sizeof(message_))},
        {reinterpret_cast<uintptr_t>(received_),
         reinterpret_cast<uintptr_t>(received_ + sizeof(received_))}};
    std::vector<Hit> hits = FindInSelf(marker_, sizeof(marker_), options);
    EXPECT_TRUE(stats.error.empty()) << stats.error;
    EXPECT_GT(stats.bytes_scanned, 0u);
    return hits;
  }

  // ExpectKeptAndAligned expects the marker in the kept read buffer only,
  // in a record body that starts on a cache line (patches/boringssl/0004).
  void ExpectKeptAndAligned(const char* path) {
    const std::vector<Hit> busy = MarkerCopies();
    ASSERT_EQ(busy.size(), 1u)
        << path << ": expected the record's plaintext in the kept read "
        << "buffer only:\n" << Describe(busy);
    EXPECT_EQ((busy[0].address - kMarkerOffset) % 64, 0u)
        << path << ": the record body is not 64-byte aligned";
  }

  // ReadNothing makes the server's read find nothing to read.
  void ReadNothing() {
    const int ret = SSL_read(pair_.server(), received_, sizeof(received_));
    ASSERT_EQ(ret, -1);
    ASSERT_EQ(SSL_get_error(pair_.server(), ret), SSL_ERROR_WANT_READ);
  }

  static uint8_t marker_[32];
  static uint8_t message_[4096];
  static uint8_t received_[4096];
};

uint8_t MarkerRecords::marker_[32];
uint8_t MarkerRecords::message_[4096];
uint8_t MarkerRecords::received_[4096];

// After SSL_read has returned a record, the read buffer still holds it (the
// patch's trade-off, shown so that the scan is known to see the buffer); a
// second SSL_read finds nothing to read and releases both record buffers,
// and no copy of the marker is left. Then the same with a freshly allocated
// buffer: records read into a kept buffer and into a new one both start on
// a cache line.
TEST_F(MarkerRecords, ReadThatFindsNothingReleasesThePlaintext) {
  // Both of the server's buffers in use and kept: it reads and writes.
  std::string error;
  ASSERT_TRUE(pair_.Transfer(true, std::string(4096, 'w'), &error)) << error;
  ASSERT_TRUE(pair_.Transfer(false, std::string(100, 'v'), &error)) << error;

  SendAndRead();
  ExpectKeptAndAligned("kept buffer");
  const uint64_t blocks_before = ArenaBlocksLive();
  ReadNothing();
  EXPECT_GE(blocks_before - ArenaBlocksLive(), 2u)
      << "the read that found nothing did not release both record buffers";
  std::vector<Hit> idle = MarkerCopies();
  EXPECT_TRUE(idle.empty())
      << "plaintext left after the read that found nothing:\n"
      << Describe(idle);

  SendAndRead();
  ExpectKeptAndAligned("new buffer");
  ReadNothing();
  idle = MarkerCopies();
  EXPECT_TRUE(idle.empty())
      << "plaintext left after the read that found nothing:\n"
      << Describe(idle);

  // The released buffers come back for the next records, both ways.
  EXPECT_TRUE(pair_.Transfer(true, std::string(kRecordBytes, 'a'), &error))
      << error;
  EXPECT_TRUE(pair_.Transfer(false, std::string(kRecordBytes, 'b'), &error))
      << error;
}

}  // namespace
}  // namespace secret_test
