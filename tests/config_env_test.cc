// config_env_test.cc: settings come from SECRETMODE_* environment variables
// (so a preloaded library can be tuned without code); bad values are named
// in a message and replaced by the default, never half-applied. This binary
// must not touch secretmode before the test sets the environment.

#include <stdlib.h>

#include <string>

#include "gtest/gtest.h"
#include "secret/secret.h"

namespace secret_test {
namespace {

TEST(ConfigEnvTest, ValidValuesApplyAndBadOnesAreReported) {
  setenv("SECRETMODE_STACK_SIZE", "256K", 1);
  setenv("SECRETMODE_SIGNAL_STACK_SIZE", "lots", 1);
  setenv("SECRETMODE_MLOCK", "0", 1);
  setenv("SECRETMODE_DONTDUMP", "2", 1);
  ::testing::internal::CaptureStderr();
  const secret::Config config = secret::GetConfig();
  const std::string messages = ::testing::internal::GetCapturedStderr();

  EXPECT_EQ(config.stack_size, 256u * 1024);
  EXPECT_EQ(config.signal_stack_size, 64u * 1024);  // the default
  EXPECT_EQ(config.lock_memory, 0);
  EXPECT_EQ(config.exclude_from_core_dumps, 1);  // the default
  EXPECT_NE(messages.find("ignoring SECRETMODE_SIGNAL_STACK_SIZE=\"lots\""),
            std::string::npos)
      << messages;
  EXPECT_NE(messages.find("ignoring SECRETMODE_DONTDUMP=\"2\""),
            std::string::npos)
      << messages;
  EXPECT_EQ(messages.find("SECRETMODE_STACK_SIZE=\""), std::string::npos);

  // The settings reach the stacks: no locking was asked for.
  secret::Do([] {});
  const secret::ThreadStats stats = secret::GetThreadStats();
  EXPECT_EQ(stats.stack_locked, 0);
  EXPECT_EQ(stats.signal_stack_locked, 0);
  EXPECT_EQ(stats.signal_stack_size, 64u * 1024);
}

}  // namespace
}  // namespace secret_test
