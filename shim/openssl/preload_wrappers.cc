// preload_wrappers.cc: OpenSSL 3's sensitive entry points (shim/entry_points.inc)
// run inside secret_do. Each wrapper forwards to the next definition of the
// same symbol (libssl's or libcrypto's, found with dlsym(RTLD_NEXT)), so the
// shim works preloaded into unmodified programs and never links OpenSSL: a
// process that does not load OpenSSL never calls a wrapper.
//
// Only the outermost wrapped call switches stacks: libssl calls libcrypto's
// wrapped functions through the PLT, and those run directly inside Do.
// A wrapper returns the function's result and leaves errno as the function
// left it (callers read errno after SSL_ERROR_SYSCALL; secret_do's own
// system calls must not change it).

#define OPENSSL_SUPPRESS_DEPRECATED

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>

#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "secret/secret_c.h"
#include "shim/entry_select.h"
#include "shim/openssl/entry_index.h"
#include "shim/openssl/heap_check.h"
#include "shim/openssl/openssl_symbols.h"
#include "shim/outermost_call.h"
#include "shim/public_calls.h"
#include "shim/shim_runtime.h"

namespace secret_shim {
namespace {

[[noreturn]] void DieMissing(const char* name) {
  fprintf(stderr,
          "secretmode: %s is called but no loaded library besides the "
          "shim defines it\n",
          name);
  abort();
}

// ResolveNext looks up the definition of `name` the wrapper forwards to and
// stores it in `slot`.
__attribute__((noinline)) void* ResolveNext(std::atomic<void*>& slot,
                                            const char* name) {
  void* fn = FindNextDefinition(name);
  if (fn == nullptr) DieMissing(name);
  CheckHeapOnce();
  slot.store(fn, std::memory_order_release);
  return fn;
}

// Next returns the definition of `name` the wrapper forwards to, looked up
// once. Inline: every wrapped call, nested ones too, asks it.
template <typename Fn>
inline Fn Next(std::atomic<void*>& slot, const char* name) {
  void* fn = slot.load(std::memory_order_acquire);
  if (__builtin_expect(fn == nullptr, 0)) fn = ResolveNext(slot, name);
  return reinterpret_cast<Fn>(fn);
}

}  // namespace
}  // namespace secret_shim

using secret_shim::kLibcrypto;
using secret_shim::kLibssl;

// Each wrapper finds the next definition once, then runs it directly or in
// secret mode (secret_shim::OutermostWrappedCall decides and counts).
#define SECRETMODE_WRAPPER_PROLOGUE(ret, name, params)        \
  static std::atomic<void*> next;                             \
  using Fn = ret(*) params;                                   \
  const Fn fn = secret_shim::Next<Fn>(next, #name);

#define SECRETMODE_ENTRY(libs, level, category, ret, name, params, args, \
                         why)                                            \
  SECRETMODE_IF_OPENSSL(                                                 \
      libs, extern "C" ret name params {                                 \
        SECRETMODE_WRAPPER_PROLOGUE(ret, name, params)                   \
        if (!secret_shim::OutermostWrappedCall(                          \
                level, secret_shim::kEntry_##name,                       \
                secret_shim::IsPublicCall<secret_shim::kEntry_##name> args)) { \
          return fn args;                                                \
        }                                                                \
        return secret_shim::CallInSecretMode([=] { return fn args; });   \
      })

#define SECRETMODE_ENTRY_VOID(libs, level, category, name, params, args, \
                              why)                                       \
  SECRETMODE_ENTRY(libs, level, category, void, name, params, args, why)

#include "shim/entry_points.inc"
