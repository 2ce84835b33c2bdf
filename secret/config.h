// config.h: the process-wide settings for secret stacks (secret_config).

#ifndef SECRETMODE_SECRET_CONFIG_H_
#define SECRETMODE_SECRET_CONFIG_H_

#include <stdio.h>

#include "secret/secret_c.h"

namespace secret {
namespace internal {

// CurrentConfig returns a copy of the settings, reading the SECRETMODE_*
// environment variables on first use. Thread-safe; not signal-safe.
secret_config CurrentConfig();

// ConfigLookup returns the value of the variable `name` (SECRETMODE_*), or
// nullptr when it is not set; `context` is ConfigFromVariables' argument.
using ConfigLookup = const char* (*)(const char* name, void* context);

// ConfigFromVariables returns the defaults overridden by the SECRETMODE_*
// variables `lookup` gives: sizes in bytes with an optional K, M or G suffix
// (powers of 1024), each within its range (see secret_config in
// secret_c.h), and flags 0 or 1. A value that is malformed or out of range
// keeps the default and, when `complaints` is not null, is reported there in
// one line. The result always passes ValidateConfig. CurrentConfig uses it
// with getenv and stderr; it exists on its own so that the parsing can be
// tested and fuzzed without an environment. Thread-safe when `lookup` is;
// not signal-safe.
secret_config ConfigFromVariables(ConfigLookup lookup, void* context,
                                  FILE* complaints);

// ValidateConfig returns 0 when every field of `config` is in range, else
// EINVAL. Signal-safe.
int ValidateConfig(const secret_config& config);

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_CONFIG_H_
