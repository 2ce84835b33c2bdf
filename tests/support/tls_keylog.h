// The key-log reader and TLS 1.3 key derivation moved to the product
// (//keyscan: keyscan/key_log.h, keyscan/hkdf_expand_label.h,
// keyscan/needles.h, where every function is documented). This header keeps
// the names tests and benchmarks already use in namespace secret_test.
#ifndef SECRETMODE_TESTS_SUPPORT_TLS_KEYLOG_H_
#define SECRETMODE_TESTS_SUPPORT_TLS_KEYLOG_H_

#include "keyscan/hkdf_expand_label.h"
#include "keyscan/key_log.h"
#include "keyscan/needles.h"

namespace secret_test {

using keyscan::HkdfExpandLabel;
using keyscan::KeyLogLine;
using keyscan::Needle;
using keyscan::NeedleKind;
using keyscan::NeedleKindName;
using keyscan::NeedlesFromKeyLog;
using keyscan::OpenSslErrors;
using keyscan::ParseKeyLog;
using keyscan::WipeKeyLogLines;
using keyscan::WipeNeedles;

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_TLS_KEYLOG_H_
