// openssl_heap_hooks_test.cc: linking //shim/openssl:heap_at_startup puts
// OpenSSL's heap in the secret arena before main: OpenSSL's allocations are
// arena blocks, zeroed when OpenSSL frees them.

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "shim/openssl/memory_hooks.h"

namespace secret_test {
namespace {

TEST(OpenSslHeapHooksTest, ActiveBeforeMain) {
  EXPECT_EQ(secret_openssl_arena_active(), 1);
  EXPECT_EQ(secret_openssl_use_arena(), 0) << "a second call is harmless";
}

TEST(OpenSslHeapHooksTest, OpenSslBlocksAreArenaBlocksZeroedWhenFreed) {
  uint8_t* p = static_cast<uint8_t*>(OPENSSL_malloc(100));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(secret_is_arena_block(p));
  memset(p, 0x5a, 100);
  p = static_cast<uint8_t*>(OPENSSL_realloc(p, 50000));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(secret_is_arena_block(p));
  EXPECT_EQ(p[99], 0x5a);
  const size_t usable = secret_usable_size(p);
  memset(p, 0x5a, usable);
  OPENSSL_free(p);
  for (size_t i = 0; i < usable; ++i) ASSERT_EQ(p[i], 0) << i;
}

// OpenSSL's own objects: a cipher context holding a key.
TEST(OpenSslHeapHooksTest, OpenSslObjectsLiveInTheArena) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ASSERT_NE(ctx, nullptr);
  EXPECT_TRUE(secret_is_arena_block(ctx));
  EVP_CIPHER_CTX_free(ctx);
}

}  // namespace
}  // namespace secret_test
