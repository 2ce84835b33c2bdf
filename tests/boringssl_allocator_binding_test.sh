#!/usr/bin/env bash
# boringssl_allocator_binding_test.sh: with patches/boringssl applied,
# BoringSSL cannot be linked without secretmode's secret allocator. A program
# that allocates through OPENSSL_malloc, linked against the patched libcrypto
# archive alone, fails with an undefined reference to the hooks; linked with
# //shim/boringssl:memory_hooks as well (what @boringssl//:crypto does) it is
# not tested here but by every BoringSSL test that runs.
set -euo pipefail

SOURCE="${TEST_SRCDIR}/secretmode/tests/programs/boringssl_allocation.c"
source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

archive=""
include=""
for f in "$@"; do
  # $(locations) names external files by their execroot path; in the test's
  # runfiles they live under $TEST_SRCDIR/<repository>.
  [[ "$f" == external/* ]] && f="${TEST_SRCDIR}/${f#external/}"
  case "$f" in
    *libcrypto_without_allocator.a) archive="$f" ;;
  esac
done
[[ -n "$archive" ]] || fail "no libcrypto_without_allocator.a among: $*"
include="$(dirname "$archive")/src/include"
[[ -d "$include" ]] || fail "no BoringSSL headers"

if "${CC:-cc}" -I"$include" "$SOURCE" "$archive" -lpthread -o "$WORK/program" \
    >"$WORK/link.log" 2>&1; then
  fail "the patched libcrypto linked without the secret allocator"
fi
cat "$WORK/link.log"
for hook in OPENSSL_memory_alloc OPENSSL_memory_free OPENSSL_memory_get_size; do
  grep -q "undefined reference to .$hook'" "$WORK/link.log" ||
    fail "the link failed, but not for want of $hook"
done
echo "PASS: linking BoringSSL without the secret allocator fails on its three hooks"
