#include "bazel/selftest/selftest_lib.h"

namespace selftest {

uint64_t Sum(std::string_view data) {
  uint64_t sum = 0;
  for (unsigned char c : data) sum += c;
  return sum;
}

const char* SanitizerName() {
#if defined(__SANITIZE_ADDRESS__)
  return "asan";
#elif defined(__SANITIZE_THREAD__)
  return "tsan";
#else
  return "none";
#endif
}

}  // namespace selftest
