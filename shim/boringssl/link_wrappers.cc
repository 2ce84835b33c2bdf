// link_wrappers.cc: BoringSSL's sensitive entry points (the BoringSSL
// entries of shim/entry_points.inc) run inside secret_do, bound at link
// time. The shim's target links with `--wrap=NAME` for each entry (the
// flags are generated from the same list, see BUILD.bazel): every call to
// NAME that crosses object files in the final link -- the program's calls
// into BoringSSL, libssl's calls into libcrypto, libcrypto's own calls
// between its files -- reaches __wrap_NAME here, which calls BoringSSL's
// NAME as __real_NAME. Calls within one object file are not redirected
// (most of libcrypto is one object, bcm.o): a public function that calls a
// listed one in its own file is listed too (the rule in entry_points.inc).
// `--wrap` acts on a static link only: BoringSSL linked as a shared library
// bypasses the wrappers.
//
// Each wrapper's signature is checked against BoringSSL's declaration at
// compile time: the list declares __real_NAME itself, and a wrong type
// would otherwise pass arguments wrongly without a diagnostic.
//
// Only the outermost wrapped call switches stacks; nested ones run directly.
// A wrapper returns the function's result and leaves errno as the function
// left it (secret_do's own system calls must not change it).

#include <openssl/aead.h>
#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdh.h>
#include <openssl/evp.h>
#include <openssl/hkdf.h>
#include <openssl/hmac.h>
#include <openssl/hrss.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>

#include <type_traits>

#include "secret/secret_c.h"
#include "shim/boringssl/entry_index.h"
#include "shim/entry_select.h"
#include "shim/outermost_call.h"
#include "shim/public_calls.h"
#include "shim/shim_runtime.h"

// CRYPTO_tls1_prf is exported by libcrypto but declared in one of its
// internal headers (crypto/fipsmodule/tls/internal.h); the list gives its
// signature.
extern "C" int CRYPTO_tls1_prf(const EVP_MD* digest, uint8_t* out,
                               size_t out_len, const uint8_t* secret,
                               size_t secret_len, const char* label,
                               size_t label_len, const uint8_t* seed1,
                               size_t seed1_len, const uint8_t* seed2,
                               size_t seed2_len);

using secret_shim::kLibcrypto;
using secret_shim::kLibssl;

#define SECRETMODE_ENTRY(libs, level, category, ret, name, params, args, \
                         why)                                            \
  SECRETMODE_IF_BORINGSSL(                                               \
      libs, static_assert(std::is_same<decltype(&::name), ret(*) params>::value, \
                          #name ": signature differs from BoringSSL's");  \
      extern "C" ret __real_##name params;                               \
      extern "C" ret __wrap_##name params {                              \
        if (!secret_shim::OutermostWrappedCall(                          \
                level, secret_shim::kEntry_##name,                       \
                secret_shim::IsPublicCall<secret_shim::kEntry_##name> args)) { \
          return __real_##name args;                                     \
        }                                                                \
        return secret_shim::CallInSecretMode(                            \
            [=] { return __real_##name args; });                         \
      })

#define SECRETMODE_ENTRY_VOID(libs, level, category, name, params, args, \
                              why)                                       \
  SECRETMODE_ENTRY(libs, level, category, void, name, params, args, why)

#include "shim/entry_points.inc"
