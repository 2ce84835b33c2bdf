// Fuzzes keyscan's NSS key log parser (ParseKeyLog) and what keyscan does
// with a parsed log (NeedlesFromKeyLog: the HKDF derivations). A key log is
// untrusted: it is written by the TLS library of the program under test.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "keyscan/key_log.h"
#include "keyscan/needles.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<keyscan::KeyLogLine> lines;
  std::string error;
  const bool parsed = keyscan::ParseKeyLog(text, &lines, &error);
  if (parsed) {
    int previous_line = 0;
    for (const keyscan::KeyLogLine& line : lines) {
      FUZZ_CHECK(line.line_number > previous_line);
      previous_line = line.line_number;
      FUZZ_CHECK(line.client_random.size() == 32);
      if (line.kind == keyscan::LabelKind::kTls12Master) {
        FUZZ_CHECK(line.secret.size() == 48);
      } else {
        FUZZ_CHECK(line.secret.size() == 32 || line.secret.size() == 48);
      }
    }
  } else {
    FUZZ_CHECK(lines.empty());
    FUZZ_CHECK(error.compare(0, 13, "key log line ") == 0);
    // One line of text for a terminal, whatever the input holds.
    for (const unsigned char c : error) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
  }
  keyscan::WipeKeyLogLines(&lines);

  std::vector<keyscan::Needle> needles;
  std::string needles_error;
  const bool derived =
      keyscan::NeedlesFromKeyLog(text, &needles, &needles_error);
  // The derivations cannot fail on a log that parses.
  FUZZ_CHECK(derived == parsed);
  for (const keyscan::Needle& needle : needles) {
    const size_t n = needle.bytes.size();
    FUZZ_CHECK(n == 12 || n == 16 || n == 32 || n == 48);
    FUZZ_CHECK(needle.client_random_hex.size() == 64);
    FUZZ_CHECK(!needle.Describe().empty());
  }
  keyscan::WipeNeedles(&needles);
  return 0;
}
