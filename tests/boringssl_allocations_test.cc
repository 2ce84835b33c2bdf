// boringssl_allocations_test.cc: every allocation BoringSSL makes during a
// TLS connection goes through its allocation hooks, which
// //shim/boringssl:memory_hooks binds to the secret arena -- none reaches the
// C library's allocator some other way.
//
// The test is linked with --wrap for OPENSSL_memory_alloc (the hook) and for
// every allocation function of the C and C++ libraries (malloc, calloc,
// realloc, aligned_alloc, posix_memalign, operator new): in this statically
// linked program, each call made from BoringSSL's (or any other linked)
// object files reaches a counting wrapper. Only BoringSSL's code runs in the
// measured phases, so hook calls count BoringSSL's allocations and any other
// allocation call is one that bypassed the hooks (stock BoringSSL's record
// buffers did, before patches/boringssl/0002).

#include <stdlib.h>

#include <openssl/aead.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <new>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "secret/secret_c.h"
#include "tests/support/tls_pair.h"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_hook_allocations{0};
std::atomic<long> g_other_allocations{0};

void CountOther() {
  if (g_counting.load(std::memory_order_relaxed)) ++g_other_allocations;
}

}  // namespace

extern "C" {

void* __real_OPENSSL_memory_alloc(size_t size);
void* __wrap_OPENSSL_memory_alloc(size_t size) {
  void* block = __real_OPENSSL_memory_alloc(size);
  if (g_counting.load(std::memory_order_relaxed)) {
    ++g_hook_allocations;
    // The hook's block is an arena block.
    if (block != nullptr && !secret_is_arena_block(block)) abort();
  }
  return block;
}

void* __real_malloc(size_t size);
void* __wrap_malloc(size_t size) {
  CountOther();
  return __real_malloc(size);
}

void* __real_calloc(size_t n, size_t size);
void* __wrap_calloc(size_t n, size_t size) {
  CountOther();
  return __real_calloc(n, size);
}

void* __real_realloc(void* p, size_t size);
void* __wrap_realloc(void* p, size_t size) {
  CountOther();
  return __real_realloc(p, size);
}

void* __real_aligned_alloc(size_t alignment, size_t size);
void* __wrap_aligned_alloc(size_t alignment, size_t size) {
  CountOther();
  return __real_aligned_alloc(alignment, size);
}

int __real_posix_memalign(void** out, size_t alignment, size_t size);
int __wrap_posix_memalign(void** out, size_t alignment, size_t size) {
  CountOther();
  return __real_posix_memalign(out, alignment, size);
}

// operator new(size_t) and operator new[](size_t).
void* __real__Znwm(size_t size);
void* __wrap__Znwm(size_t size) {
  CountOther();
  return __real__Znwm(size);
}
void* __real__Znam(size_t size);
void* __wrap__Znam(size_t size) {
  CountOther();
  return __real__Znam(size);
}

}  // extern "C"

namespace secret_test {
namespace {

struct Counts {
  long hook = 0;
  long other = 0;
};

template <typename Phase>
Counts CountDuring(Phase phase) {
  g_hook_allocations = 0;
  g_other_allocations = 0;
  g_counting = true;
  phase();
  g_counting = false;
  return {g_hook_allocations.load(), g_other_allocations.load()};
}

void ExpectOnlyHookAllocations(int version, const char* group) {
  TlsPairOptions options;
  options.version = version;
  options.group = group;
  // Built before counting: the harness's own strings are not BoringSSL's.
  const std::string request(20000, 'q'), reply(20000, 'r');
  std::string error;
  TlsPair pair;
  bool ok = true;
  const Counts setup = CountDuring([&] { ok = pair.Open(options, &error); });
  ASSERT_TRUE(ok) << error;
  const Counts handshake =
      CountDuring([&] { ok = pair.Handshake(&error); });
  ASSERT_TRUE(ok) << error;
  const Counts records = CountDuring([&] {
    ok = pair.Transfer(true, request, &error) &&
         pair.Transfer(false, reply, &error);
  });
  ASSERT_TRUE(ok) << error;
  const Counts teardown = CountDuring([&] {
    ok = pair.Shutdown(&error);
    pair.Free();
  });
  ASSERT_TRUE(ok) << error;
  printf("hook allocations: setup %ld, handshake %ld, records %ld, teardown "
         "%ld\n",
         setup.hook, handshake.hook, records.hook, teardown.hook);
  EXPECT_GT(setup.hook, 0);
  EXPECT_GT(handshake.hook, 10);
  EXPECT_EQ(setup.other, 0) << "certificate and contexts";
  EXPECT_EQ(handshake.other, 0) << "handshake";
  EXPECT_EQ(records.other, 0) << "records";
  EXPECT_EQ(teardown.other, 0) << "teardown";
}

TEST(BoringSslAllocationsTest, Tls13GoesThroughTheHooksOnly) {
  ExpectOnlyHookAllocations(TLS1_3_VERSION, "X25519");
}

TEST(BoringSslAllocationsTest, Tls12GoesThroughTheHooksOnly) {
  ExpectOnlyHookAllocations(TLS1_2_VERSION, "X25519:P-256");
}

// The error queue: a thread's first error allocates its queue, and errors
// with data allocate their strings; this release already uses
// OPENSSL_malloc for both (crypto/err/err.c), so they go through the hooks.
TEST(BoringSslAllocationsTest, ErrorQueueGoesThroughTheHooksOnly) {
  Counts c;
  std::thread fresh([&] {
    c = CountDuring([] {
      EVP_AEAD_CTX ctx;
      const uint8_t short_key[3] = {1, 2, 3};
      // A refused key length puts an error on this thread's new queue.
      if (EVP_AEAD_CTX_init(&ctx, EVP_aead_aes_128_gcm(), short_key,
                            sizeof(short_key), 16, nullptr)) {
        abort();
      }
      ERR_add_error_data(1, "with data");
      ERR_clear_error();
    });
  });
  fresh.join();
  EXPECT_GT(c.hook, 0) << "the queue was allocated";
  EXPECT_EQ(c.other, 0);
}

// The counting wrappers see allocations made from linked object files (the
// proof that a bypass would be counted).
TEST(BoringSslAllocationsTest, TheWrappersSeeDirectAllocations) {
  const Counts c = CountDuring([] {
    void* volatile p = malloc(64);
    free(p);
    int* volatile q = new int(1);
    delete q;
  });
  EXPECT_EQ(c.other, 2);
  EXPECT_EQ(c.hook, 0);
}

}  // namespace
}  // namespace secret_test
