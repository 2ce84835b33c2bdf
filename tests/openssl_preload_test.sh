#!/usr/bin/env bash
# openssl_preload_test.sh: the OpenSSL shim preloaded into Debian's unmodified
# `openssl s_server` and `openssl s_client`: TLS 1.3 and TLS 1.2 exchanges
# work both ways with data checked, the wrappers run on both ends (their
# counts are reported), OpenSSL's heap is in the secret arena on both ends,
# SECRETMODE_SHIM_LEVELS=none turns the wrappers off, and a
# process that never loads OpenSSL runs silently with the shim preloaded.
set -euo pipefail

SHIM="${TEST_SRCDIR}/secretmode/shim/openssl/libsecretmode_openssl.so"
source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

[[ -f "$SHIM" ]] || fail "shim not found at $SHIM"
make_certificate

# exchange VERSION_FLAGS LEVELS: one connection between a preloaded s_server
# (-rev echoes each line reversed) and a preloaded s_client on a free port.
# Leaves the outputs in $WORK/{server,client}.{out,err}.
exchange() {
  # VERSION_FLAGS is split into words: "-tls1_3 -async" passes two flags.
  local version="$1" levels="$2"
  start_server server env SECRETMODE_SHIM_LEVELS="$levels" SECRETMODE_SHIM_REPORT=1 \
    LD_PRELOAD="$SHIM" timeout 20 openssl s_server -accept @PORT@ \
    -cert "$WORK/cert.pem" -key "$WORK/key.pem" $version -naccept 1 -rev
  (echo "secret mode for openssl"; sleep 1) |
    SECRETMODE_SHIM_LEVELS="$levels" SECRETMODE_SHIM_REPORT=1 LD_PRELOAD="$SHIM" \
      timeout 20 openssl s_client -connect "127.0.0.1:$PORT" $version -brief \
      >"$WORK/client.out" 2>"$WORK/client.err" || fail "s_client failed: $(cat "$WORK/client.err")"
  # s_server ends after its one connection, and then writes its report.
  wait_server
}

# wrapped SIDE LEVEL: the count of wrapped calls SIDE's report gives LEVEL.
wrapped() {
  sed -n "s/^secretmode: shim wrapped \([0-9]*\) libssl and \([0-9]*\) libcrypto calls$/\1 \2/p" \
    "$WORK/$1.err" | awk -v level="$2" '{ print (level == "libssl") ? $1 : $2 }'
}

for version in -tls1_3 -tls1_2; do
  exchange "$version" "libssl,libcrypto"
  grep -q "lssnepo rof edom terces" "$WORK/client.out" ||
    fail "$version: no echo: $(cat "$WORK/client.out" "$WORK/client.err")"
  expected="TLSv1.3"; [[ "$version" == -tls1_2 ]] && expected="TLSv1.2"
  grep -q "Protocol version: $expected" "$WORK/client.err" ||
    fail "$version: not $expected: $(cat "$WORK/client.err")"
  for side in server client; do
    ssl_calls="$(wrapped "$side" libssl)"
    crypto_calls="$(wrapped "$side" libcrypto)"
    [[ -n "$ssl_calls" && "$ssl_calls" -gt 0 ]] || fail "$version: $side wrapped no libssl call"
    [[ -n "$crypto_calls" && "$crypto_calls" -gt 0 ]] || fail "$version: $side wrapped no libcrypto call"
    grep -q "^secretmode: OpenSSL's heap is in the secret arena$" "$WORK/$side.err" ||
      fail "$version: $side's OpenSSL heap is not in the arena: $(cat "$WORK/$side.err")"
    echo "$version $side: $ssl_calls libssl and $crypto_calls libcrypto calls in secret mode"
  done
done

# Levels: libssl only wraps no libcrypto call at the top level; none wraps nothing.
exchange -tls1_3 libssl
[[ "$(wrapped client libcrypto)" == 0 && "$(wrapped client libssl)" -gt 0 ]] ||
  fail "libssl only: $(cat "$WORK/client.err")"
exchange -tls1_3 none
[[ "$(wrapped client libssl)" == 0 && "$(wrapped client libcrypto)" == 0 ]] ||
  fail "none: $(cat "$WORK/client.err")"
grep -q "lssnepo rof edom terces" "$WORK/client.out" || fail "none: no echo"

# A process without OpenSSL: the shim says nothing and changes nothing, even
# when asked for its report.
out="$(LD_PRELOAD="$SHIM" sh -c 'echo plain' 2>&1)"
[[ "$out" == "plain" ]] || fail "a shell with the shim printed: $out"
out="$(SECRETMODE_SHIM_REPORT=2 LD_PRELOAD="$SHIM" sh -c 'echo plain' 2>&1)"
[[ "$out" == "plain" ]] || fail "a shell with the shim's report on printed: $out"

# OpenSSL's ASYNC mode runs the handshake on job stacks of its own, inside
# the wrapped SSL_do_handshake: both ends work with the shim.
exchange "-tls1_3 -async" "libssl,libcrypto"
grep -q "lssnepo rof edom terces" "$WORK/client.out" ||
  fail "-async: no echo: $(cat "$WORK/client.out" "$WORK/client.err" "$WORK/server.err")"
[[ "$(wrapped server libssl)" -gt 0 && "$(wrapped client libssl)" -gt 0 ]] ||
  fail "-async: no libssl call wrapped"

echo "PASS"
