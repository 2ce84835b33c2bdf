// Assertions of fuzz targets: the properties a parser promises (beyond not
// crashing), checked on every input.
#ifndef SECRETMODE_FUZZ_FUZZ_CHECK_H_
#define SECRETMODE_FUZZ_FUZZ_CHECK_H_

// FUZZ_CHECK(condition) aborts with the condition's text, file and line
// when `condition` is false. libFuzzer records the input as a crash
// (SIGABRT), and a corpus test replaying it fails. Kept in every build
// (unlike assert, which NDEBUG removes).
#define FUZZ_CHECK(condition)                                   \
  ((condition) ? static_cast<void>(0)                           \
               : ::fuzz::CheckFailed(#condition, __FILE__, __LINE__))

namespace fuzz {

// CheckFailed prints "FUZZ_CHECK failed: CONDITION at FILE:LINE" to stderr
// and aborts. Called by FUZZ_CHECK only.
[[noreturn]] void CheckFailed(const char* condition, const char* file,
                              int line);

}  // namespace fuzz

#endif  // SECRETMODE_FUZZ_FUZZ_CHECK_H_
