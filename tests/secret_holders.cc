// secret_holders.cc: see secret_holders.h.

#include "tests/secret_holders.h"

#include <alloca.h>
#include <string.h>

namespace secret_test {

__attribute__((noinline)) uint64_t HoldInLocals(const uint8_t* secret) {
  volatile uint8_t local[32];
  for (int i = 0; i < 32; ++i) local[i] = secret[i];
  uint64_t w0, w1, w2, w3;
  memcpy(&w0, secret, 8);
  memcpy(&w1, secret + 8, 8);
  memcpy(&w2, secret + 16, 8);
  memcpy(&w3, secret + 24, 8);
  asm volatile("" : "+r"(w0), "+r"(w1), "+r"(w2), "+r"(w3));
#if defined(__x86_64__)
  // Every general register is clobbered here, so the words must be spilled.
  asm volatile("" ::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
               "r10", "r11", "r12", "r13", "r14", "r15", "memory");
#elif defined(__aarch64__)
  asm volatile("" ::: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
               "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
               "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26",
               "x27", "x28", "x30", "memory");
#endif
  asm volatile("" : "+r"(w0), "+r"(w1), "+r"(w2), "+r"(w3));
  return w0 ^ w1 ^ w2 ^ w3 ^ local[0] ^ local[31];
}

__attribute__((noinline)) uint64_t HoldBelowHole(const uint8_t* secret) {
  uint8_t hole[256 * 1024];
  // The address escapes, so the array is really reserved, but no byte of it
  // is written.
  asm volatile("" : : "r"(hole) : "memory");
  return HoldInLocals(secret) + reinterpret_cast<uintptr_t>(hole) % 2;
}

__attribute__((noinline)) uint64_t DirtyStack(size_t bytes) {
  volatile uint8_t* area = static_cast<volatile uint8_t*>(alloca(bytes));
  for (size_t i = 0; i < bytes; ++i) area[i] = static_cast<uint8_t>(i | 1);
  return area[0] + area[bytes - 1];
}

}  // namespace secret_test
