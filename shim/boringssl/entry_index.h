// entry_index.h: one number per BoringSSL entry point of
// shim/entry_points.inc, in the list's order, so that the wrappers and the
// counting table (boringssl_entry_table.cc) agree.

#ifndef SECRETMODE_SHIM_BORINGSSL_ENTRY_INDEX_H_
#define SECRETMODE_SHIM_BORINGSSL_ENTRY_INDEX_H_

#include "shim/entry_select.h"

namespace secret_shim {

enum BoringSslEntry : unsigned {
#define SECRETMODE_ENTRY(libs, level, category, ret, name, params, args, why) \
  SECRETMODE_IF_BORINGSSL(libs, kEntry_##name, )
#define SECRETMODE_ENTRY_VOID(libs, level, category, name, params, args, why) \
  SECRETMODE_IF_BORINGSSL(libs, kEntry_##name, )
#include "shim/entry_points.inc"
#undef SECRETMODE_ENTRY
#undef SECRETMODE_ENTRY_VOID
  kEntryCount
};

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_BORINGSSL_ENTRY_INDEX_H_
