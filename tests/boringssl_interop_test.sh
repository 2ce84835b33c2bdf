#!/usr/bin/env bash
# boringssl_interop_test.sh: BoringSSL's bssl tool, built with
# patches/boringssl (its heap in the secret arena), completes TLS 1.3 and 1.2
# handshakes and exchanges data with Debian's openssl s_client and s_server
# and with itself, on loopback. Every server is stopped by its PID.
set -euo pipefail

BSSL="${TEST_SRCDIR}/boringssl/bssl"
WORK="$(mktemp -d "${TEST_TMPDIR:-/tmp}/bssl_interop.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ -x "$BSSL" ]] || fail "bssl not found at $BSSL"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=secretmode.test -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
REQUEST=$'GET / HTTP/1.0\r\n\r\n'

# start_server NAME COMMAND...: runs a server on a free port (sets PORT),
# waiting until it listens; retries on another port if the first is taken.
start_server() {
  local name="$1"; shift
  for attempt in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 40000))
    "${@//@PORT@/$PORT}" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    SERVER_PID=$!
    for _ in $(seq 1 50); do
      if ss -ltn "sport = :$PORT" 2>/dev/null | grep -q LISTEN; then return 0; fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  done
  fail "$name did not start: $(cat "$WORK/$name.err")"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# exchange NAME EXPECTED CLIENT_COMMAND...: sends an HTTP request through the
# client (reading stdin, printing what the server answers) to the running
# server, stops the server, and checks that the answer names EXPECTED.
exchange() {
  local name="$1" expected="$2"; shift 2
  local out
  out="$(printf '%s' "$REQUEST" | timeout 10 "${@//@PORT@/$PORT}" 2>"$WORK/client.err" || true)"
  stop_server
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
