#include "tests/support/byte_search.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// The haystack is arbitrary process memory (redzones, freed blocks, other
// threads' stacks); sanitizer instrumentation of these loads would only
// produce false reports. Keep every function that dereferences it here.
#define SECRET_TEST_RAW_MEMORY \
  __attribute__((no_sanitize("address", "hwaddress", "thread")))

namespace secret_test {
namespace {

// Hand-written instead of memcmp so that no sanitizer interceptor sees it.
SECRET_TEST_RAW_MEMORY bool EqualBytes(const uint8_t* a, const uint8_t* b,
                                       size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Portable tail/fallback: first and last byte filter, then full compare.
SECRET_TEST_RAW_MEMORY bool SearchScalar(const uint8_t* hay, size_t begin,
                                         size_t hay_len, const uint8_t* needle,
                                         size_t n, MatchCallback on_match,
                                         void* context) {
  const uint8_t first = needle[0];
  const uint8_t last = needle[n - 1];
  for (size_t i = begin; i + n <= hay_len; ++i) {
    if (hay[i] == first && hay[i + n - 1] == last &&
        EqualBytes(hay + i + 1, needle + 1, n > 2 ? n - 2 : 0)) {
      if (!on_match(context, i)) return false;
    }
  }
  return true;
}

}  // namespace

SECRET_TEST_RAW_MEMORY bool SearchInPlace(const uint8_t* hay, size_t hay_len,
                                          const uint8_t* needle, size_t n,
                                          MatchCallback on_match,
                                          void* context) {
  if (n == 0 || hay_len < n) return true;
  size_t i = 0;
#if defined(__SSE2__)
  // Compare 16 candidate positions at once on first and last needle byte
  // (the "generic SIMD" substring filter); random secrets rarely survive
  // both, so the full compare runs on almost no positions.
  const __m128i first = _mm_set1_epi8(static_cast<char>(needle[0]));
  const __m128i last = _mm_set1_epi8(static_cast<char>(needle[n - 1]));
  for (; i + n - 1 + 16 <= hay_len; i += 16) {
    const __m128i block_first =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i));
    const __m128i block_last =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + n - 1));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
        _mm_cmpeq_epi8(first, block_first), _mm_cmpeq_epi8(last, block_last))));
    while (mask != 0) {
      const size_t pos = i + static_cast<size_t>(__builtin_ctz(mask));
      if (EqualBytes(hay + pos + 1, needle + 1, n > 2 ? n - 2 : 0) &&
          !on_match(context, pos)) {
        return false;
      }
      mask &= mask - 1;
    }
  }
#endif
  return SearchScalar(hay, i, hay_len, needle, n, on_match, context);
}

}  // namespace secret_test
