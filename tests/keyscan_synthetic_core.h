// keyscan_synthetic_core.h: small hand-built x86-64 ELF core files for
// keyscan's tests: exact control over notes and segments, no gcore needed.

#ifndef SECRETMODE_TESTS_KEYSCAN_SYNTHETIC_CORE_H_
#define SECRETMODE_TESTS_KEYSCAN_SYNTHETIC_CORE_H_

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

namespace keyscan_test {

// SyntheticCore returns the bytes of a core file with one PT_NOTE holding a
// single "LINUX" note of type `note_type` and `note_desc` zero bytes, and
// one PT_LOAD at 0x10000 of 3 pages (p_memsz) of which the first `dumped`
// bytes are in the file, holding `secret` at offset 64. The defaults make
// an NT_X86_XSTATE note of 2 MiB, larger than keyscan parses.
std::string SyntheticCore(const std::vector<uint8_t>& secret,
                          uint64_t dumped = 0x1000,
                          size_t note_desc = size_t{2} << 20,
                          uint32_t note_type = 0x202 /* NT_X86_XSTATE */);

}  // namespace keyscan_test

#endif  // SECRETMODE_TESTS_KEYSCAN_SYNTHETIC_CORE_H_
