// boringssl_heap_hooks_test.cc: with patches/boringssl applied and
// //shim/boringssl:memory_hooks linked (what @boringssl//:crypto does), every
// block BoringSSL allocates comes from the secret arena, and what protects a
// freed block is the arena's zeroing: BoringSSL's own cleanse-on-free is off
// once the hooks are defined. A secret written into a BoringSSL block is
// found in memory while the block lives and nowhere once it is freed; the
// record buffers (patches/boringssl/0002) and the SSL objects come from the
// arena, and creating them takes nothing from the C library's heap.

#include <malloc.h>
#include <string.h>

#include <openssl/mem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <cstdint>

#include "gtest/gtest.h"
#include "secret/secret_c.h"
#include "tests/support/memory_scan.h"

namespace secret_test {
namespace {

TEST(BoringSslHeapHooksTest, OpensslMallocComesFromTheArena) {
  void* block = OPENSSL_malloc(100);
  ASSERT_NE(block, nullptr);
  EXPECT_TRUE(secret_is_arena_block(block));
  void* grown = OPENSSL_realloc(block, 5000);
  ASSERT_NE(grown, nullptr);
  EXPECT_TRUE(secret_is_arena_block(grown));
  OPENSSL_free(grown);
}

// The secret lives in a buffer the scan excludes; its only other copy is
// the one written into BoringSSL's block.
TEST(BoringSslHeapHooksTest, FreedBlockIsZeroedByTheArena) {
  uint8_t secret[32];
  RAND_bytes(secret, sizeof(secret));
  const uint64_t zeroed_before = [] {
    secret_arena_stats s;
    secret_get_arena_stats(&s);
    return s.bytes_zeroed;
  }();
  auto* block = static_cast<uint8_t*>(OPENSSL_malloc(64));
  ASSERT_NE(block, nullptr);
  memcpy(block, secret, sizeof(secret));
  EXPECT_EQ(FindInSelf(secret, sizeof(secret)).size(), 1u)
      << "the scan cannot see the live block";
  OPENSSL_free(block);
  EXPECT_TRUE(FindInSelf(secret, sizeof(secret)).empty())
      << "a freed BoringSSL block still holds the secret";
  secret_arena_stats after;
  secret_get_arena_stats(&after);
  EXPECT_GE(after.bytes_zeroed - zeroed_before, 64u)
      << "the arena did not zero the block";
}

// ClientHelloStep creates a context and a client, runs its first handshake
// step (the ClientHello is sealed into the write buffer, patches/boringssl/
// 0002, and written to `*out`), and returns the objects through the
// out-parameters. Returns false on an unexpected result.
bool ClientHelloStep(SSL_CTX** ctx_out, SSL** ssl_out, size_t* hello_bytes) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* ssl = ctx != nullptr ? SSL_new(ctx) : nullptr;
  *ctx_out = ctx;
  *ssl_out = ssl;
  if (ssl == nullptr) return false;
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (in == nullptr || out == nullptr) return false;
  BIO_set_mem_eof_return(in, -1);  // empty input: "try again"
  SSL_set_bio(ssl, in, out);
  SSL_set_connect_state(ssl);
  const int ret = SSL_do_handshake(ssl);
  *hello_bytes = BIO_pending(out);
  return ret == -1 && SSL_get_error(ssl, ret) == SSL_ERROR_WANT_READ;
}

// SSL_CTX and SSL objects, and the record buffers an SSL object allocates,
// come from the arena; none of it from the C library's heap. One warm-up
// round first, so that one-time initialization outside BoringSSL's heap
// (the C library's own buffers) is not counted.
TEST(BoringSslHeapHooksTest, SslObjectsLiveInTheArena) {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  size_t hello = 0;
  ASSERT_TRUE(ClientHelloStep(&ctx, &ssl, &hello));
  SSL_free(ssl);
  SSL_CTX_free(ctx);

  secret_arena_stats before;
  secret_get_arena_stats(&before);
  const struct mallinfo2 heap_before = mallinfo2();
  const bool stepped = ClientHelloStep(&ctx, &ssl, &hello);
  const struct mallinfo2 heap_after = mallinfo2();
  secret_arena_stats during;
  secret_get_arena_stats(&during);

  EXPECT_TRUE(stepped);
  EXPECT_GT(hello, 0u) << "no ClientHello was written";
  EXPECT_TRUE(secret_is_arena_block(ctx));
  EXPECT_TRUE(secret_is_arena_block(ssl));
  EXPECT_GT(during.allocations - before.allocations, 10u);
  EXPECT_EQ(heap_after.uordblks, heap_before.uordblks)
      << "BoringSSL allocated from the C library's heap";
  SSL_free(ssl);
  SSL_CTX_free(ctx);
}

}  // namespace
}  // namespace secret_test
