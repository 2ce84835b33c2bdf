// What every scan (process or core file) takes besides its target.
#ifndef SECRETMODE_KEYSCAN_SCAN_SETTINGS_H_
#define SECRETMODE_KEYSCAN_SCAN_SETTINGS_H_

#include <cstddef>
#include <cstdio>

namespace keyscan {

struct ScanSettings {
  // Where progress lines go; nullptr for none.
  std::FILE* progress = nullptr;
  // A scan stops recording residues beyond this many (ScanResult::truncated
  // says so); the exit status is then still "residues found".
  size_t max_residues = 100000;
};

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_SCAN_SETTINGS_H_
