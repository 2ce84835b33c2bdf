// aead_controls.h: one AES-256-GCM seal through the EVP_CIPHER API, with
// the shim's counts of each EVP_CIPHER_CTX_ctrl it makes, for the shims'
// call-count tests: the tag and IV-length controls run directly
// (shim/public_calls.h), a control that carries an IV switches to secret
// mode. Header-only: it compiles against the includer's OpenSSL or
// BoringSSL, and the includer links the matching shim.

#ifndef SECRETMODE_TESTS_SUPPORT_AEAD_CONTROLS_H_
#define SECRETMODE_TESTS_SUPPORT_AEAD_CONTROLS_H_

#include <openssl/evp.h>
#include <stdint.h>

#include "gtest/gtest.h"
#include "tests/support/shim_call_counts.h"

namespace secret_test {

// ExpectOnlySecretControlsSwitch seals with a fresh context and expects the
// IV-length, tag-setting and tag-reading controls to reach their wrapper
// and run directly, and the fixed-IV control to switch to secret mode.
inline void ExpectOnlySecretControlsSwitch() {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ASSERT_NE(ctx, nullptr);
  uint8_t key[32] = {1}, iv[12] = {2}, tag[16] = {0}, out[16];
  int len = 0;
  ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr,
                               nullptr),
            1);
  auto control = [&](int type, int arg, void* ptr) {
    return CountsDuring([&] { EVP_CIPHER_CTX_ctrl(ctx, type, arg, ptr); })
        .at("EVP_CIPHER_CTX_ctrl");
  };
  const EntryCounts ivlen = control(EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr);
  ASSERT_EQ(EVP_EncryptInit_ex(ctx, nullptr, nullptr, key, iv), 1);
  const EntryCounts fixed_iv =
      control(EVP_CTRL_GCM_SET_IV_FIXED, -1, iv);
  ASSERT_EQ(EVP_EncryptFinal_ex(ctx, out, &len), 1);
  const EntryCounts get_tag = control(EVP_CTRL_AEAD_GET_TAG, 16, tag);
  EVP_CIPHER_CTX_free(ctx);

  EXPECT_EQ(ivlen.calls, 1u);
  EXPECT_EQ(ivlen.outermost, 0u) << "setting the IV length switched stacks";
  EXPECT_EQ(get_tag.calls, 1u);
  EXPECT_EQ(get_tag.outermost, 0u) << "reading the tag switched stacks";
  EXPECT_EQ(fixed_iv.calls, 1u);
  EXPECT_EQ(fixed_iv.outermost, 1u)
      << "setting the fixed IV did not switch to secret mode";

  // Setting the tag an open checks, on a decrypting context.
  ctx = EVP_CIPHER_CTX_new();
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, iv), 1);
  const EntryCounts set_tag = control(EVP_CTRL_AEAD_SET_TAG, 16, tag);
  EVP_CIPHER_CTX_free(ctx);
  EXPECT_EQ(set_tag.calls, 1u);
  EXPECT_EQ(set_tag.outermost, 0u) << "setting the tag switched stacks";
}

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_AEAD_CONTROLS_H_
