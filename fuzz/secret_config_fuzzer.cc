// Fuzzes the parsing of secretmode's SECRETMODE_* settings (stack, signal
// stack and arena sizes, the mlock and dontdump flags), which a preloaded
// shim reads from the environment of whatever program it is loaded into.
//
// Input: an environment, one NAME=VALUE per line (a NUL ends a value, as in
// a real environment); the last line for a name wins.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "secret/config.h"

namespace {

using Environment = std::map<std::string, std::string, std::less<>>;

Environment ParseEnvironment(std::string_view text) {
  Environment env;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view()
                                         : text.substr(eol + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view value = line.substr(eq + 1);
    env[std::string(line.substr(0, eq))] =
        std::string(value.substr(0, value.find('\0')));
  }
  return env;
}

const char* Lookup(const char* name, void* context) {
  const Environment& env = *static_cast<const Environment*>(context);
  const auto it = env.find(std::string_view(name));
  return it == env.end() ? nullptr : it->second.c_str();
}

// The complaints are formatted (that code runs) but not shown.
std::FILE* DevNull() {
  static std::FILE* const f = std::fopen("/dev/null", "w");
  FUZZ_CHECK(f != nullptr);
  return f;
}

bool Same(const secret_config& a, const secret_config& b) {
  return a.stack_size == b.stack_size &&
         a.signal_stack_size == b.signal_stack_size &&
         a.lock_memory == b.lock_memory &&
         a.exclude_from_core_dumps == b.exclude_from_core_dumps &&
         a.arena_size == b.arena_size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Environment env = ParseEnvironment(
      std::string_view(reinterpret_cast<const char*>(data), size));
  const secret_config config =
      secret::internal::ConfigFromVariables(Lookup, &env, nullptr);
  // Whatever the values, the settings are in range.
  FUZZ_CHECK(secret::internal::ValidateConfig(config) == 0);
  // Reporting the values it rejects does not change the outcome.
  FUZZ_CHECK(Same(config, secret::internal::ConfigFromVariables(
                              Lookup, &env, DevNull())));

  // A field differs from its default only when its variable is set.
  Environment empty;
  const secret_config defaults =
      secret::internal::ConfigFromVariables(Lookup, &empty, nullptr);
  const auto unset = [&](const char* name) { return env.count(name) == 0; };
  if (unset("SECRETMODE_STACK_SIZE")) {
    FUZZ_CHECK(config.stack_size == defaults.stack_size);
  }
  if (unset("SECRETMODE_SIGNAL_STACK_SIZE")) {
    FUZZ_CHECK(config.signal_stack_size == defaults.signal_stack_size);
  }
  if (unset("SECRETMODE_ARENA_SIZE")) {
    FUZZ_CHECK(config.arena_size == defaults.arena_size);
  }
  if (unset("SECRETMODE_MLOCK")) {
    FUZZ_CHECK(config.lock_memory == defaults.lock_memory);
  }
  if (unset("SECRETMODE_DONTDUMP")) {
    FUZZ_CHECK(config.exclude_from_core_dumps ==
               defaults.exclude_from_core_dumps);
  }
  return 0;
}
