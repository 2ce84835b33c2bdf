// entry_index.h: one number per entry point of shim/entry_points.inc, in the
// list's order, so that wrappers and the counting table agree.

#ifndef SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_
#define SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_

namespace secret_shim {

enum EntryIndex : unsigned {
#define SECRETMODE_ENTRY(level, category, ret, name, params, args, why) \
  kEntry_##name,
#define SECRETMODE_ENTRY_VOID(level, category, name, params, args, why) \
  kEntry_##name,
#include "shim/entry_points.inc"
#undef SECRETMODE_ENTRY
#undef SECRETMODE_ENTRY_VOID
  kEntryCount
};

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_
