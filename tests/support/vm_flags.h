// The kernel's VmFlags of this process's own mappings, for tests of how
// secretmode maps its memory.
#ifndef SECRETMODE_TESTS_SUPPORT_VM_FLAGS_H_
#define SECRETMODE_TESTS_SUPPORT_VM_FLAGS_H_

#include <cstdint>
#include <string>

namespace secret_test {

// VmFlagsOf returns the "VmFlags:" line of this process's mapping that
// contains `address`, with a space appended so that a flag can be searched
// as " dd ", or "" when no mapping contains it or /proc/self/smaps cannot
// be read.
std::string VmFlagsOf(uintptr_t address);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_VM_FLAGS_H_
