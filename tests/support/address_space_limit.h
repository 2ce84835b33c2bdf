// address_space_limit.h: making the next mmap of a secret stack fail, for
// tests of what happens when secret mode cannot be set up. RLIMIT_AS is
// process-wide: call these only in a child process (a death test's, or a
// forked one) that is about to exit.

#ifndef SECRETMODE_TESTS_SUPPORT_ADDRESS_SPACE_LIMIT_H_
#define SECRETMODE_TESTS_SUPPORT_ADDRESS_SPACE_LIMIT_H_

#include <stddef.h>

namespace secret_test {

// AddressSpaceLimitIsEnforced returns whether RLIMIT_AS stops an mmap here:
// qemu-user keeps the limit to itself (it would constrain the emulator).
// Tried in a forked child, which may ruin its own address space.
bool AddressSpaceLimitIsEnforced();

// LimitAddressSpace sets RLIMIT_AS to the address space in use now plus
// `headroom` bytes: enough for small allocations, too little for a secret
// stack when `headroom` is a few hundred KiB. Returns false if the limit
// could not be set.
bool LimitAddressSpace(size_t headroom);

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_ADDRESS_SPACE_LIMIT_H_
