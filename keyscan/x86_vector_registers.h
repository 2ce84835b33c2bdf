// The x86-64 vector registers of a thread, whole, from its XSAVE image.
#ifndef SECRETMODE_KEYSCAN_X86_VECTOR_REGISTERS_H_
#define SECRETMODE_KEYSCAN_X86_VECTOR_REGISTERS_H_

#include <cstddef>
#include <cstdint>

namespace keyscan {

// The assembled image: zmm0..zmm31, 64 bytes each, in order.
constexpr size_t kX86VectorImageSize = 32 * 64;

// AssembleX86VectorRegisters rebuilds zmm0-31 from an XSAVE area in the
// standard (non-compacted) layout, as the NT_X86_XSTATE note of a Linux
// core holds it, into image[0, kX86VectorImageSize). XSAVE stores a
// register in pieces far apart — xmm_i (bits 0-127) in the legacy area,
// the upper halves of ymm_i and of zmm_i in their own components — so a
// 32-byte key in ymm3 is contiguous only in the rebuilt image. Components
// that XSTATE_BV marks as not saved are in their initial state (zero), and
// so are those the area is too small to hold. Returns false (image zeroed)
// when `size` is less than the legacy area and header (576 bytes).
// Thread- and async-signal-safe; no allocation.
//
// WARNING: the offsets are the architectural standard-format ones (AVX at
// 576, ZMM_Hi256 at 1152, Hi16_ZMM at 1664), which every x86-64 CPU with
// these features uses; image receives register contents, i.e. possibly
// secrets: the caller wipes it.
bool AssembleX86VectorRegisters(const uint8_t* xsave, size_t size,
                                uint8_t* image);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_X86_VECTOR_REGISTERS_H_
