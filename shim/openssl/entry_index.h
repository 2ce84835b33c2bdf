// entry_index.h: one number per OpenSSL 3 entry point of
// shim/entry_points.inc, in the list's order, so that the wrappers and the
// counting table (openssl_entry_table.cc) agree.

#ifndef SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_
#define SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_

#include "shim/entry_select.h"

namespace secret_shim {

#define SECRETMODE_IF_THIS_LIBRARY SECRETMODE_IF_OPENSSL
enum OpenSslEntry : unsigned {
#include "shim/entry_enum.inc"
};
#undef SECRETMODE_IF_THIS_LIBRARY

}  // namespace secret_shim

#endif  // SECRETMODE_SHIM_OPENSSL_ENTRY_INDEX_H_
