// entry_select.h: picks the entries of shim/entry_points.inc that exist in
// one library. Each entry's first argument says where it exists:
// `OpenSSL_BoringSSL` (the same signature in both), `OpenSSL` (OpenSSL 3
// only, or OpenSSL's signature where BoringSSL's differs) or `BoringSSL`.
//
//   #define SECRETMODE_ENTRY(libs, level, category, ret, name, params, args,
//                            why)
//     SECRETMODE_IF_BORINGSSL(libs, <what this shim makes of the entry>)
//   (one macro: continue its lines with backslashes)
//
// SECRETMODE_IF_OPENSSL(libs, ...) expands to `...` when the entry exists in
// OpenSSL 3 and to nothing otherwise; SECRETMODE_IF_BORINGSSL likewise. A
// misspelt `libs` leaves an unknown macro name behind, which fails to
// compile.

#ifndef SECRETMODE_SHIM_ENTRY_SELECT_H_
#define SECRETMODE_SHIM_ENTRY_SELECT_H_

#define SECRETMODE_IF_OPENSSL(libs, ...) SECRETMODE_IF_OPENSSL_##libs(__VA_ARGS__)
#define SECRETMODE_IF_OPENSSL_OpenSSL_BoringSSL(...) __VA_ARGS__
#define SECRETMODE_IF_OPENSSL_OpenSSL(...) __VA_ARGS__
#define SECRETMODE_IF_OPENSSL_BoringSSL(...)

#define SECRETMODE_IF_BORINGSSL(libs, ...) SECRETMODE_IF_BORINGSSL_##libs(__VA_ARGS__)
#define SECRETMODE_IF_BORINGSSL_OpenSSL_BoringSSL(...) __VA_ARGS__
#define SECRETMODE_IF_BORINGSSL_OpenSSL(...)
#define SECRETMODE_IF_BORINGSSL_BoringSSL(...) __VA_ARGS__

#endif  // SECRETMODE_SHIM_ENTRY_SELECT_H_
