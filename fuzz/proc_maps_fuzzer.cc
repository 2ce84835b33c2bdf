// Fuzzes keyscan's /proc/PID/maps parser (ParseMaps) and what keyscan
// decides from each mapping line (IsScannable, FindRegion). The text comes
// from the kernel, but the names in it come from the process under test
// (file names, [anon:NAME]), and keyscan must not trust it beyond the
// format.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "keyscan/proc_maps.h"
#include "keyscan/process_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<keyscan::Region> regions;
  std::string error;
  if (!keyscan::ParseMaps(text, "fuzz", &regions, &error)) {
    FUZZ_CHECK(error.compare(0, 26, "cannot parse line of fuzz:") == 0);
    // One line of text for a terminal, whatever the input holds.
    for (const unsigned char c : error) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
    return 0;
  }
  for (size_t i = 0; i < regions.size(); ++i) {
    const keyscan::Region& r = regions[i];
    FUZZ_CHECK(r.start < r.end);
    FUZZ_CHECK(r.perms.size() == 4);
    FUZZ_CHECK(!r.name.empty());
    FUZZ_CHECK(i == 0 || regions[i - 1].start <= r.start);
    // Maps lines carry neither: only smaps' key lines set them.
    if (text.find(':') == std::string_view::npos) {
      FUZZ_CHECK(r.rss_kb == -1 && r.vm_flags.empty());
    }
    for (const bool readonly : {false, true}) {
      for (const bool no_access : {false, true}) {
        if (keyscan::IsScannable(r, readonly, no_access)) {
          FUZZ_CHECK(r.perms == "---p" || r.readable());
        }
      }
    }
    // Overlapping lines are not the kernel's: then only the answer's
    // consistency is checked.
    const keyscan::Region* found = keyscan::FindRegion(regions, r.start);
    if (found != nullptr) FUZZ_CHECK(found->contains(r.start));
    const keyscan::Region* below = keyscan::FindRegion(regions, r.end - 1);
    if (below != nullptr) FUZZ_CHECK(below->contains(r.end - 1));
  }
  return 0;
}
