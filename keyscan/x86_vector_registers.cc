// x86_vector_registers.cc: see x86_vector_registers.h.
#include "keyscan/x86_vector_registers.h"

#include <cstring>

namespace keyscan {
namespace {

constexpr size_t kLegacyXmm = 160;   // xmm0-15 in the FXSAVE area
constexpr size_t kXstateBv = 512;    // XSAVE header: which components
constexpr size_t kAvx = 576;         // component 2: ymm0-15 bits 128-255
constexpr size_t kZmmHi256 = 1152;   // component 6: zmm0-15 bits 256-511
constexpr size_t kHi16Zmm = 1664;    // component 7: zmm16-31 whole
constexpr size_t kHeaderEnd = 576;

bool Has(size_t size, size_t offset, size_t len) {
  return offset + len <= size;
}

}  // namespace

bool AssembleX86VectorRegisters(const uint8_t* xsave, size_t size,
                                uint8_t* image) {
  std::memset(image, 0, kX86VectorImageSize);
  if (size < kHeaderEnd) return false;
  uint64_t xstate_bv;
  std::memcpy(&xstate_bv, xsave + kXstateBv, sizeof(xstate_bv));
  // Bit 1 (SSE) clear means xmm0-15 are in their initial state; Linux
  // always writes the legacy area in a core, so it is read regardless.
  for (size_t i = 0; i < 16; ++i) {
    uint8_t* zmm = image + i * 64;
    std::memcpy(zmm, xsave + kLegacyXmm + i * 16, 16);
    if ((xstate_bv >> 2 & 1) && Has(size, kAvx, 256)) {
      std::memcpy(zmm + 16, xsave + kAvx + i * 16, 16);
    }
    if ((xstate_bv >> 6 & 1) && Has(size, kZmmHi256, 512)) {
      std::memcpy(zmm + 32, xsave + kZmmHi256 + i * 32, 32);
    }
  }
  if ((xstate_bv >> 7 & 1) && Has(size, kHi16Zmm, 1024)) {
    std::memcpy(image + 16 * 64, xsave + kHi16Zmm, 16 * 64);
  }
  return true;
}

}  // namespace keyscan
