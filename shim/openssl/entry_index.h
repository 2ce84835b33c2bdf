// entry_index.h: one number per OpenSSL 3 entry point of
// shim/entry_points.inc, in the list's order, so that the wrappers and the
// counting table (openssl_entry_table.cc) agree.

#ifndef SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_
#define SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_

#include "shim/entry_select.h"

namespace secret_shim {

enum OpenSslEntry : unsigned {
#define SECRETMODE_ENTRY(libs, level, category, ret, name, params, args, why) \
  SECRETMODE_IF_OPENSSL(libs, kEntry_##name, )
#define SECRETMODE_ENTRY_VOID(libs, level, category, name, params, args, why) \
  SECRETMODE_IF_OPENSSL(libs, kEntry_##name, )
#include "shim/entry_points.inc"
#undef SECRETMODE_ENTRY
#undef SECRETMODE_ENTRY_VOID
  kEntryCount
};

// CheckHeapOnce says once on stderr, at the first wrapped call, when
// OpenSSL's heap is not in the secret arena: libcrypto was loaded after the
// shim's constructor ran (dlopen, as Python's ssl module does) and had
// allocated before a hook could be set. The wrappers still work.
void CheckHeapOnce();

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_
