// config.cc: settings from the API and from SECRETMODE_* environment
// variables, so that a preloaded shim can be tuned without code.

#include "secret/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mutex>

namespace secret {
namespace internal {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;
constexpr size_t kGiB = 1024 * kMiB;

constexpr size_t kMinStack = 16 * kKiB;
constexpr size_t kMaxStack = 1 * kGiB;
constexpr size_t kMinSignalStack = 16 * kKiB;
constexpr size_t kMaxSignalStack = 16 * kMiB;
constexpr size_t kMinArena = 64 * kMiB;
constexpr size_t kMaxArena = 1024 * kGiB;

constexpr secret_config kDefaults = {
    /*stack_size=*/1 * kMiB,
    /*signal_stack_size=*/64 * kKiB,
    /*lock_memory=*/1,
    /*exclude_from_core_dumps=*/1,
    /*arena_size=*/16 * kGiB,
};

// ParseSize accepts a decimal byte count with an optional K, M or G suffix
// (powers of 1024). Returns false for anything else, including overflow.
bool ParseSize(const char* text, size_t* out) {
  if (text[0] < '0' || text[0] > '9') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno != 0) return false;
  size_t unit = 1;
  switch (*end) {
    case '\0': break;
    case 'k': case 'K': unit = kKiB; ++end; break;
    case 'm': case 'M': unit = kMiB; ++end; break;
    case 'g': case 'G': unit = kGiB; ++end; break;
    default: return false;
  }
  if (*end != '\0') return false;
  if (value > static_cast<unsigned long long>(-1) / unit) return false;
  *out = static_cast<size_t>(value * unit);
  return true;
}

// ParseFlag accepts 0 or 1.
bool ParseFlag(const char* text, int* out) {
  if (strcmp(text, "0") == 0) { *out = 0; return true; }
  if (strcmp(text, "1") == 0) { *out = 1; return true; }
  return false;
}

void ComplainAndKeepDefault(FILE* complaints, const char* name,
                            const char* value, const char* expected) {
  if (complaints == nullptr) return;
  fprintf(complaints,
          "secretmode: ignoring %s=\"%s\": expected %s; using the default\n",
          name, value, expected);
}

void ReadSize(ConfigLookup lookup, void* context, FILE* complaints,
              const char* name, size_t min, size_t max, size_t* field) {
  const char* value = lookup(name, context);
  if (value == nullptr) return;
  size_t parsed;
  if (!ParseSize(value, &parsed) || parsed < min || parsed > max) {
    char expected[96];
    snprintf(expected, sizeof expected,
             "a size from %zuK to %zuM (bytes, or with K/M/G)", min / kKiB,
             max / kMiB);
    ComplainAndKeepDefault(complaints, name, value, expected);
    return;
  }
  *field = parsed;
}

void ReadFlag(ConfigLookup lookup, void* context, FILE* complaints,
              const char* name, int* field) {
  const char* value = lookup(name, context);
  if (value == nullptr) return;
  if (!ParseFlag(value, field)) {
    ComplainAndKeepDefault(complaints, name, value, "0 or 1");
  }
}

const char* LookupEnvironment(const char* name, void* /*context*/) {
  return getenv(name);
}

std::mutex g_mutex;
bool g_loaded = false;
secret_config g_config;

}  // namespace

secret_config ConfigFromVariables(ConfigLookup lookup, void* context,
                                  FILE* complaints) {
  secret_config config = kDefaults;
  ReadSize(lookup, context, complaints, "SECRETMODE_STACK_SIZE", kMinStack,
           kMaxStack, &config.stack_size);
  ReadSize(lookup, context, complaints, "SECRETMODE_SIGNAL_STACK_SIZE",
           kMinSignalStack, kMaxSignalStack, &config.signal_stack_size);
  ReadSize(lookup, context, complaints, "SECRETMODE_ARENA_SIZE", kMinArena,
           kMaxArena, &config.arena_size);
  ReadFlag(lookup, context, complaints, "SECRETMODE_MLOCK",
           &config.lock_memory);
  ReadFlag(lookup, context, complaints, "SECRETMODE_DONTDUMP",
           &config.exclude_from_core_dumps);
  return config;
}

int ValidateConfig(const secret_config& config) {
  if (config.stack_size < kMinStack || config.stack_size > kMaxStack) {
    return EINVAL;
  }
  if (config.signal_stack_size < kMinSignalStack ||
      config.signal_stack_size > kMaxSignalStack) {
    return EINVAL;
  }
  if (config.arena_size < kMinArena || config.arena_size > kMaxArena) {
    return EINVAL;
  }
  if ((config.lock_memory != 0 && config.lock_memory != 1) ||
      (config.exclude_from_core_dumps != 0 &&
       config.exclude_from_core_dumps != 1)) {
    return EINVAL;
  }
  return 0;
}

secret_config CurrentConfig() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!g_loaded) {
    g_config = ConfigFromVariables(LookupEnvironment, nullptr, stderr);
    g_loaded = true;
  }
  return g_config;
}

}  // namespace internal
}  // namespace secret

extern "C" int secret_get_config(struct secret_config* out) {
  *out = secret::internal::CurrentConfig();
  return 0;
}

extern "C" int secret_set_config(const struct secret_config* config) {
  if (secret::internal::ValidateConfig(*config) != 0) return EINVAL;
  secret::internal::CurrentConfig();  // environment first, so it cannot win later
  std::lock_guard<std::mutex> lock(secret::internal::g_mutex);
  secret::internal::g_config = *config;
  return 0;
}
