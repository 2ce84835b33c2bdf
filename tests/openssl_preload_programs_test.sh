#!/usr/bin/env bash
# openssl_preload_programs_test.sh: the OpenSSL shim preloaded into Debian's
# unmodified nginx, curl and python3.
# - nginx builds its SSL_CTX in the master and forks two workers: curl,
#   preloaded too, fetches a page over TLS 1.3 and TLS 1.2 several times;
#   the workers serve them with their calls in secret mode and OpenSSL's
#   heap in the arena, and every nginx process exits cleanly on SIGQUIT.
# - python3 loads libssl with dlopen after the shim has started: its TLS
#   connections work, the wrappers run, and the shim says OpenSSL's heap is
#   not covered instead of pretending.
set -euo pipefail

SHIM="${TEST_SRCDIR}/secretmode/shim/openssl/libsecretmode_openssl.so"
PYTHON_PAIR="${TEST_SRCDIR}/secretmode/tests/programs/python_tls_pair.py"
source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

[[ -f "$SHIM" ]] || fail "shim not found at $SHIM"
for program in /usr/sbin/nginx /usr/bin/curl /usr/bin/python3; do
  [[ -x "$program" ]] || fail "$program is missing (scripts/setup.sh installs it)"
done
make_certificate

# wrapped_sum FILE LEVEL: the sum of LEVEL's wrapped calls over every report
# in FILE (one per process).
wrapped_sum() {
  sed -n "s/^secretmode: shim wrapped \([0-9]*\) libssl and \([0-9]*\) libcrypto calls$/\1 \2/p" "$1" |
    awk -v level="$2" '{ n += (level == "libssl") ? $1 : $2 } END { print n + 0 }'
}
reports() { grep -c "^secretmode: shim wrapped" "$1" || true; }

# ---- nginx: a forking server ----
# The configuration is written with the port left as LISTEN_PORT; the shell
# that start_server runs fills it in and becomes nginx's master.
mkdir -p "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf.in" <<CONF
master_process on;
worker_processes 2;
daemon off;
user root;
pid $WORK/nginx/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:LISTEN_PORT ssl;
    server_name secretmode.test;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { return 200 "secretmode nginx \$ssl_protocol\n"; }
  }
}
CONF
# shellcheck disable=SC2016
start_server nginx sh -c 'sed "s/LISTEN_PORT/$1/" "$2.in" >"$2" &&
  exec env SECRETMODE_SHIM_REPORT=1 LD_PRELOAD="$3" /usr/sbin/nginx -p "$4" -c "$2"' \
  sh @PORT@ "$WORK/nginx/nginx.conf" "$SHIM" "$WORK/nginx"
port="$PORT"

: >"$WORK/curl.err"
for round in 1 2 3; do
  for version in "--tlsv1.3" "--tlsv1.2 --tls-max 1.2"; do
    # shellcheck disable=SC2086
    SECRETMODE_SHIM_REPORT=1 LD_PRELOAD="$SHIM" timeout 20 /usr/bin/curl -sS $version \
      --cacert "$WORK/cert.pem" --resolve "secretmode.test:$port:127.0.0.1" \
      "https://secretmode.test:$port/" >"$WORK/curl.out" 2>>"$WORK/curl.err" ||
      fail "curl $version failed: $(cat "$WORK/curl.err")"
    expected="TLSv1.3"; [[ "$version" == --tlsv1.2* ]] && expected="TLSv1.2"
    grep -qx "secretmode nginx $expected" "$WORK/curl.out" ||
      fail "round $round, curl $version: got $(cat "$WORK/curl.out")"
  done
done
echo "curl: 6 fetches over TLS 1.3 and 1.2 from a preloaded nginx"

# curl's own reports: six processes, each wrapped, each with its heap covered.
[[ "$(reports "$WORK/curl.err")" == 6 ]] || fail "curl reports: $(cat "$WORK/curl.err")"
[[ "$(grep -c "^secretmode: OpenSSL's heap is in the secret arena$" "$WORK/curl.err")" == 6 ]] ||
  fail "curl's OpenSSL heap is not in the arena: $(cat "$WORK/curl.err")"
[[ "$(wrapped_sum "$WORK/curl.err" libssl)" -gt 0 ]] || fail "curl wrapped no libssl call"

# Graceful stop: the master and both workers exit and report.
stop_server QUIT
[[ "$SERVER_STATUS" == 0 ]] ||
  fail "nginx exited with status $SERVER_STATUS: $(cat "$WORK/nginx.err")"
if grep -E "\[(alert|crit|emerg)\]|signal [0-9]+ \(core dumped\)|exited on signal" "$WORK/nginx.err"; then
  fail "nginx reported a failure"
fi
nginx_reports="$(reports "$WORK/nginx.err")"
[[ "$nginx_reports" -ge 3 ]] ||
  fail "expected reports from the master and two workers, got $nginx_reports: $(cat "$WORK/nginx.err")"
[[ "$(grep -c "^secretmode: OpenSSL's heap is in the secret arena$" "$WORK/nginx.err")" == "$nginx_reports" ]] ||
  fail "an nginx process's OpenSSL heap is not in the arena: $(cat "$WORK/nginx.err")"
nginx_libssl="$(wrapped_sum "$WORK/nginx.err" libssl)"
[[ "$nginx_libssl" -gt 0 ]] || fail "nginx's workers wrapped no libssl call"
echo "nginx: $nginx_reports processes, $nginx_libssl libssl calls in secret mode, heap in the arena in each"

# ---- python3: libssl loaded with dlopen ----
SECRETMODE_SHIM_REPORT=1 LD_PRELOAD="$SHIM" /usr/bin/python3 "$PYTHON_PAIR" \
  "$WORK/cert.pem" "$WORK/key.pem" >"$WORK/python.out" 2>"$WORK/python.err" ||
  fail "python3 failed with the shim: $(cat "$WORK/python.out" "$WORK/python.err")"
grep -q "^TLSv1.3 .* ok$" "$WORK/python.out" || fail "python3: no TLS 1.3 connection"
grep -q "^TLSv1.2 .* ok$" "$WORK/python.out" || fail "python3: no TLS 1.2 connection"
[[ "$(wrapped_sum "$WORK/python.err" libssl)" -gt 0 ]] ||
  fail "python3: no libssl call wrapped: $(cat "$WORK/python.err")"
grep -q "^secretmode: OpenSSL's heap is NOT in the secret arena: libcrypto was loaded after the shim started (dlopen)" \
  "$WORK/python.err" || fail "python3: the uncovered heap was not reported: $(cat "$WORK/python.err")"
[[ "$(grep -c "OpenSSL's heap is NOT" "$WORK/python.err")" == 2 ]] ||
  fail "python3: expected one warning and one exit line: $(cat "$WORK/python.err")"
echo "python3: $(wrapped_sum "$WORK/python.err" libssl) libssl calls in secret mode; uncovered heap reported"

# ---- Another OpenSSL in the process ----
# A library that exports EVP_PKEY_derive with another OpenSSL's symbol version
# (OPENSSL_1_1_0, as a Python wheel's bundled libcrypto-<hash>.so.1.1 does):
# its callers must reach it, not a wrapper that forwards to OpenSSL 3. The
# wrappers carry OpenSSL 3's version (OPENSSL_3.0.0), so they do not match.
printf 'int EVP_PKEY_derive(void *a, void *b, void *c) { (void)a; (void)b; (void)c; return 42; }\n' \
  >"$WORK/other.c"
printf 'OPENSSL_1_1_0 { global: EVP_PKEY_derive; local: *; };\n' >"$WORK/other.lds"
printf '#include <stdio.h>\nint EVP_PKEY_derive(void *, void *, void *);\nint main(void) { printf("%%d\\n", EVP_PKEY_derive(0, 0, 0)); return 0; }\n' \
  >"$WORK/other_user.c"
cc -shared -fPIC -Wl,--version-script="$WORK/other.lds" "$WORK/other.c" -o "$WORK/libothercrypto-abc123.so.1.1"
cc "$WORK/other_user.c" "$WORK/libothercrypto-abc123.so.1.1" -Wl,-rpath,"$WORK" -o "$WORK/other_user"
out="$(SECRETMODE_SHIM_REPORT=1 LD_PRELOAD="$SHIM" "$WORK/other_user" 2>&1)"
[[ "$out" == "42" ]] || fail "a call to another OpenSSL's EVP_PKEY_derive went through the shim: $out"
echo "another OpenSSL: its symbols (OPENSSL_1_1_0) are not intercepted"

# Without SECRETMODE_SHIM_REPORT a program that never uses OpenSSL stays silent.
out="$(LD_PRELOAD="$SHIM" /usr/bin/python3 -c 'print("plain")' 2>&1)"
[[ "$out" == "plain" ]] || fail "python3 without ssl printed: $out"
echo "PASS"
