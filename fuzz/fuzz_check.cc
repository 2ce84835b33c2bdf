// fuzz_check.cc: see fuzz_check.h.
#include "fuzz/fuzz_check.h"

#include <cstdio>
#include <cstdlib>

namespace fuzz {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "FUZZ_CHECK failed: %s at %s:%d\n", condition, file,
               line);
  std::abort();
}

}  // namespace fuzz
