// hex.cc: see hex.h.
#include "keyscan/hex.h"

#include <openssl/crypto.h>

namespace keyscan {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool DecodeHex(std::string_view hex, std::vector<uint8_t>* out,
               std::string* why) {
  if (hex.size() % 2 != 0) {
    *why = "odd number of hex digits (" + std::to_string(hex.size()) + ")";
    return false;
  }
  out->assign(hex.size() / 2, 0);
  for (size_t i = 0; i < out->size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      OPENSSL_cleanse(out->data(), out->size());
      out->clear();
      *why = "not a hex digit at position " +
             std::to_string(2 * i + (hi < 0 ? 0 : 1) + 1);
      return false;
    }
    (*out)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

std::string ToHex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
}

}  // namespace keyscan
