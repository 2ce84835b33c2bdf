// Finding every needle of a key log in a buffer, in one pass.
#ifndef SECRETMODE_KEYSCAN_NEEDLE_MATCHER_H_
#define SECRETMODE_KEYSCAN_NEEDLE_MATCHER_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "keyscan/needles.h"

namespace keyscan {

// NeedleMatcher searches a buffer for all needles at once: each offset costs
// one 8-byte load and a filter test, whatever the number of needles (a
// process of a few GB and a key log of thousands of connections is one pass,
// not one pass per needle).
class NeedleMatcher {
 public:
  // NeedleMatcher builds the index of `needles`, keeping a reference to the
  // vector, which the caller owns and which must outlive the matcher and
  // not change. Needles shorter than 8 bytes are never reported (key-log
  // needles are 12 to 48 bytes). Allocates (the index, 8 KiB of filter);
  // not async-signal-safe.
  //
  // WARNING: the matcher's index holds the first 8 bytes of every needle in
  // the heap; WipeIndex (and the destructor) erase them, but a reallocation
  // while building may leave freed partial copies.
  explicit NeedleMatcher(const std::vector<Needle>& needles);
  ~NeedleMatcher();
  NeedleMatcher(const NeedleMatcher&) = delete;
  NeedleMatcher& operator=(const NeedleMatcher&) = delete;

  // MaxLength returns the longest indexed needle's length in bytes (0 when
  // no needle is at least 8 bytes long): callers that feed a stream in
  // chunks carry MaxLength() - 1 bytes from one chunk to the next. It is
  // fixed at construction (WipeIndex does not change it). Thread-safe and
  // async-signal-safe.
  //
  // WARNING: it counts only the needles the index holds; shorter ones are
  // not searched at all.
  size_t MaxLength() const { return max_length_; }

  // Search appends to *out a (needle index, offset) pair for every
  // occurrence of a needle in data[0, len), in offset order, except those
  // that end within data[0, carried) (already reported for the previous
  // chunk). Thread-safe for concurrent calls (const), but not with
  // WipeIndex. Never copies `data`; `out` is owned by the caller, and
  // growing it allocates, so not async-signal-safe.
  //
  // WARNING: it finds exact copies only: a secret split across two
  // non-adjacent places, XOR-masked or encrypted is not found.
  void Search(const uint8_t* data, size_t len, size_t carried,
              std::vector<std::pair<size_t, uint64_t>>* out) const;

  // WipeIndex overwrites the needle prefixes the index holds and clears the
  // filter; Search finds nothing afterwards. The destructor calls it.
  // Idempotent. Not thread-safe: it writes the index that Search reads, so
  // it must not run concurrently with Search or another WipeIndex (the
  // caller orders them, e.g. wipes after every searching thread joined).
  // Not async-signal-safe (frees).
  //
  // WARNING: it wipes only the matcher's own index: the needles themselves
  // (owned by the caller, see WipeNeedles) and any copies a Search caller
  // made are untouched.
  void WipeIndex();

 private:
  static constexpr unsigned kFilterBits = 16;
  const std::vector<Needle>& needles_;
  size_t max_length_ = 0;
  // (first 8 bytes of a needle, needle index), sorted by prefix.
  std::vector<std::pair<uint64_t, size_t>> index_;
  // Bit h(prefix) is set for every needle prefix.
  std::vector<uint64_t> filter_;
};

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_NEEDLE_MATCHER_H_
