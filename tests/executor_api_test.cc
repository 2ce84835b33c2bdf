// executor_api_test.cc: Enabled, Supported, nesting, exceptions, longjmp,
// set-up failure and configuration of secret::Do and secret_do.

#include <setjmp.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"
#include "tests/support/address_space_limit.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

TEST(ExecutorApiTest, SupportedOnLinuxX8664AndArm64) {
#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
  EXPECT_TRUE(secret::Supported());
#else
  EXPECT_FALSE(secret::Supported());
#endif
}

TEST(ExecutorApiTest, EnabledOnlyInsideDo) {
  EXPECT_FALSE(secret::Enabled());
  bool inside = false, nested = false, after_nested = false;
  secret::Do([&] {
    inside = secret::Enabled();
    secret::Do([&] { nested = secret::Enabled(); });
    after_nested = secret::Enabled();
  });
  EXPECT_TRUE(inside);
  EXPECT_TRUE(nested);
  EXPECT_TRUE(after_nested);
  EXPECT_FALSE(secret::Enabled());
}

TEST(ExecutorApiTest, EnabledIsPerThread) {
  bool other_thread_saw = true;
  secret::Do([&] {
    // std::thread inside Do inherits secret mode; a thread that was already
    // running does not. Use a thread started before Do.
  });
  std::thread other([&] { other_thread_saw = secret::Enabled(); });
  secret::Do([&] {});
  other.join();
  EXPECT_FALSE(other_thread_saw);
}

TEST(ExecutorApiTest, NestedDoRunsInPlaceAndOutermostErases) {
  NewTestSecret();
  const uint64_t calls = secret::GetThreadStats().calls;
  secret::Do([] {
    secret::Do([] { g_sink = HoldInLocals(TestSecret()); });
    // The inner call erased nothing yet: the outermost one will.
  });
  EXPECT_EQ(secret::GetThreadStats().calls, calls + 1);
  EXPECT_TRUE(FindResidueInSelf().empty());
}

TEST(ExecutorApiTest, CApiRunsFunctionWithArgument) {
  int value = 0;
  EXPECT_EQ(secret_do([](void* p) { *static_cast<int*>(p) = 42; }, &value), 0);
  EXPECT_EQ(value, 42);
  EXPECT_EQ(secret_enabled(), 0);
}

struct SecretError : std::runtime_error {
  explicit SecretError(int code) : std::runtime_error("failed"), code(code) {}
  int code;
};

TEST(ExecutorApiTest, ExceptionIsRethrownUnchangedAfterErasure) {
  NewTestSecret();
  try {
    secret::Do([] {
      g_sink = HoldInLocals(TestSecret());
      throw SecretError(7);
    });
    FAIL() << "no exception";
  } catch (const SecretError& e) {
    EXPECT_EQ(e.code, 7);
    EXPECT_STREQ(e.what(), "failed");
    EXPECT_FALSE(secret::Enabled());
  }
  EXPECT_TRUE(FindResidueInSelf().empty()) << FindResidueInSelf().Describe();
}

TEST(ExecutorApiTest, ExceptionThroughCApiIsRethrown) {
  EXPECT_THROW(secret_do([](void*) { throw std::out_of_range("x"); }, nullptr),
               std::out_of_range);
  // The thread is usable afterwards.
  int ran = 0;
  secret::Do([&] { ran = 1; });
  EXPECT_EQ(ran, 1);
}

TEST(ExecutorApiTest, ExceptionFromNestedDoReachesOutermostCatch) {
  bool caught_inside = false;
  secret::Do([&] {
    try {
      secret::Do([] { throw std::logic_error("inner"); });
    } catch (const std::logic_error&) {
      caught_inside = true;
    }
  });
  EXPECT_TRUE(caught_inside);
}

jmp_buf g_jump;

// longjmp out of f abandons the call: Enabled is false again at once, and
// the stack, still dirty, is erased at the thread's next Do.
TEST(ExecutorApiTest, LongjmpOutOfDoIsErasedAtNextDo) {
  NewTestSecret();
  const uint64_t deferred = secret::GetThreadStats().deferred_erasures;
  if (setjmp(g_jump) == 0) {
    secret_do(
        [](void*) {
          // Live in this frame, so longjmp's own frames cannot overwrite it.
          volatile uint8_t live[kSecretSize];
          for (size_t i = 0; i < kSecretSize; ++i) live[i] = TestSecret()[i];
          g_sink = HoldInLocals(TestSecret()) + live[0];
          longjmp(g_jump, 1);
        },
        nullptr);
    FAIL() << "longjmp did not leave";
  }
  EXPECT_FALSE(secret::Enabled());
  EXPECT_FALSE(FindResidueInSelf().empty())
      << "an abandoned call is only erased at the next Do";
  secret::Do([] {});
  EXPECT_EQ(secret::GetThreadStats().deferred_erasures, deferred + 1);
  EXPECT_TRUE(FindResidueInSelf().empty()) << FindResidueInSelf().Describe();
}

// When the stacks cannot be mapped, Do reports it and never runs f
// unprotected. Run in a child limited to little address space.
TEST(ExecutorApiDeathTest, SetUpFailureIsReportedAndFunctionNotRun) {
  if (!AddressSpaceLimitIsEnforced()) {
    GTEST_SKIP() << "RLIMIT_AS is not enforced here (qemu-user)";
  }
  EXPECT_EXIT(
      {
        std::thread worker([] {
          // Leave 256 KiB of address space: enough for small allocations,
          // too little for a 1 MiB secret stack.
          if (!LimitAddressSpace(256 * 1024)) _exit(6);
          bool ran = false;
          try {
            secret::Do([&] { ran = true; });
          } catch (const std::system_error& e) {
            _exit(!ran && e.code().value() == ENOMEM ? 3 : 4);
          }
          _exit(5);
        });
        worker.join();
      },
      ::testing::ExitedWithCode(3), "");
}

TEST(ExecutorApiTest, StatsDescribeTheThread) {
  secret::Do([] {});
  const secret::ThreadStats stats = secret::GetThreadStats();
  EXPECT_EQ(stats.has_stacks, 1);
  EXPECT_GE(stats.calls, 1u);
  EXPECT_GE(stats.stack_reserved, secret::GetConfig().stack_size);
  EXPECT_GT(stats.stack_committed, 0u);
  EXPECT_GE(stats.signal_stack_size, 16u * 1024);
}

TEST(ExecutorApiTest, SetConfigRejectsOutOfRangeSizes) {
  const secret::Config original = secret::GetConfig();
  secret::Config bad = original;
  bad.stack_size = 1024;
  EXPECT_THROW(secret::SetConfig(bad), std::invalid_argument);
  bad = original;
  bad.signal_stack_size = size_t{1} << 40;
  EXPECT_THROW(secret::SetConfig(bad), std::invalid_argument);
  bad = original;
  bad.lock_memory = 7;
  EXPECT_EQ(secret_set_config(&bad), EINVAL);
  EXPECT_EQ(secret::GetConfig().stack_size, original.stack_size);
}

size_t ReservedOnNewThread(size_t stack_size) {
  const secret::Config original = secret::GetConfig();
  secret::Config config = original;
  config.stack_size = stack_size;
  secret::SetConfig(config);
  size_t reserved = 0;
  std::thread t([&] {
    secret::Do([] {});
    reserved = secret::GetThreadStats().stack_reserved;
  });
  t.join();
  secret::SetConfig(original);
  return reserved;
}

TEST(ExecutorApiTest, ConfiguredStackSizeAppliesToNewThreads) {
  const size_t small = ReservedOnNewThread(64 * 1024);
  const size_t large = ReservedOnNewThread(8 * 1024 * 1024);
  // Each reservation holds the configured size plus room that grows with it
  // (a quarter, for the top's slide); the difference follows the setting.
  EXPECT_GE(large - small, 8u * 1024 * 1024 - 64 * 1024);
  EXPECT_LE(large - small, 2 * (8u * 1024 * 1024 - 64 * 1024));
}

}  // namespace
}  // namespace secret_test
