// needle_matcher.cc: see needle_matcher.h.
#include "keyscan/needle_matcher.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

#include "keyscan/file_io.h"

namespace keyscan {
namespace {

constexpr size_t kPrefix = sizeof(uint64_t);

// Fibonacci hashing: the top bits of a multiplication mix all input bits.
unsigned FilterSlot(uint64_t prefix, unsigned bits) {
  return static_cast<unsigned>((prefix * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

}  // namespace

NeedleMatcher::NeedleMatcher(const std::vector<Needle>& needles)
    : needles_(needles), filter_(size_t{1} << (kFilterBits - 6), 0) {
  for (size_t i = 0; i < needles.size(); ++i) {
    const std::vector<uint8_t>& bytes = needles[i].bytes;
    if (bytes.size() < kPrefix) continue;
    max_length_ = std::max(max_length_, bytes.size());
    const uint64_t prefix = Load64(bytes.data());
    index_.emplace_back(prefix, i);
    const unsigned slot = FilterSlot(prefix, kFilterBits);
    filter_[slot >> 6] |= uint64_t{1} << (slot & 63);
  }
  std::sort(index_.begin(), index_.end());
}

NeedleMatcher::~NeedleMatcher() { WipeIndex(); }

void NeedleMatcher::WipeIndex() {
  if (!index_.empty()) {
    OPENSSL_cleanse(index_.data(), index_.size() * sizeof(index_[0]));
  }
  index_.clear();
  std::fill(filter_.begin(), filter_.end(), 0);
}

void NeedleMatcher::Search(
    const uint8_t* data, size_t len, size_t carried,
    std::vector<std::pair<size_t, uint64_t>>* out) const {
  if (index_.empty() || len < kPrefix) return;
  const uint64_t* filter = filter_.data();
  for (size_t i = 0; i + kPrefix <= len; ++i) {
    const uint64_t prefix = Load64(data + i);
    const unsigned slot = FilterSlot(prefix, kFilterBits);
    if ((filter[slot >> 6] >> (slot & 63) & 1) == 0) continue;
    auto it = std::lower_bound(
        index_.begin(), index_.end(), prefix,
        [](const std::pair<uint64_t, size_t>& e, uint64_t p) {
          return e.first < p;
        });
    for (; it != index_.end() && it->first == prefix; ++it) {
      const std::vector<uint8_t>& bytes = needles_[it->second].bytes;
      if (i + bytes.size() > len || i + bytes.size() <= carried) continue;
      if (std::memcmp(data + i + kPrefix, bytes.data() + kPrefix,
                      bytes.size() - kPrefix) == 0) {
        out->emplace_back(it->second, i);
      }
    }
  }
}

}  // namespace keyscan
