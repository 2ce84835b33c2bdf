#include "keyscan/proc_maps.h"

#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace keyscan {
namespace {

void CodeInThisExecutable() {}

TEST(ReadMapsTest, ParsesStackCodeAndRss) {
  std::vector<Region> regions;
  std::string error;
  ASSERT_TRUE(ReadMaps(0, /*with_rss=*/true, &regions, &error)) << error;
  int local = 0;
  const Region* stack =
      FindRegion(regions, reinterpret_cast<uintptr_t>(&local));
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->perms.substr(0, 2), "rw");
  EXPECT_GT(stack->rss_kb, 0);
  const Region* code =
      FindRegion(regions, reinterpret_cast<uintptr_t>(&CodeInThisExecutable));
  ASSERT_NE(code, nullptr);
  EXPECT_TRUE(code->executable());
  char exe[PATH_MAX] = {};
  ASSERT_GT(readlink("/proc/self/exe", exe, sizeof exe - 1), 0);
  EXPECT_EQ(code->name, exe);
}

}  // namespace
}  // namespace keyscan
