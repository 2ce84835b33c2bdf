// secret_holders.h: functions that leave a secret where f's call tree would:
// in locals, arrays, registers spilled to the stack, and frames below large
// untouched holes. Out of line and never inlined, so each has real frames.

#ifndef SECRETMODE_TESTS_SECRET_HOLDERS_H_
#define SECRETMODE_TESTS_SECRET_HOLDERS_H_

#include <stddef.h>
#include <stdint.h>

namespace secret_test {

// HoldInLocals copies the 32-byte `secret` into a local array and its four
// words into registers that are forced to spill to the stack, then returns
// a value depending on all of them (so nothing is optimized away).
uint64_t HoldInLocals(const uint8_t* secret);

// HoldBelowHole reserves a 256 KiB local array it never writes, then calls
// HoldInLocals below it: a method that stops at the first long zero run above
// the deepest write would miss the secret.
uint64_t HoldBelowHole(const uint8_t* secret);

// DirtyStack writes `bytes` of non-zero data into a local array (alloca) and
// returns a value depending on it.
uint64_t DirtyStack(size_t bytes);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SECRET_HOLDERS_H_
