// Fuzzes the shims' level setting (SECRETMODE_SHIM_LEVELS and
// secret_shim_set_levels, which share one parser): "none", or level names
// (libssl, libcrypto) separated by commas. The environment variable is the
// text of whoever starts a program the shim is preloaded into.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "shim/secret_shim.h"
#include "shim/shim_runtime.h"

// Defined by each shim (shim_runtime.h); this harness links the levels
// without a shim, and only the report of a failed secret_do names it.
namespace secret_shim {
const char* ShimLibraryName() { return "fuzz"; }
}  // namespace secret_shim

namespace {

// The grammar the parser implements: "none", or one or more of the level
// names, each separated from the next by one comma.
bool IsValidLevels(std::string_view text) {
  if (text == "none") return true;
  for (;;) {
    const size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    if (name != "libssl" && name != "libcrypto") return false;
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // What getenv gives: the text up to the first NUL.
  const std::string text(reinterpret_cast<const char*>(data),
                         strnlen(reinterpret_cast<const char*>(data), size));
  const std::string before = secret_shim_levels();
  const int rc = secret_shim_set_levels(text.c_str());
  FUZZ_CHECK(rc == 0 || rc == EINVAL);
  FUZZ_CHECK((rc == 0) == IsValidLevels(text));
  const std::string after = secret_shim_levels();
  if (rc != 0) FUZZ_CHECK(after == before);
  // What secret_shim_levels says is accepted back unchanged.
  FUZZ_CHECK(secret_shim_set_levels(after.c_str()) == 0);
  FUZZ_CHECK(secret_shim_levels() == after);
  // Each name sets its level: the result names exactly those present.
  if (rc == 0 && text != "none") {
    const bool ssl = ("," + text + ",").find(",libssl,") != std::string::npos;
    const bool crypto =
        ("," + text + ",").find(",libcrypto,") != std::string::npos;
    FUZZ_CHECK(after == (ssl && crypto ? "libssl,libcrypto"
                         : ssl         ? "libssl"
                                       : "libcrypto"));
  }
  return 0;
}
