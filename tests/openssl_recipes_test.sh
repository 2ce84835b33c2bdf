#!/usr/bin/env bash
# openssl_recipes_test.sh: OpenSSL's own test recipes (TLS, EVP, KDF), a test
# suite nobody on this project wrote, run with secretmode's OpenSSL shim
# preloaded into every process the harness starts.
#
# It fetches Debian's openssl source package (apt-get source), builds it once
# into a cache, runs the recipes below with LD_PRELOAD=<shim> and
# SECRETMODE_SHIM_REPORT=1, checks that the shim really sat between the test
# programs and the freshly built libssl/libcrypto (its dlsym(RTLD_NEXT) binds
# to the build tree, not /usr/lib; wrapped-call counts > 0; OpenSSL's heap in
# the secret arena), prints a summary and exits non-zero on any failure.
# A recipe that fails is run again without the shim, so the summary says
# whether the failure is the shim's.
#
# Usage (as root, Debian 12):
#   tests/openssl_recipes_test.sh /path/to/libsecretmode_openssl.so
#   SECRETMODE_SHIM=/path/to/libsecretmode_openssl.so tests/openssl_recipes_test.sh
# Environment:
#   OPENSSL_RECIPES_DIR   cache for the source, the build and the logs
#                         (default /var/cache/secretmode/openssl-recipes); a
#                         finished build there is reused, so reruns only test.
#   OPENSSL_RECIPES_JOBS  parallel compile jobs and recipes (default: nproc)
#   OPENSSL_RECIPES       recipes to run instead of the list below (space separated)
# Measured on 2 cores: fetch ~5 s, build 4.8-7 min, recipes 2-3 min (68 recipes).
#
# Debian packages it needs (plus deb-src entries, which it adds itself, from
# the machine's own deb entries, when apt has none):
#   gcc make libc6-dev perl dpkg-dev
# (perl: the harness needs Test::More and TAP::Harness, which perl-base lacks;
#  dpkg-dev: dpkg-source, which apt-get source unpacks with.)
set -euo pipefail

REQUIRED_PACKAGES=(gcc make libc6-dev perl dpkg-dev)

# ---- The recipes. Each line: name, then what the shim must show in it. ----
#   tls     libssl calls were wrapped (the test programs use libssl.so)
#   crypto  libcrypto calls were wrapped
#   heap    a process loaded libcrypto.so and its heap was in the secret arena;
#           the recipe makes no call the shim wraps (parsing, fetching, ASYNC)
#   static  the test program links libcrypto.a/libssl.a: its OpenSSL calls
#           never go through the dynamic linker, so no wrapper can see them;
#           it runs preloaded (the shim's malloc is in it) but is not covered
# Slow recipes first, so that two workers finish together.
RECIPES_TABLE='
test_ssl_new          tls     ssl_test over test/ssl-tests/*.cnf: every protocol/cipher/extension combination
test_ssl_old          tls     ssl_old_test is static; the openssl app calls that make its certificates are wrapped
test_ec               heap    ectest is static; openssl ec/pkey conversions load libcrypto.so
test_mp_rsa           crypto  multi-prime RSA through the openssl app
test_evp              crypto  evp_test over every test/recipes/30-test_evp_data/*.txt (ciphers, AEADs, MACs, KDFs, signatures, agreement)
test_sslapi           tls     sslapitest: the libssl API, TLS 1.3 key schedule, key update, early data, exporters, tickets
test_ecdsa            static  ecdsatest links libcrypto.a
test_sslmessages      tls     TLSProxy: openssl s_server/s_client through a record-rewriting proxy
test_sslsigalgs       tls     TLSProxy
test_key_share        tls     TLSProxy: TLS 1.3 key shares
test_sslrecords       tls     TLSProxy: record layer
test_tls13messages    tls     TLSProxy
test_tls13kexmodes    tls     TLSProxy: PSK key exchange modes
test_tlsextms         tls     TLSProxy: extended master secret
test_sslsessiontick   tls     TLSProxy
test_tls13psk         tls     TLSProxy
test_tls13hrr         tls     TLSProxy: HelloRetryRequest
test_tls13downgrade   tls     TLSProxy
test_sslextension     tls     TLSProxy
test_sslversions      tls     TLSProxy
test_sslsignature     tls     TLSProxy
test_sslvertol        tls     TLSProxy
test_sslcbcpadding    tls     TLSProxy: TLS 1.2 CBC records
test_tls13cookie      tls     TLSProxy
test_tls13alerts      tls     TLSProxy
test_sslskewith0p     tls     TLSProxy
test_sslcertstatus    tls     TLSProxy
test_tls13secrets     tls     tls13secretstest: the TLS 1.3 key schedule (its HKDF calls go to libcrypto.so)
test_tls13encryption  static  tls13encryptiontest links libssl.a/libcrypto.a
test_tls13ccs         tls     tls13ccstest
test_recordlen        tls     recordlentest: record length limits
test_sslbuffers       tls     sslbuffertest: record buffers freed and reallocated mid-connection
test_sslcorrupt       tls     sslcorrupttest: corrupted records
test_asyncio          tls     asynciotest: records split over async BIOs
test_dtls             tls     dtlstest
test_dtls_mtu         tls     dtls_mtu_test
test_dtlsv1listen     tls     dtlsv1listentest
test_bad_dtls         tls     bad_dtls_test
test_ssl_ctx          tls     ssl_ctx_test
test_servername       tls     servername_test
test_cipherbytes      tls     cipherbytes_test
test_cipherlist       tls     cipherlist_test
test_ciphername       tls     ciphername_test
test_sysdefault       crypto  sysdefaulttest
test_ssl_test_ctx     heap    ssl_test_ctx_test parses test configurations only
test_evp_extra        crypto  evp_extra_test is static; evp_extra_test2 is not
test_evp_kdf          crypto  evp_kdf_test: HKDF, TLS1-PRF, TLS 1.3 KDF, PBKDF2, scrypt, SSKDF, X9.42, KBKDF...
test_kdf              crypto  the openssl kdf app
test_pkey_meth_kdf    crypto  KDFs through EVP_PKEY_derive
test_evp_fetch_prov   crypto  evp_fetch_prov_test
test_aesgcm           crypto  aesgcmtest
test_mac              crypto  the openssl mac app
test_pkeyutl          crypto  the openssl pkeyutl app: sign, verify, derive
test_rsa              crypto  rsa_test is static; the openssl rsa app is not
test_rsapss           crypto  RSA-PSS through the openssl app
test_rsaoaep          crypto  RSA-OAEP through the openssl app
test_threads          crypto  threadstest: libcrypto from many threads
test_rand             crypto  DRBGs (their HMAC/CTR/hash derivations)
test_evp_byname       heap    evp_byname_test fetches algorithms only
test_evp_pkey_dparam  heap    evp_pkey_dparams_test builds domain parameters only
test_pkey_meth        heap    pkey_meth_test looks methods up only
test_async            heap    asynctest: ASYNC jobs (their own stacks), no wrapped call
test_secmem           heap    secmemtest: OpenSSL secure heap
test_evp_libctx       static  evp_libctx_test links libcrypto.a
test_evp_pkey_provided static evp_pkey_provided_test links libcrypto.a
test_hmac             static  hmactest links libcrypto.a
test_cmac             static  cmactest links libcrypto.a
test_dh               static  dhtest links libcrypto.a
'
# ---- Recipes left out, and why. ----
#   test_tls13kexlog   no such recipe in OpenSSL 3.0 (Debian 12's OpenSSL).
#   FIPS-provider runs (test_evp etc. against fips.so): Debian does not build
#                      the FIPS provider (no enable-fips), nor does this script.
#   test_afalg         the kernel's AF_ALG engine, not OpenSSL code the shim wraps.
#   test_external_*    need other projects' source trees (gost-engine, pyca, krb5).
#   test_fuzz_*        corpora replays, not TLS/EVP/KDF behaviour.
#   every other recipe (x509, CMS, CMP, PKCS#12, OCSP, ...): outside TLS, EVP and KDF.
# None is left out because it fails with the shim.

log() { printf 'openssl_recipes: %s\n' "$*"; }
die() { printf 'openssl_recipes: error: %s\n' "$*" >&2; exit 1; }

SHIM="${1:-${SECRETMODE_SHIM:-}}"
[[ -n "$SHIM" ]] || die "usage: $0 /path/to/libsecretmode_openssl.so (or set SECRETMODE_SHIM)"
[[ -f "$SHIM" ]] || die "no shim at $SHIM"
SHIM="$(realpath "$SHIM")"
CACHE="${OPENSSL_RECIPES_DIR:-/var/cache/secretmode/openssl-recipes}"
JOBS="${OPENSSL_RECIPES_JOBS:-$(nproc)}"
[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || die "Linux x86_64 only (the shim's platform)"

missing=()
for pkg in "${REQUIRED_PACKAGES[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] || die "missing Debian packages: ${missing[*]} (apt-get install -y ${missing[*]})"

mkdir -p "$CACHE"
CACHE="$(realpath "$CACHE")"
exec 9>"$CACHE/.lock"
flock 9  # one run at a time per cache
STAMP_NAME=".secretmode-built"

# ---- Configure options: Debian's (debian/rules CONFARGS) minus the install
# paths, with the stock linux-x86_64 target. No -rpath: util/shlib_wrap.sh
# would then set LD_PRELOAD itself and drop the shim.
CONFIGURE_ARGS=(linux-x86_64 shared no-idea no-mdc2 no-rc5 no-zlib no-ssl3
  no-ssl3-method enable-unit-test enable-rfc3779 enable-cms no-capieng no-rdrand
  enable-ec_nistp_64_gcc_128)

built_tree() {  # prints the cached build tree whose stamp matches, if any
  local dir
  for dir in "$CACHE"/src/openssl-*/; do
    [[ -f "$dir$STAMP_NAME" ]] || continue
    [[ "$(sed -n 2p "$dir$STAMP_NAME")" == "${CONFIGURE_ARGS[*]}" ]] || continue
    printf '%s\n' "${dir%/}"
    return 0
  done
  return 1
}

# ---- apt: deb-src entries (scripts/enable_deb_src.sh) ----
ENABLE_DEB_SRC="${ENABLE_DEB_SRC:-$(dirname "${BASH_SOURCE[0]}")/../scripts/enable_deb_src.sh}"

source_versions() {  # openssl source versions apt knows, newest first
  { apt-cache showsrc openssl 2>/dev/null || true; } | awk '/^Package: /{p=$2} /^Version: /{ if (p == "openssl") print $2 }' |
    sort -u | perl -e '
      my @v = <STDIN>; chomp @v;
      print "$_\n" for sort { system("dpkg", "--compare-versions", $b, "gt", $a) == 0 ? 1 :
                              system("dpkg", "--compare-versions", $b, "lt", $a) == 0 ? -1 : 0 } @v;'
}

fetch_source() {  # sets FETCHED_TREE
  local versions v work dir
  versions="$(source_versions)"
  if [[ -z "$versions" ]]; then
    "$ENABLE_DEB_SRC"
    versions="$(source_versions)"
    if [[ -z "$versions" ]]; then
      log "apt-get update"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null || log "warning: apt-get update reported errors"
      versions="$(source_versions)"
    fi
  fi
  [[ -n "$versions" ]] || die "apt knows no openssl source package (deb-src entries?)"
  work="$CACHE/fetch"
  for v in $versions; do
    rm -rf "$work"; mkdir -p "$work"
    log "apt-get source openssl=$v"
    # A mirror may list a version whose files it does not have yet: try the next.
    if (cd "$work" && apt-get source -qq --only-source "openssl=$v" </dev/null >"$work/apt.log" 2>&1); then
      dir="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'openssl-*' | head -n 1)"
      if [[ -n "$dir" && -f "$dir/Configure" ]]; then
        mkdir -p "$CACHE/src"
        rm -rf "$CACHE/src/$(basename "$dir")"
        mv "$dir" "$CACHE/src/"
        printf '%s\n' "$v" >"$CACHE/src/$(basename "$dir")/.debian-version"
        rm -rf "$work"
        FETCHED_TREE="$CACHE/src/$(basename "$dir")"
        return 0
      fi
    fi
    log "openssl=$v could not be fetched: $(grep -E '^E: ' "$work/apt.log" | head -n 2 | tr '\n' ' ')"
  done
  die "no openssl source version could be fetched"
}

# ---- 1. Source and build (cached) ----
t_start=$SECONDS
if TREE="$(built_tree)"; then
  log "reusing the build in $TREE ($(cat "$TREE/.debian-version" 2>/dev/null || echo '?'))"
  build_seconds=0
else
  TREE="$(find "$CACHE/src" -mindepth 1 -maxdepth 1 -type d -name 'openssl-*' 2>/dev/null | head -n 1 || true)"
  if [[ -z "$TREE" || ! -f "$TREE/.debian-version" ]]; then
    [[ -z "$TREE" ]] || rm -rf "$TREE"  # an unpack that did not finish
    fetch_source
    TREE="$FETCHED_TREE"
  fi
  log "building $(cat "$TREE/.debian-version") in $TREE (Configure ${CONFIGURE_ARGS[*]}; make -j$JOBS build_sw)"
  t_build=$SECONDS
  (cd "$TREE" && ./Configure "${CONFIGURE_ARGS[@]}" >"$CACHE/configure.log" 2>&1) ||
    { tail -n 30 "$CACHE/configure.log" >&2; die "Configure failed (log: $CACHE/configure.log)"; }
  (cd "$TREE" && make -j"$JOBS" build_sw >"$CACHE/build.log" 2>&1) ||
    { tail -n 30 "$CACHE/build.log" >&2; die "build failed (log: $CACHE/build.log)"; }
  build_seconds=$((SECONDS - t_build))
  printf '%s\n%s\n' "$(cat "$TREE/.debian-version")" "${CONFIGURE_ARGS[*]}" >"$TREE/$STAMP_NAME"
  log "built in ${build_seconds}s"
fi
cd "$TREE"
for f in libssl.so.3 libcrypto.so.3 apps/openssl test/sslapitest test/evp_test util/wrap.pl util/shlib_wrap.sh; do
  [[ -e "$f" ]] || die "build tree lacks $f; remove $TREE/$STAMP_NAME to rebuild"
done
BUILD_LIBSSL="$(realpath libssl.so.3)"
BUILD_LIBCRYPTO="$(realpath libcrypto.so.3)"

# ---- 2. The preload reaches the test programs and binds to the build tree ----
# util/shlib_wrap.sh (which util/wrap.pl runs every test program through) sets
# LD_LIBRARY_PATH to the build tree; it would also overwrite LD_PRELOAD if the
# build used -rpath.
if grep -qE '^[[:space:]]*LD_PRELOAD=' util/shlib_wrap.sh; then
  die "util/shlib_wrap.sh sets LD_PRELOAD itself: the shim would not be preloaded"
fi
LOGS="$CACHE/logs"
rm -rf "$LOGS"; mkdir -p "$LOGS/ld-debug"
# One TLS test program, run as the recipes run it, with the dynamic linker
# tracing its bindings: every OpenSSL symbol the shim looks up (RTLD_NEXT) must
# come from the build tree's libssl/libcrypto, never from /usr/lib.
env LD_PRELOAD="$SHIM" SECRETMODE_SHIM_REPORT=1 LD_DEBUG=bindings,libs \
  LD_DEBUG_OUTPUT="$LOGS/ld-debug/trace" \
  util/wrap.pl test/tls13ccstest apps/server.pem apps/server.pem >"$LOGS/binding-check.log" 2>&1 ||
  die "tls13ccstest failed under the binding check: $(tail -n 5 "$LOGS/binding-check.log")"
shim_re="$(basename "$SHIM" | sed 's/[.[\*^$]/\\&/g')"
bindings="$(cat "$LOGS"/ld-debug/trace.* |
  sed -n "s/^ *[0-9]*:[[:space:]]*binding file [^ ]*$shim_re \[0\] to \([^ ]*\) \[[0-9]*\]: normal symbol \`\([A-Za-z_0-9]*\)'.*/\1 \2/p" |
  grep -E ' (SSL_|EVP_|CRYPTO_|RSA_|DH_|EC)' | sort -u)" || true
[[ -n "$bindings" ]] || die "the shim bound no OpenSSL symbol in tls13ccstest: was it preloaded? ($LOGS/ld-debug)"
bound_ssl=0; bound_crypto=0
while read -r target symbol; do
  resolved="$(realpath "$target" 2>/dev/null || echo "$target")"
  case "$resolved" in
    "$BUILD_LIBSSL") bound_ssl=$((bound_ssl + 1)) ;;
    "$BUILD_LIBCRYPTO") bound_crypto=$((bound_crypto + 1)) ;;
    *) die "the shim's $symbol bound to $resolved, not to the build tree's libssl/libcrypto" ;;
  esac
done <<<"$bindings"
[[ $bound_ssl -gt 0 && $bound_crypto -gt 0 ]] ||
  die "the shim bound $bound_ssl libssl and $bound_crypto libcrypto symbols in tls13ccstest"
# And the only libssl/libcrypto initialised in it are the build tree's.
while read -r loaded; do
  resolved="$(realpath "$loaded" 2>/dev/null || echo "$loaded")"
  [[ "$resolved" == "$BUILD_LIBSSL" || "$resolved" == "$BUILD_LIBCRYPTO" ]] ||
    die "tls13ccstest loaded $resolved besides the build tree's libssl/libcrypto"
done < <(sed -n 's/^ *[0-9]*:[[:space:]]*calling init: \(.*lib\(ssl\|crypto\)\.so[^ ]*\)$/\1/p' "$LOGS"/ld-debug/trace.* | sort -u)
log "binding check: the shim's lookups bound $bound_ssl libssl and $bound_crypto libcrypto symbols, all in $TREE"

# ---- 3. The recipes ----
declare -A KIND
RECIPES=()
while read -r name kind _; do
  [[ -n "$name" ]] || continue
  KIND[$name]="$kind"; RECIPES+=("$name")
done <<<"$RECIPES_TABLE"
if [[ -n "${OPENSSL_RECIPES:-}" ]]; then read -r -a RECIPES <<<"$OPENSSL_RECIPES"; fi
for r in "${RECIPES[@]}"; do
  compgen -G "test/recipes/[0-9][0-9]-$r.t" >/dev/null || die "no recipe $r in $TREE/test/recipes"
done

# run_one RECIPE MODE(shim|plain): one recipe through OpenSSL's harness, as
# `make test` runs it (test/run_tests.pl, same environment), but verbose so
# that the test programs' stderr, where the shim reports, reaches the log
# (quiet runs send it to /dev/null; HARNESS_JOBS is ignored when verbose, so
# the parallelism is here instead, one recipe per worker).
run_one() {
  local recipe="$1" mode="$2" out="$LOGS/$1.$2" start end rc=0
  local -a preload=()
  [[ "$mode" == shim ]] && preload=(LD_PRELOAD="$SHIM" SECRETMODE_SHIM_REPORT=1)
  start=$(date +%s.%N)
  env "${preload[@]}" HARNESS_VERBOSE=yes SRCTOP=. BLDTOP=. PERL=/usr/bin/perl EXE_EXT= \
    timeout 900 perl test/run_tests.pl "$recipe" >"$out.log" 2>&1 </dev/null || rc=$?
  end=$(date +%s.%N)
  printf '%s %s\n' "$rc" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')" >"$out.rc"
}

log "running ${#RECIPES[@]} recipes, $JOBS at a time, with LD_PRELOAD=$SHIM (logs: $LOGS)"
t_tests=$SECONDS
running=0
for r in "${RECIPES[@]}"; do
  if [[ $running -ge $JOBS ]]; then wait -n || true; running=$((running - 1)); fi
  run_one "$r" shim &
  running=$((running + 1))
done
wait || true
tests_seconds=$((SECONDS - t_tests))

# ---- 4. Verdicts ----
passed=0; failed=0; total_ssl=0; total_crypto=0; total_heap=0; silent_reports=0; total_unreached=0
failures=()
printf '\n%-24s %-6s %-7s %6s %9s %11s %5s  %s\n' recipe kind result secs libssl libcrypto heap note
for r in "${RECIPES[@]}"; do
  f="$LOGS/$r.shim"
  read -r rc secs <"$f.rc"
  # counts: the sum over every process of the recipe (processes without
  # OpenSSL report 0 and 0); heap: processes whose OpenSSL heap was in the arena
  # A process's report is its totals line, then its heap line. One that
  # wrapped no call and whose heap is not covered is a process the shim never
  # reached: a statically linked test program with a libcrypto.so that a
  # provider module pulled in with dlopen. It is counted apart (n_unreached),
  # not as a failure; a process that did go through the shim must have its
  # heap in the arena.
  read -r n_ssl n_crypto n_heap n_not n_late n_reports n_unreached <<<"$(awk '
    /^secretmode: shim wrapped [0-9]+ libssl and [0-9]+ libcrypto calls$/ { s += $4; c += $7; n++; last = $4 + $7 }
    /^secretmode: OpenSSL.s heap is in the secret arena$/ { h++ }
    /^secretmode: OpenSSL.s heap is NOT in the secret arena$/ { if (last == 0) unreached++; else bad++ }
    /^secretmode: OpenSSL has allocated memory already/ { late++ }
    END { printf "%d %d %d %d %d %d %d\n", s, c, h, bad, late, n, unreached }' "$f.log")"
  silent_reports=$((silent_reports + n_reports - n_heap - n_not - n_unreached))
  total_unreached=$((total_unreached + n_unreached))
  kind="${KIND[$r]:-any}"
  why=""
  if [[ "$rc" != 0 ]]; then
    why="harness exit $rc"
  elif grep -qE "^[0-9]{2}-$r\.t \.+ skipped" "$f.log"; then
    why="skipped: $(grep -E "^[0-9]{2}-$r\.t \.+ skipped" "$f.log" | sed 's/.*skipped: //')"
  elif ! grep -q '^Result: PASS$' "$f.log"; then
    why="no PASS from the harness"
  elif [[ $n_not -gt 0 || $n_late -gt 0 ]]; then
    why="$((n_not + n_late)) process(es) with OpenSSL's heap outside the secret arena"
  else
    case "$kind" in
      tls) [[ $n_ssl -gt 0 && $n_heap -gt 0 ]] || why="no libssl call wrapped: was the shim preloaded?" ;;
      crypto) [[ $n_crypto -gt 0 && $n_heap -gt 0 ]] || why="no libcrypto call wrapped: was the shim preloaded?" ;;
      heap) [[ $n_heap -gt 0 ]] || why="no process reported OpenSSL's heap in the arena" ;;
    esac
  fi
  if [[ -z "$why" ]]; then
    passed=$((passed + 1)); result=ok; note=""
    [[ "$kind" == static ]] && note="static OpenSSL: wrappers cannot reach it"
  else
    failed=$((failed + 1)); result=FAIL
    # Is it the shim's? The same recipe without it.
    run_one "$r" plain
    read -r prc _ <"$LOGS/$r.plain.rc"
    if [[ "$prc" == 0 ]] && grep -q '^Result: PASS$' "$LOGS/$r.plain.log"; then
      note="$why; passes WITHOUT the shim (log: $f.log)"
    else
      note="$why; fails without the shim too (logs: $f.log, $LOGS/$r.plain.log)"
    fi
    failures+=("$r: $note")
  fi
  total_ssl=$((total_ssl + n_ssl)); total_crypto=$((total_crypto + n_crypto)); total_heap=$((total_heap + n_heap))
  printf '%-24s %-6s %-7s %6s %9d %11d %5d  %s\n' "$r" "$kind" "$result" "$secs" "$n_ssl" "$n_crypto" "$n_heap" "$note"
done

echo
log "OpenSSL $(cat .debian-version 2>/dev/null) from $TREE; build ${build_seconds}s (0 = cached), recipes ${tests_seconds}s, total $((SECONDS - t_start))s"
log "wrapped in secret mode: $total_ssl libssl and $total_crypto libcrypto calls; $total_heap processes had OpenSSL's heap in the secret arena"
if [[ $total_unreached -gt 0 ]]; then
  log "not covered: $total_unreached processes wrapped no call and had an OpenSSL heap outside the arena (static test programs whose provider modules loaded libcrypto.so with dlopen); the shim reported each"
fi
if [[ $silent_reports -gt 0 ]]; then
  log "note: $silent_reports processes without libcrypto.so (perl, sed, statically linked tests) printed the shim's totals too"
fi
for f in "${failures[@]}"; do log "FAILED: $f"; done
echo "openssl_recipes: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
