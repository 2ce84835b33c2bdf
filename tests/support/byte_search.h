// In-place substring search over raw memory for the secret scanners.
//
// Why not memmem: under AddressSanitizer libc string functions are
// intercepted and range-checked, so scanning heap redzones or freed memory
// would be reported as a bug in the scanner. This search reads memory with
// uninstrumented loads, never copies the needle, and keeps only the needle's
// first and last byte in registers.
#ifndef SECRETMODE_TESTS_SUPPORT_BYTE_SEARCH_H_
#define SECRETMODE_TESTS_SUPPORT_BYTE_SEARCH_H_

#include <cstddef>
#include <cstdint>

namespace secret_test {

// Called with the offset of each match in the haystack; return false to stop.
using MatchCallback = bool (*)(void* context, size_t offset);

// Reports every (possibly overlapping) occurrence of needle[0, needle_len) in
// haystack[0, haystack_len), in increasing offset order. needle_len == 0
// reports nothing. Returns false if the callback stopped the search.
bool SearchInPlace(const uint8_t* haystack, size_t haystack_len,
                   const uint8_t* needle, size_t needle_len,
                   MatchCallback on_match, void* context);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_BYTE_SEARCH_H_
