// secret.cc: the C++ API's out-of-line parts (secret.h).

#include "secret/secret.h"

#include <errno.h>

#include <stdexcept>
#include <system_error>

namespace secret {
namespace internal {

void ThrowSetupError(int err) {
  throw std::system_error(err, std::generic_category(),
                          "secret::Do: cannot enter secret mode on this "
                          "thread");
}

}  // namespace internal

Config GetConfig() {
  Config config;
  secret_get_config(&config);
  return config;
}

void SetConfig(const Config& config) {
  if (secret_set_config(&config) != 0) {
    throw std::invalid_argument(
        "secret::SetConfig: stack_size must be 16 KiB to 1 GiB, "
        "signal_stack_size 16 KiB to 16 MiB, arena_size 64 MiB to 1 TiB, "
        "flags 0 or 1");
  }
}

ArenaStats GetArenaStats() noexcept {
  ArenaStats stats;
  secret_get_arena_stats(&stats);
  return stats;
}

ThreadStats GetThreadStats() noexcept {
  ThreadStats stats;
  secret_get_thread_stats(&stats);
  return stats;
}

}  // namespace secret
