// The memory class of a segment of a core file (see residue.h).
#ifndef SECRETMODE_KEYSCAN_CORE_MEMORY_CLASS_H_
#define SECRETMODE_KEYSCAN_CORE_MEMORY_CLASS_H_

#include <string>

#include "keyscan/core_file.h"
#include "keyscan/residue.h"

namespace keyscan {

// ClassifyCoreSegment returns the class of `segment` of `core` and sets
// *where to a description ("0x7f..-0x7f.. rw- /usr/lib/libssl.so.3",
// plus " thread TID" for a thread stack). A core names no anonymous
// mapping, so: the segment holding the stack pointer of the process's
// main thread (its TID equals the PID in NT_PRPSINFO; the first
// NT_PRSTATUS when that note is absent) is the main stack; one holding
// another thread's stack pointer is that thread's stack; a segment that
// NT_FILE lists is file-backed; everything else is "anonymous" (the heap
// included). Thread-safe.
//
// WARNING: secretmode's secret stacks and arena are MADV_DONTDUMP: the
// kernel and gcore leave them out of cores, so they never appear here (a
// secret that sits only there is not in the core at all).
MemoryClass ClassifyCoreSegment(const CoreSegment& segment,
                                const CoreFile& core, std::string* where);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_CORE_MEMORY_CLASS_H_
