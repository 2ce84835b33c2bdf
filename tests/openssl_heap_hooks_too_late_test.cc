// openssl_heap_hooks_too_late_test.cc: once OpenSSL has allocated, its heap
// cannot move to the secret arena; secret_openssl_use_arena says so loudly
// (stderr, EALREADY) instead of pretending, and OpenSSL keeps working.

#include <errno.h>

#include <string>

#include <openssl/crypto.h>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "shim/openssl/memory_hooks.h"

namespace secret_test {
namespace {

TEST(OpenSslHeapHooksTooLateTest, RefusesLoudlyAfterOpenSslAllocated) {
  OPENSSL_free(OPENSSL_malloc(16));  // OpenSSL's first allocation
  ::testing::internal::CaptureStderr();
  const int rc = secret_openssl_use_arena();
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, EALREADY);
  EXPECT_NE(said.find("OpenSSL has allocated memory already"), std::string::npos)
      << said;
  EXPECT_EQ(secret_openssl_arena_active(), 0);
  void* p = OPENSSL_malloc(32);
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(secret_is_arena_block(p));
  OPENSSL_free(p);
}

}  // namespace
}  // namespace secret_test
