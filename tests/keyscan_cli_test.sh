#!/usr/bin/env bash
# keyscan_cli_test.sh: the keyscan command line. Exit status 1 and the
# memory class for a live process holding a secret (in its environment, on
# its main stack) and for its gcore dump, 0 for a process without it, the
# TLS 1.2 master-secret policy, JSON (with the scan's coverage), progress,
# and exit status 2 with its one-line message for each error: bad usage,
# missing process, a zombie (no memory to read), no ptrace rights,
# missing/malformed/empty key log, truncated and non-ELF cores.
set -euo pipefail

KEYSCAN="${TEST_SRCDIR}/secretmode/keyscan/keyscan"
source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

PIDS=()
cleanup_pids() {
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
trap 'cleanup_pids; shell_test_cleanup' EXIT

# run ARGS...: keyscan's exit status in RC, its output in OUT and ERR.
run() {
  set +e
  "$KEYSCAN" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT="$(cat "$WORK/out")"
  ERR="$(cat "$WORK/err")"
}

expect() {  # expect RC FRAGMENT_OF_OUT_OR_ERR WHAT
  [[ "$RC" == "$1" ]] || fail "$3: exit status $RC, expected $1; out: $OUT; err: $ERR"
  [[ "$OUT$ERR" == *"$2"* ]] || fail "$3: no \"$2\" in out: $OUT; err: $ERR"
}

# Random upper-case letters: bytes that can sit in an environment variable.
letters() {
  local s
  s="$(head -c 8192 /dev/urandom | LC_ALL=C tr -dc 'A-Z')"
  printf '%s' "${s:0:$1}"
}
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

SECRET="$(letters 32)"
MASTER="$(letters 48)"
CR="$(hex "$(letters 32)")"
printf 'SERVER_TRAFFIC_SECRET_0 %s %s\n' "$CR" "$(hex "$SECRET")" >"$WORK/tls13.log"
printf '# a comment\nCLIENT_RANDOM %s %s\n' "$CR" "$(hex "$MASTER")" >"$WORK/tls12.log"

# Processes holding the secrets in their environment (top of [stack]).
env KEYSCAN_TEST_SECRET="$SECRET" sleep 300 & HOLDER=$!; PIDS+=("$HOLDER")
env KEYSCAN_TEST_SECRET="$MASTER" sleep 300 & MASTER_HOLDER=$!; PIDS+=("$MASTER_HOLDER")
sleep 300 & CLEAN=$!; PIDS+=("$CLEAN")
sleep 0.3

run --help
expect 0 "Usage: keyscan --keylog FILE (--pid PID | --core FILE)" "--help"
[[ "$OUT" == *"no-access private mapping"* && "$OUT" == *"incomplete (eligible memory not read)"* ]] ||
  fail "--help does not document no-access memory and incomplete scans: $OUT"
[[ "$OUT" == *"MADV_DONTDUMP"* ]] || fail "--help does not say cores lack DONTDUMP memory"

run --keylog "$WORK/tls13.log" --pid "$HOLDER"
expect 1 "RESULT: 1 unexpected residue(s), 0 expected" "process holding a secret"
[[ "$OUT" == *"SERVER_TRAFFIC_SECRET_0 secret 32B SHA256"*"main stack 1"* ]] ||
  fail "table row missing: $OUT"

run --keylog "$WORK/tls13.log" --pid "$HOLDER" --json
expect 1 '"class":"main stack"' "--json"
[[ "$OUT" == *'"unexpected_residues":1,'* ]] || fail "JSON counts: $OUT"

run --keylog "$WORK/tls13.log" --pid "$CLEAN" --progress
expect 0 "RESULT: 0 unexpected residue(s), 0 expected" "clean process"
[[ "$OUT" == *"coverage: "*" not eligible (never read: "*", 0 eligible but not read (0.0 MiB), 0 read error(s)"* ]] ||
  fail "no coverage line: $OUT"
[[ "$ERR" == *"keyscan: process $CLEAN: "*"MiB scanned (100%)"* ]] ||
  fail "--progress printed nothing: $ERR"
run --keylog "$WORK/tls13.log" --pid "$CLEAN"
[[ -z "$ERR" ]] || fail "progress without --progress and a terminal: $ERR"
run --keylog "$WORK/tls13.log" --pid "$CLEAN" --json
expect 0 '"complete":true,' "clean process, JSON"
[[ "$OUT" == *'"regions_unread":0,"bytes_unread":0,'* && "$OUT" == *'"regions_ineligible":'* ]] ||
  fail "JSON coverage: $OUT"

run --keylog "$WORK/tls12.log" --pid "$MASTER_HOLDER"
expect 1 "TLS 1.2 master secret: 1 copy" "master secret, not expected"
run --keylog "$WORK/tls12.log" --pid "$MASTER_HOLDER" --expect-cached-master-secrets
expect 0 "TLS 1.2 master secret: 1 copy (expected: --expect-cached-master-secrets)" \
  "master secret, expected"
[[ "$OUT" == *"RESULT: 0 unexpected residue(s), 1 expected"* ]] || fail "policy: $OUT"

# Core files.
if gcore -o "$WORK/core" "$HOLDER" >/dev/null 2>&1; then
  run --keylog "$WORK/tls13.log" --core "$WORK/core.$HOLDER"
  expect 1 "main stack 1" "core of the holder"
  head -c 20000 "$WORK/core.$HOLDER" >"$WORK/truncated.core"
  run --keylog "$WORK/tls13.log" --core "$WORK/truncated.core"
  expect 2 "keyscan: error: core file $WORK/truncated.core: truncated: " "truncated core"
else
  echo "gcore failed: core cases skipped" >&2
fi
run --keylog "$WORK/tls13.log" --core "$WORK/tls13.log"
expect 2 "keyscan: error: core file $WORK/tls13.log: not an ELF file" "non-ELF core"

# Usage and key-log errors.
run
expect 2 "keyscan: error: --keylog FILE is required" "no arguments"
run --keylog "$WORK/tls13.log" --pid 1 --core x
expect 2 "give exactly one of --pid PID and --core FILE" "--pid and --core"
run --keylog "$WORK/tls13.log" --pid abc
expect 2 "--pid needs a process id, got \"abc\"" "bad pid"
run --keylog "$WORK/tls13.log" --bogus
expect 2 "unknown argument \"--bogus\"" "unknown argument"
run --keylog "$WORK/missing.log" --pid "$CLEAN"
expect 2 "keyscan: error: cannot read key log $WORK/missing.log: No such file or directory" \
  "missing key log"
printf 'EXPORTER_SECRET %s %s\nSERVER_TRAFFIC_SECRET_9 %s %s\n' "$CR" "$(hex "$SECRET")" \
  "$CR" "$(hex "$SECRET")" >"$WORK/bad.log"
run --keylog "$WORK/bad.log" --pid "$CLEAN"
expect 2 "keyscan: error: key log $WORK/bad.log: key log line 2: unknown label \"SERVER_TRAFFIC_SECRET_9\"" \
  "malformed key log"
printf '# nothing\n\n' >"$WORK/empty.log"
run --keylog "$WORK/empty.log" --pid "$CLEAN"
expect 2 "holds no secrets" "empty key log"
[[ "$(printf '%s\n' "$ERR" | wc -l)" == 1 ]] || fail "error is not one line: $ERR"

# Processes.
run --keylog "$WORK/tls13.log" --pid 4194312
expect 2 "keyscan: error: no process with PID 4194312" "missing process"

# A zombie has no memory: nothing read is an error, never "clean".
bash -c 'sleep 0.01 & echo $! >"$1"; exec sleep 300' zombie "$WORK/zombie" & ZOMBIE_PARENT=$!
PIDS+=("$ZOMBIE_PARENT")
for _ in $(seq 100); do
  ZOMBIE="$(cat "$WORK/zombie" 2>/dev/null || true)"
  [[ -n "$ZOMBIE" ]] && [[ "$(awk '{print $3}' "/proc/$ZOMBIE/stat" 2>/dev/null)" == Z ]] && break
  sleep 0.05
done
[[ "$(awk '{print $3}' "/proc/$ZOMBIE/stat")" == Z ]] || fail "no zombie made"
run --keylog "$WORK/tls13.log" --pid "$ZOMBIE"
expect 2 "keyscan: error: process $ZOMBIE is a zombie (it exited, its parent has not reaped it): it has no memory to read" "zombie"
[[ -z "$OUT" ]] || fail "a report for a scan that read nothing: $OUT"
[[ "$(printf '%s\n' "$ERR" | wc -l)" == 1 ]] || fail "error is not one line: $ERR"

# No ptrace rights: keyscan as nobody against a root process. Bazel's
# sandbox may run tests in a user namespace where nobody's uid is unmapped.
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if [[ "$(id -u)" == 0 ]] && command -v setpriv >/dev/null &&
   "${AS_NOBODY[@]}" true 2>/dev/null; then
  PRIV="$(mktemp -d /tmp/keyscan_cli.XXXXXX)"
  cp "$KEYSCAN" "$WORK/tls13.log" "$PRIV/"
  chmod 755 "$PRIV" "$PRIV/keyscan"; chmod 644 "$PRIV/tls13.log"
  set +e
  ERR="$("${AS_NOBODY[@]}" "$PRIV/keyscan" --keylog "$PRIV/tls13.log" --pid "$CLEAN" 2>&1 >/dev/null)"
  RC=$?
  set -e
  rm -rf "$PRIV"
  OUT=""
  expect 2 "run keyscan as root, or with ptrace rights over the process" "no permission"
else
  echo "cannot run as nobody here: the permission case is skipped" >&2
fi

echo "PASS"
