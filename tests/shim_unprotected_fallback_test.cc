// shim_unprotected_fallback_test.cc: when a thread's secret stacks cannot
// be mapped, a wrapped call still runs and returns its result (a TLS
// operation must not fail because of secretmode), and the shim says so once
// on stderr: the WARNING of CallInSecretMode (shim/shim_runtime.h). Proven
// with the BoringSSL link-time shim; the OpenSSL shim shares the code.

#include <openssl/curve25519.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/support/address_space_limit.h"

namespace secret_test {
namespace {

// RFC 7748 section 5.2, the first X25519 test vector.
constexpr uint8_t kScalar[32] = {
    0xa5, 0x46, 0xe3, 0x6b, 0xf0, 0x52, 0x7c, 0x9d, 0x3b, 0x16, 0x15,
    0x4b, 0x82, 0x46, 0x5e, 0xdd, 0x62, 0x14, 0x4c, 0x0a, 0xc1, 0xfc,
    0x5a, 0x18, 0x50, 0x6a, 0x22, 0x44, 0xba, 0x44, 0x9a, 0xc4};
constexpr uint8_t kPoint[32] = {
    0xe6, 0xdb, 0x68, 0x67, 0x58, 0x30, 0x30, 0xdb, 0x35, 0x94, 0xc1,
    0xa4, 0x24, 0xb1, 0x5f, 0x7c, 0x72, 0x66, 0x24, 0xec, 0x26, 0xb3,
    0x35, 0x3b, 0x10, 0xa9, 0x03, 0xa6, 0xd0, 0xab, 0x1c, 0x4c};
constexpr uint8_t kProduct[32] = {
    0xc3, 0xda, 0x55, 0x37, 0x9d, 0xe9, 0xc6, 0x90, 0x8e, 0x94, 0xea,
    0x4d, 0xf2, 0x8d, 0x08, 0x4f, 0x32, 0xec, 0xcf, 0x03, 0x49, 0x1c,
    0x71, 0xf7, 0x54, 0xb4, 0x07, 0x55, 0x77, 0xa2, 0x85, 0x52};

constexpr char kReport[] = "secretmode: secret_do failed (Cannot allocate memory)";

// Counts the occurrences of `needle` in `text`.
size_t Occurrences(const std::string& text, const char* needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// In the child: a fresh thread (no secret stacks yet) limits the address
// space, then makes two wrapped X25519 calls with stderr captured. Exits 3
// when both results are right and the report appeared exactly once.
void TwoCallsWithoutSecretStacks() {
  std::thread worker([] {
    const int captured = memfd_create("stderr", 0);
    if (captured < 0 || dup2(captured, STDERR_FILENO) < 0) _exit(10);
    if (!LimitAddressSpace(256 * 1024)) _exit(11);
    uint8_t first[32] = {0}, second[32] = {0};
    const int ok = X25519(first, kScalar, kPoint) + X25519(second, kScalar, kPoint);
    char text[4096] = {0};
    if (pread(captured, text, sizeof(text) - 1, 0) < 0) _exit(12);
    if (ok != 2 || memcmp(first, kProduct, 32) != 0 ||
        memcmp(second, kProduct, 32) != 0) {
      _exit(13);
    }
    _exit(Occurrences(text, kReport) == 1 ? 3 : 14);
  });
  worker.join();
}

TEST(ShimUnprotectedFallbackDeathTest, CallRunsAndIsReportedOnce) {
  if (!AddressSpaceLimitIsEnforced()) {
    GTEST_SKIP() << "RLIMIT_AS is not enforced here (qemu-user)";
  }
  EXPECT_EXIT(TwoCallsWithoutSecretStacks(), ::testing::ExitedWithCode(3), "");
}

}  // namespace
}  // namespace secret_test
