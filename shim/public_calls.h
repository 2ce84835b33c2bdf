// public_calls.h: calls of wrapped entry points that handle no key material
// for the arguments they are given, and so run directly even when they are
// outermost. A wrapper asks IsPublicCall<kEntry_NAME>(args...) before
// switching stacks.
//
// Why: a program that seals with the EVP API directly (a QUIC stack, say)
// makes five outermost calls per packet -- key or IV setup, AAD, data,
// final, tag -- and each costs a stack switch and an erasure (~20 ns,
// bench/RESULTS.md). Reading the finished tag is one of them, and the tag is
// sent in the clear.
//
// Include it after the shim's entry_index.h (it names kEntry_ values) and
// the library's <openssl/evp.h>.

#ifndef SECRETMODE_SHIM_PUBLIC_CALLS_H_
#define SECRETMODE_SHIM_PUBLIC_CALLS_H_

namespace secret_shim {

// IsPublicCall returns false: by default every call of a wrapped entry point
// may handle key material. Thread-safe and async-signal-safe.
template <unsigned Entry, typename... Args>
inline bool IsPublicCall(Args...) {
  return false;
}

// EVP_CIPHER_CTX_ctrl is public for the AEAD controls that move only a tag
// or a length: reading the tag a seal computed (sent in the clear), setting
// the tag an open is to check (received in the clear) or its length, and
// setting the IV length. In both libraries' AEADs these copy the tag or the
// length and touch neither the key nor the IV. Every other control runs in
// secret mode: some carry keys or IVs (EVP_CTRL_AEAD_SET_MAC_KEY,
// EVP_CTRL_GCM_SET_IV_FIXED, EVP_CTRL_RAND_KEY, ...).
template <>
inline bool IsPublicCall<kEntry_EVP_CIPHER_CTX_ctrl>(EVP_CIPHER_CTX*, int type,
                                                     int, void*) {
  return type == EVP_CTRL_AEAD_GET_TAG || type == EVP_CTRL_AEAD_SET_TAG ||
         type == EVP_CTRL_AEAD_SET_IVLEN;
}

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_PUBLIC_CALLS_H_
