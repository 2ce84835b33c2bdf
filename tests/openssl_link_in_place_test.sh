#!/usr/bin/env bash
# openssl_link_in_place_test.sh: a plain C OpenSSL program
# (tests/programs/tls_handshake_client.c), compiled and linked outside Bazel
# with only `-L DIR -Wl,-rpath,DIR` added in front of its usual
# `-lssl -lcrypto`, where DIR is //shim/openssl:link_in_place, gets the shim
# in place of libcrypto: the shim is first in its DT_NEEDED list, the rest of
# libssl and libcrypto are the system's own, TLS 1.3 and 1.2 connections work,
# the handshake and record calls and libssl's libcrypto calls beneath them are
# wrapped, and OpenSSL's heap is in the secret arena. The same program linked
# without DIR has no shim at all.
set -euo pipefail

RUNFILES="${TEST_SRCDIR}/secretmode"
DIR="$RUNFILES/shim/openssl/link_in_place"
SOURCE="$RUNFILES/tests/programs/tls_handshake_client.c"
source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

for f in libssl.so libcrypto.so libsecretmode_openssl.so; do
  [[ -f "$DIR/$f" ]] || fail "$DIR/$f is missing"
done
make_certificate

CC="${CC:-cc}"
"$CC" -O1 -Wall -Wextra -Werror "$SOURCE" -o "$WORK/linked" \
  -L"$DIR" -Wl,-rpath,"$DIR" -lssl -lcrypto ||
  fail "linking against $DIR failed"
"$CC" -O1 -Wall -Wextra -Werror "$SOURCE" -o "$WORK/plain" -lssl -lcrypto ||
  fail "the plain link failed"

# The shim comes first, then OpenSSL's own libraries.
needed="$(readelf -d "$WORK/linked" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
echo "linked: DT_NEEDED $needed"
[[ "$needed" == "libsecretmode_openssl.so libssl.so.3 libcrypto.so.3 "* ]] ||
  fail "expected the shim before libssl.so.3 and libcrypto.so.3, got: $needed"
resolved="$(ldd "$WORK/linked")"
grep -q "libsecretmode_openssl.so => $DIR/libsecretmode_openssl.so" <<<"$resolved" ||
  fail "the shim does not resolve through the rpath: $resolved"
grep -Eq 'libcrypto.so.3 => /(usr/)?lib/' <<<"$resolved" ||
  fail "libcrypto.so.3 is not the system's: $resolved"

SECRETMODE_SHIM_REPORT=2 "$WORK/linked" "$WORK/cert.pem" "$WORK/key.pem" \
  >"$WORK/linked.out" 2>"$WORK/linked.err" ||
  fail "the linked program failed: $(cat "$WORK/linked.out" "$WORK/linked.err")"
cat "$WORK/linked.out" "$WORK/linked.err"
grep -q '^TLSv1.3 .* ok$' "$WORK/linked.out" || fail "no TLS 1.3 connection"
grep -q '^TLSv1.2 .* ok$' "$WORK/linked.out" || fail "no TLS 1.2 connection"
grep -q "^secretmode: OpenSSL's heap is in the secret arena$" "$WORK/linked.err" ||
  fail "OpenSSL's heap is not in the arena"

# calls NAME: the calls the report counted for NAME (0 when not listed).
calls() {
  awk -v name="$1" '$1 == "secretmode:" && $2 == name { print $4; found = 1 }
                    END { if (!found) print 0 }' "$WORK/linked.err"
}
# outermost NAME: how many of them switched to secret mode.
outermost() {
  awk -v name="$1" '$1 == "secretmode:" && $2 == name { print $6; found = 1 }
                    END { if (!found) print 0 }' "$WORK/linked.err"
}
for name in SSL_do_handshake SSL_read SSL_write SSL_shutdown SSL_free; do
  [[ "$(outermost "$name")" -gt 0 ]] || fail "$name did not run in secret mode"
done
# libssl's own calls into libcrypto bind to the shim too (nested).
for name in EVP_PKEY_derive EVP_KDF_derive EVP_CipherUpdate EVP_DigestSign; do
  [[ "$(calls "$name")" -gt 0 ]] || fail "libssl's calls to $name bypass the shim"
done

# Without DIR: no shim, no report.
SECRETMODE_SHIM_REPORT=2 "$WORK/plain" "$WORK/cert.pem" "$WORK/key.pem" \
  >"$WORK/plain.out" 2>"$WORK/plain.err" || fail "the plain program failed"
if grep -q secretmode "$WORK/plain.err"; then
  fail "the plain program has the shim: $(cat "$WORK/plain.err")"
fi
echo "PASS"
