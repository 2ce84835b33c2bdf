// config.h: the process-wide settings for secret stacks (secret_config).

#ifndef SECRETMODE_SECRET_CONFIG_H_
#define SECRETMODE_SECRET_CONFIG_H_

#include "secret/secret_c.h"

namespace secret {
namespace internal {

// CurrentConfig returns a copy of the settings, reading the SECRETMODE_*
// environment variables on first use. Thread-safe; not signal-safe.
secret_config CurrentConfig();

// ValidateConfig returns 0 when every field of `config` is in range, else
// EINVAL. Signal-safe.
int ValidateConfig(const secret_config& config);

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_CONFIG_H_
