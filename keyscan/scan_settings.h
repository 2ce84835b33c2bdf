// What every scan (process or core file) takes besides its target.
#ifndef SECRETMODE_KEYSCAN_SCAN_SETTINGS_H_
#define SECRETMODE_KEYSCAN_SCAN_SETTINGS_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace keyscan {

struct ScanSettings {
  // Where progress lines go; nullptr for none.
  std::FILE* progress = nullptr;
  // A scan stops recording residues beyond this many (ScanResult::truncated
  // says so); the exit status is then still "residues found".
  size_t max_residues = 100000;
  // Process scans: query page residency (false acts as on a kernel
  // without PAGEMAP_SCAN and pagemap; for tests), and the largest partly
  // resident mapping read whole when residency is unknown (see
  // ProcessMemoryOptions).
  bool query_residency = true;
  uint64_t max_unknown_residency_bytes = uint64_t{64} << 20;
};

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_SCAN_SETTINGS_H_
