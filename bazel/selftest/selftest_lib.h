// Toolchain smoke test: a trivial library built with the project's macros.
#ifndef SECRETMODE_BAZEL_SELFTEST_SELFTEST_LIB_H_
#define SECRETMODE_BAZEL_SELFTEST_SELFTEST_LIB_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace selftest {

// Sum returns the sum of the bytes of `data` (uses C++17 std::string_view).
uint64_t Sum(std::string_view data);

// SanitizerName returns "asan", "tsan" or "none" depending on how this was compiled.
const char* SanitizerName();

}  // namespace selftest

#endif  // SECRETMODE_BAZEL_SELFTEST_SELFTEST_LIB_H_
