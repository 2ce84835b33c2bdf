#include "bazel/selftest/selftest_lib.h"

#include <memory>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

TEST(SelftestTest, Sum) {
  EXPECT_EQ(selftest::Sum(""), 0u);
  EXPECT_EQ(selftest::Sum("\x01\x02\x03"), 6u);
}

TEST(SelftestTest, GmockMatchers) {
  EXPECT_THAT(selftest::SanitizerName(),
              testing::AnyOf(testing::StrEq("none"), testing::StrEq("asan"),
                             testing::StrEq("tsan")));
}

TEST(SelftestTest, ThreadsAndHeap) {
  auto value = std::make_unique<uint64_t>(0);
  std::thread t([&] { *value = selftest::Sum("ab"); });
  t.join();
  EXPECT_EQ(*value, uint64_t{'a' + 'b'});
}

}  // namespace
