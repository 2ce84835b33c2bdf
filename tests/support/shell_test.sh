# shell_test.sh: what the project's shell tests share. Source it right after
# `set -euo pipefail`; it defines:
#
#   WORK                 a scratch directory, removed at exit
#   fail MESSAGE...      prints "FAIL: MESSAGE" to stderr and exits 1
#   make_certificate     a self-signed P-256 key and certificate for
#                        secretmode.test: $WORK/key.pem, $WORK/cert.pem
#   start_server NAME COMMAND...
#                        runs COMMAND in the background, with every @PORT@ in
#                        it replaced by a free loopback port, until it listens
#                        there (output in $WORK/NAME.out and $WORK/NAME.err);
#                        takes another port when one is taken. Sets PORT and
#                        SERVER_PID. One server at a time.
#   wait_server          waits for the server to exit by itself; its exit
#                        status is then in SERVER_STATUS
#   stop_server [SIGNAL] sends SIGNAL (default TERM), waits up to 10 s for the
#                        server to exit (fails if it does not); its exit
#                        status is then in SERVER_STATUS
#
# A server still running when the test exits is killed by its PID.

WORK="$(mktemp -d "${TEST_TMPDIR:-/tmp}/shell_test.XXXXXX")"
SERVER_PID=""
SERVER_NAME=""
PORT=""
SERVER_STATUS=""

shell_test_cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap shell_test_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

make_certificate() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=secretmode.test -addext subjectAltName=DNS:secretmode.test \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null ||
    fail "openssl req could not make a certificate"
}

start_server() {
  SERVER_NAME="$1"; shift
  local attempt
  for attempt in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 40000))
    "${@//@PORT@/$PORT}" >"$WORK/$SERVER_NAME.out" 2>"$WORK/$SERVER_NAME.err" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
      if ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q .; then return 0; fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    # Gone (the port was taken, say) or not listening after 10 s.
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  done
  fail "$SERVER_NAME did not start: $(cat "$WORK/$SERVER_NAME.err")"
}

wait_server() {
  SERVER_STATUS=0
  wait "$SERVER_PID" || SERVER_STATUS=$?
  SERVER_PID=""
}

stop_server() {
  kill "-${1:-TERM}" "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$SERVER_PID" 2>/dev/null && fail "$SERVER_NAME did not stop on SIG${1:-TERM}"
  wait_server
}
