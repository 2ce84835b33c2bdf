// shim_levels.cc: which levels the wrappers run in secret mode (see
// shim_runtime.h and secret_shim.h).

#include "shim/shim_runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>

#include "secret/secret_c.h"
#include "shim/secret_shim.h"

namespace secret_shim {
namespace {

std::atomic<bool> g_reported_unprotected{false};

// ParseLevels returns the level bits `text` names ("none", or level names
// each separated from the next by one comma), or -1.
int ParseLevels(const char* text) {
  if (strcmp(text, "none") == 0) return 0;
  int levels = 0;
  const char* p = text;
  for (;;) {
    const char* end = strchr(p, ',');
    const size_t len = end != nullptr ? static_cast<size_t>(end - p) : strlen(p);
    if (len == 6 && strncmp(p, "libssl", 6) == 0) {
      levels |= kLibssl;
    } else if (len == 9 && strncmp(p, "libcrypto", 9) == 0) {
      levels |= kLibcrypto;
    } else {
      return -1;  // also an empty name: "", ",libssl", "libssl,,libcrypto"
    }
    p += len;
    // A comma always introduces another name: "libssl," is rejected too.
    if (*p == '\0') return levels;
    ++p;
  }
}

// Servers such as nginx scrub the environment of the workers they fork: the
// levels and secretmode's own settings (stack and arena sizes, locking) are
// read here, in the process that loaded the shim, and inherited.
__attribute__((constructor)) void ReadSettingsAtStartup() {
  Levels();
  secret_config config;
  secret_get_config(&config);
}

}  // namespace

std::atomic<int> g_levels{kUnread};

int ReadLevels() {
  int levels = kLibssl | kLibcrypto;
  const char* text = getenv("SECRETMODE_SHIM_LEVELS");
  if (text != nullptr) {
    const int parsed = ParseLevels(text);
    if (parsed < 0) {
      fprintf(stderr,
              "secretmode: ignoring SECRETMODE_SHIM_LEVELS=\"%s\": expected "
              "libssl, libcrypto, both separated by a comma, or none\n",
              text);
    } else {
      levels = parsed;
    }
  }
  return SettleSetting(g_levels, levels);
}

void ReportUnprotectedCall(int err) {
  if (g_reported_unprotected.exchange(true)) return;
  fprintf(stderr,
          "secretmode: secret_do failed (%s); %s calls that cannot "
          "enter secret mode run unprotected\n",
          strerror(err), ShimLibraryName());
}

}  // namespace secret_shim

extern "C" int secret_shim_set_levels(const char* levels) {
  if (levels == nullptr) return EINVAL;
  const int parsed = secret_shim::ParseLevels(levels);
  if (parsed < 0) return EINVAL;
  secret_shim::g_levels.store(parsed, std::memory_order_relaxed);
  return 0;
}

extern "C" const char* secret_shim_levels(void) {
  switch (secret_shim::Levels()) {
    case 0:
      return "none";
    case secret_shim::kLibssl:
      return "libssl";
    case secret_shim::kLibcrypto:
      return "libcrypto";
    default:
      return "libssl,libcrypto";
  }
}
