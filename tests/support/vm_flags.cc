// vm_flags.cc: see vm_flags.h.
#include "tests/support/vm_flags.h"

#include <string>
#include <vector>

#include "keyscan/proc_maps.h"

namespace secret_test {

std::string VmFlagsOf(uintptr_t address) {
  std::vector<keyscan::Region> regions;
  std::string error;
  if (!keyscan::ReadMaps(0, /*with_rss=*/true, &regions, &error)) return "";
  const keyscan::Region* region = keyscan::FindRegion(regions, address);
  if (region == nullptr || region->vm_flags.empty()) return "";
  // Region::vm_flags is the line's value with a space on each side.
  return "VmFlags:" + region->vm_flags;
}

}  // namespace secret_test
