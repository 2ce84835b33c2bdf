// thread_state.cc: the definition of g_thread_state (see thread_state.h).
// It lives with the allocator, which reads it on every malloc, so that both
// the allocator's and the executor's objects see one hidden definition in
// any link, static or shared.

#include "arch/arch.h"

#if SECRETMODE_ARCH_SUPPORTED

#include "secret/thread_state.h"

namespace secret {
namespace internal {

__thread ThreadState g_thread_state
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_ARCH_SUPPORTED
