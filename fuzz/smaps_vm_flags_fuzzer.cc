// Fuzzes keyscan's reading of /proc/PID/smaps (ParseMaps with the key
// lines: "Rss:" and the "VmFlags:" flags) and what keyscan concludes from
// the flags and names (ClassifyProcessMapping: secret stack, secret arena,
// heap, stacks, ...). Names come from the process under test.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "keyscan/proc_maps.h"
#include "keyscan/process_memory_class.h"
#include "keyscan/residue.h"
#include "keyscan/thread_stacks.h"

namespace {

bool HasFlag(const keyscan::Region& r, const char* flag) {
  return r.vm_flags.find(std::string(" ") + flag + " ") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<keyscan::Region> regions;
  std::string error;
  if (!keyscan::ParseMaps(text, "fuzz", &regions, &error)) return 0;

  // Threads whose stack pointers fall in the first mappings, as
  // ReadThreadStackPointers would report them for pid 100.
  const pid_t pid = 100;
  std::vector<keyscan::ThreadStackPointer> threads;
  for (size_t i = 0; i < regions.size() && i < 3; ++i) {
    threads.push_back({static_cast<pid_t>(pid + i), regions[i].start});
  }
  for (const keyscan::Region& r : regions) {
    // "with a space on each side", so that " dd " finds the flag dd.
    if (!r.vm_flags.empty()) FUZZ_CHECK(r.vm_flags.back() == ' ');
    std::string where;
    const keyscan::MemoryClass cls =
        keyscan::ClassifyProcessMapping(r, pid, threads, &where);
    FUZZ_CHECK(where.find(r.name) != std::string::npos);
    const bool anonymous = r.name.compare(0, 5, "[anon") == 0;
    if (cls == keyscan::MemoryClass::kSecretStack) {
      FUZZ_CHECK(anonymous && HasFlag(r, "dd") && HasFlag(r, "wf"));
    }
    if (cls == keyscan::MemoryClass::kSecretArena) {
      FUZZ_CHECK(anonymous && HasFlag(r, "dd") && !HasFlag(r, "wf"));
    }
    if (anonymous && HasFlag(r, "dd")) {
      FUZZ_CHECK(cls == keyscan::MemoryClass::kSecretStack ||
                 cls == keyscan::MemoryClass::kSecretArena);
    }
  }
  return 0;
}
