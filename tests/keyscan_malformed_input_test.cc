// keyscan_malformed_input_test.cc: hostile or damaged input gets a clear
// error and leaves keyscan intact (hardening). Thousands of mutations of a
// valid key log and of a valid core file -- flipped bytes, random bytes,
// cut and repeated ranges, truncation -- each either parse to something
// well-formed or fail with a message; none crashes, hangs or reads out of
// bounds (the test also runs under ASan+UBSan). The mutations come from a
// fixed seed, so a failure reproduces.

#include <elf.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "keyscan/core_scan.h"
#include "keyscan/needles.h"
#include "tests/keyscan_synthetic_core.h"

namespace keyscan_test {
namespace {

// One random change to `text`.
void Mutate(std::mt19937_64& rng, std::string* text) {
  if (text->empty()) {
    text->push_back(static_cast<char>(rng()));
    return;
  }
  const size_t at = rng() % text->size();
  switch (rng() % 6) {
    case 0:  // flip one bit
      (*text)[at] = static_cast<char>((*text)[at] ^ (1 << (rng() % 8)));
      break;
    case 1:  // a random byte
      (*text)[at] = static_cast<char>(rng());
      break;
    case 2:  // cut a range
      text->erase(at, rng() % 64);
      break;
    case 3:  // repeat a range
      text->insert(at, text->substr(at, rng() % 64));
      break;
    case 4:  // truncate
      text->resize(at);
      break;
    default:  // a byte that matters to a parser
      (*text)[at] = " \n\r\t:0f#"[rng() % 8];
      break;
  }
}

const char kKeyLog[] =
    "# a comment\n"
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21\n"
    "SERVER_TRAFFIC_SECRET_0 "
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643\n"
    "EXPORTER_SECRET "
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50"
    "0123456789abcdef0123456789abcdef\n"
    "CLIENT_RANDOM "
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f\n";

TEST(KeyscanMalformedInputTest, MutatedKeyLogsParseOrFailCleanly) {
  std::mt19937_64 rng(20261206);
  std::vector<keyscan::Needle> needles;
  std::string error;
  ASSERT_TRUE(keyscan::NeedlesFromKeyLog(kKeyLog, &needles, &error)) << error;
  ASSERT_FALSE(needles.empty());
  keyscan::WipeNeedles(&needles);
  int parsed = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = kKeyLog;
    const int changes = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < changes; ++c) Mutate(rng, &text);
    needles.clear();
    error.clear();
    if (keyscan::NeedlesFromKeyLog(text, &needles, &error)) {
      ++parsed;
      for (const keyscan::Needle& n : needles) {
        const size_t len = n.bytes.size();
        EXPECT_TRUE(len == 12 || len == 16 || len == 32 || len == 48)
            << "needle of " << len << " bytes from:\n" << text;
      }
      keyscan::WipeNeedles(&needles);
    } else {
      ++refused;
      EXPECT_FALSE(error.empty()) << "no message for:\n" << text;
      EXPECT_TRUE(needles.empty());
    }
  }
  printf("%d mutated key logs parsed, %d refused with a message\n", parsed,
         refused);
  EXPECT_GT(parsed, 0);
  EXPECT_GT(refused, 0);
}

TEST(KeyscanMalformedInputTest, MutatedCoresScanOrFailCleanly) {
  std::vector<uint8_t> secret(32);
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = uint8_t(0x40 + i);
  std::string key_log = "CLIENT_TRAFFIC_SECRET_0 " + std::string(64, '5') + " ";
  for (const uint8_t b : secret) {
    char hex[3];
    std::snprintf(hex, sizeof(hex), "%02x", b);
    key_log += hex;
  }
  std::vector<keyscan::Needle> needles;
  std::string error;
  ASSERT_TRUE(keyscan::NeedlesFromKeyLog(key_log + "\n", &needles, &error))
      << error;
  // A core with an NT_PRSTATUS-sized register note, so that the register
  // parser sees the mutations too.
  const std::string core =
      SyntheticCore(secret, 0x1000, 336, NT_PRSTATUS);
  const std::string path = ::testing::TempDir() + "/keyscan_mutated_core";
  {
    std::ofstream(path, std::ios::binary) << core;
    keyscan::ScanResult result;
    ASSERT_TRUE(keyscan::ScanCoreFile(path, needles, {}, &result, &error))
        << error;
    ASSERT_FALSE(result.residues.empty()) << "the intact core holds the secret";
  }
  std::mt19937_64 rng(6121202);
  int scanned = 0, refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = core;
    // Most changes in the headers and notes, where the parser works.
    const int changes = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < changes; ++c) {
      if (rng() % 4 != 0) {
        std::string head = bytes.substr(0, 600);
        Mutate(rng, &head);
        bytes = head + bytes.substr(std::min<size_t>(600, bytes.size()));
      } else {
        Mutate(rng, &bytes);
      }
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    keyscan::ScanResult result;
    error.clear();
    if (keyscan::ScanCoreFile(path, needles, {}, &result, &error)) {
      ++scanned;
    } else {
      ++refused;
      EXPECT_FALSE(error.empty());
    }
  }
  std::remove(path.c_str());
  keyscan::WipeNeedles(&needles);
  printf("%d mutated cores scanned, %d refused with a message\n", scanned,
         refused);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace keyscan_test
