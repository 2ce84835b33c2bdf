#!/usr/bin/env bash
# boringssl_interop_test.sh: BoringSSL's bssl tool, built with
# patches/boringssl (its heap in the secret arena), completes TLS 1.3 and 1.2
# handshakes and exchanges data with Debian's openssl s_client and s_server
# and with itself, on loopback. Every server is stopped by its PID.
set -euo pipefail

source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

BSSL="${TEST_SRCDIR}/boringssl/bssl"
[[ -x "$BSSL" ]] || fail "bssl not found at $BSSL"
make_certificate
REQUEST=$'GET / HTTP/1.0\r\n\r\n'

# exchange NAME EXPECTED CLIENT_COMMAND...: sends an HTTP request through the
# client (reading stdin, printing what the server answers) to the running
# server, stops the server, and checks that the answer names EXPECTED.
exchange() {
  local name="$1" expected="$2"; shift 2
  local out
  out="$(printf '%s' "$REQUEST" | timeout 10 "${@//@PORT@/$PORT}" 2>"$WORK/client.err" || true)"
  stop_server TERM
  grep -q "$expected" <<<"$out" || fail "$name: $out $(cat "$WORK/client.err")"
  echo "$name: data both ways"
}

for version in 1.3 1.2; do
  flag="-tls1_${version#1.}"
  v="tls${version}"
  bssl_server=("$BSSL" server -accept @PORT@ -key "$WORK/key.pem" -cert "$WORK/cert.pem"
               -min-version "$v" -max-version "$v" -www)
  bssl_client=("$BSSL" client -connect "127.0.0.1:@PORT@" -min-version "$v" -max-version "$v")

  # bssl server -www and openssl s_server -www answer with the connection's details.
  start_server bssl_server "${bssl_server[@]}"
  exchange "openssl s_client -> bssl server, TLS $version" "Version: TLSv$version" \
    openssl s_client -connect "127.0.0.1:@PORT@" "$flag" -quiet

  start_server s_server openssl s_server -accept @PORT@ -key "$WORK/key.pem" \
    -cert "$WORK/cert.pem" "$flag" -www
  exchange "bssl client -> openssl s_server, TLS $version" "TLSv$version" "${bssl_client[@]}"

  start_server bssl_server "${bssl_server[@]}"
  exchange "bssl client -> bssl server, TLS $version" "Version: TLSv$version" "${bssl_client[@]}"
done
echo "PASS"
