// The memory class of a mapping of a live process (see residue.h).
#ifndef SECRETMODE_KEYSCAN_PROCESS_MEMORY_CLASS_H_
#define SECRETMODE_KEYSCAN_PROCESS_MEMORY_CLASS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "keyscan/proc_maps.h"
#include "keyscan/residue.h"
#include "keyscan/thread_stacks.h"

namespace keyscan {

// ClassifyProcessMapping returns the class of `region`, a mapping of process
// `pid` read from smaps (so that Region::vm_flags is set), and sets *where
// to a description ("0x7f..-0x7f.. rw-p [anon]", plus " thread TID" for a
// thread stack). In order:
//   - secretmode's memory, recognized by its madvise flags because this
//     library's kernels may lack CONFIG_ANON_VMA_NAME (no [anon:NAME]):
//     anonymous and "dd" (MADV_DONTDUMP) and "wf" (MADV_WIPEONFORK) is a
//     secret stack or secret signal stack; anonymous and "dd" without "wf"
//     is the secret arena;
//   - [heap]; [stack] or the mapping holding the stack pointer of thread
//     `pid` is the main stack; a mapping holding another thread's stack
//     pointer (`threads`) is that thread's stack;
//   - other anonymous memory; mappings of files; everything else ([vdso]).
// Thread-safe; allocates.
//
// WARNING: the secretmode classes are a heuristic: other software's
// MADV_DONTDUMP memory (e.g. sanitizer shadow) is reported as "secret
// arena", and with SECRETMODE_DONTDUMP=0 secretmode's memory is reported
// as "anonymous". Threads whose stack pointer is unknown (running, or no
// ptrace rights) leave their stacks "anonymous".
MemoryClass ClassifyProcessMapping(
    const Region& region, pid_t pid,
    const std::vector<ThreadStackPointer>& threads, std::string* where);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_PROCESS_MEMORY_CLASS_H_
