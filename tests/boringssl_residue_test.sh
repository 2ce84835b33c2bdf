#!/usr/bin/env bash
# boringssl_residue_test.sh: after TLS connections on BoringSSL are closed
# and freed, no key-log secret, traffic key or IV remains in the process.
# keyscan derives every secret, key and IV from the key log and searches the
# live process (exit status 0: no residue, 1: residues).
#
#  - In-process peers (tests/programs/tls_peers: client and server in one
#    process, TLS 1.3 with X25519 and P-256, TLS 1.2 (its record keys too:
#    the peers log the server random), and three threads of
#    connections at once under a storm of signals; everything freed, then
#    the process waits): built against BoringSSL as secretmode patches it,
#    with the link-time shim: no residue.
#  - bssl server (one connection from bssl client, closed, the server left
#    waiting for the next): stock BoringSSL keeps the client's traffic IV in
#    a dead stack frame (the proof that the scan sees what BoringSSL
#    leaves); patched BoringSSL with the shim keeps nothing.
# The in-process peers built against stock BoringSSL leave no residue of
# their own here (the two peers' calls overwrite each other's dead frames),
# so they cannot prove the scan; bssl server does.
set -euo pipefail

source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

KEYSCAN="${TEST_SRCDIR}/secretmode/keyscan/keyscan"
PEERS="${TEST_SRCDIR}/secretmode/tests/programs/tls_peers_boringssl"
BSSL="${TEST_SRCDIR}/boringssl/bssl"
BSSL_STOCK="${TEST_SRCDIR}/boringssl_stock/bssl"
for tool in "$KEYSCAN" "$PEERS" "$BSSL" "$BSSL_STOCK"; do
  [[ -x "$tool" ]] || fail "not found: $tool"
done
make_certificate

# scan NAME PID KEYLOG EXPECTED_STATUS: runs keyscan on PID and checks its
# exit status (0: no residue, 1: residues).
scan() {
  local name="$1" pid="$2" keylog="$3" expected="$4" status=0
  [[ -s "$keylog" ]] || fail "$name: empty key log"
  "$KEYSCAN" --keylog "$keylog" --pid "$pid" --no-progress >"$WORK/scan.out" 2>&1 ||
    status=$?
  cat "$WORK/scan.out"
  [[ "$status" == "$expected" ]] ||
    fail "$name: keyscan exited with $status, expected $expected"
  echo "$name: keyscan status $status as expected"
}

# In-process peers: the process says "ready" once everything is freed, then
# waits for its stdin to close.
for args in "--group X25519" "--group P-256" "--tls12 --group X25519:P-256" \
            "--group X25519 --threads 3 --connections 3 --signals"; do
  keylog="$WORK/peers.keys"
  rm -f "$keylog"
  coproc PEERS_PROC { exec "$PEERS" --keylog "$keylog" $args; }
  read -r -t 60 line <&"${PEERS_PROC[0]}" || fail "tls_peers $args: no answer"
  [[ "$line" == ready ]] || fail "tls_peers $args: $line"
  scan "in-process peers ($args), patched BoringSSL + shim" "$PEERS_PROC_PID" "$keylog" 0
  peers_pid="$PEERS_PROC_PID"
  eval "exec ${PEERS_PROC[1]}>&-"
  wait "$peers_pid" || fail "tls_peers $args exited with $?"
done

# bssl server after one closed TLS 1.3 connection.
for build in stock patched; do
  if [[ "$build" == stock ]]; then server="$BSSL_STOCK" expected=1; else server="$BSSL" expected=0; fi
  keylog="$WORK/server_$build.keys"
  SSLKEYLOGFILE="$keylog" start_server "bssl_$build" "$server" server -accept @PORT@ \
    -key "$WORK/key.pem" -cert "$WORK/cert.pem" -min-version tls1.3 -loop
  (echo "secret mode for BoringSSL"; sleep 1) |
    timeout 10 "$BSSL" client -connect "127.0.0.1:$PORT" >"$WORK/client.out" 2>&1 ||
    fail "bssl client: $(cat "$WORK/client.out")"
  sleep 0.5
  scan "bssl server ($build BoringSSL)" "$SERVER_PID" "$keylog" "$expected"
  stop_server TERM
done
echo "PASS"
