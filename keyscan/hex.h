// Hexadecimal text to bytes and back, for key logs and reports.
#ifndef SECRETMODE_KEYSCAN_HEX_H_
#define SECRETMODE_KEYSCAN_HEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyscan {

// DecodeHex decodes `hex` (either case, no separators) into *out, which is
// sized once so that no reallocation leaves a partial copy of a secret in
// freed memory. Returns true on success. On failure it returns false, wipes
// and clears *out, and sets *why to a phrase such as "odd number of hex
// digits (63)" or "not a hex digit at position 5" (1-based). Thread-safe;
// not async-signal-safe (allocates).
//
// WARNING: the decoded bytes are a copy of whatever `hex` encodes; wiping
// them (and `hex`) is the caller's job.
bool DecodeHex(std::string_view hex, std::vector<uint8_t>* out,
               std::string* why);

// ToHex returns `bytes` as lower-case hex. Thread-safe; allocates.
//
// WARNING: the returned string is another copy of `bytes`; use it for
// public values (client randoms, addresses), not for secrets.
std::string ToHex(const std::vector<uint8_t>& bytes);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_HEX_H_
