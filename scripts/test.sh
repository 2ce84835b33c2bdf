#!/usr/bin/env bash
# The project's test command: installs dependencies, runs every test plainly, then the
# sanitizer-eligible tests under --config=asan (ASan+UBSan) and --config=tsan, then the tests
# built for linux/arm64 under qemu-user (--config=arm64), then runs each fuzzer of //fuzz for
# 20 s (scripts/fuzz.sh; FUZZ_SECONDS overrides), and prints one closing line
#   N passed, N failed
# counting test targets over all runs. Exits non-zero if anything failed or no test ran.
# Extra arguments are passed to every `bazel test` invocation (e.g. --test_filter=...).
set -euo pipefail

# ---- What runs under the sanitizers. Patterns as for `bazel test -- PATTERNS`; a negative
# pattern for a directory that holds no BUILD file (yet) is dropped. Tests tagged "benchmark" or
# "no_sanitizers" are skipped in that run (tag a test "no_sanitizers" only with a reason
# in a comment beside it). -----------------------------------------------------------------
SANITIZER_TARGETS=(//... -//bench/...)
SANITIZER_TAG_FILTERS="-benchmark,-no_sanitizers"
SANITIZER_CONFIG="asan"
# A third run under ThreadSanitizer skips, in addition, tests tagged "no_tsan" (each
# carries its reason beside the tag in its BUILD file).
TSAN_TAG_FILTERS="-benchmark,-no_sanitizers,-no_tsan"
# Per-test timeouts in seconds for size small,medium,large,enormous (bazel's default is
# 60,300,900,3600); the environment variable TEST_TIMEOUT overrides. A test that hangs
# fails as TIMEOUT instead of stalling the run.
TEST_TIMEOUT="${TEST_TIMEOUT:-60,300,900,900}"
# Upper bound for one whole `bazel test` invocation (build + tests), for `timeout(1)`.
BAZEL_INVOCATION_TIMEOUT="40m"
# -------------------------------------------------------------------------------------------

cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== setup"
scripts/setup.sh

COMMON_FLAGS=(
  --keep_going
  --test_timeout="$TEST_TIMEOUT"
  --test_output=errors
  --test_summary=short
  --color=no
  --curses=no
  --show_progress_rate_limit=15
)

LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT

total_passed=0
total_failed=0
overall_ok=1

# run_tests LABEL BAZEL_TEST_ARGS... : runs bazel test, shows its output, tallies the
# per-target result lines of its summary.
run_tests() {
  local label="$1"; shift
  local log="$LOGDIR/$label.log"
  echo "== bazel test ($label)"
  local rc
  set +e
  timeout --signal=INT --kill-after=60 "$BAZEL_INVOCATION_TIMEOUT" \
    bazel test "${COMMON_FLAGS[@]}" "$@" </dev/null 2>&1 | tee "$log"
  rc="${PIPESTATUS[0]}"
  set -e

  # Summary lines look like:  //pkg:target   (cached) PASSED in 0.1s
  #                           //pkg:target   FAILED TO BUILD
  local results passed failed
  results="$(grep -E '^(@[^ ]*)?//[^ ]+ +(\(cached\) )?(PASSED|FLAKY|FAILED|TIMEOUT|INCOMPLETE|NO STATUS|REMOTE FAILURE|FAILED TO BUILD)( |$)' "$log" || true)"
  passed="$(grep -cE ' (PASSED|FLAKY)( |$)' <<<"$results" || true)"
  failed="$(grep -vcE ' (PASSED|FLAKY)( |$)|^$' <<<"$results" || true)"

  case "$rc" in
    0) ;;                                   # all built, all tests passed
    3) ;;                                   # some tests failed: counted above
    4) echo "test.sh: ($label) no test targets found" ;;
    124|137) echo "test.sh: ($label) bazel test exceeded $BAZEL_INVOCATION_TIMEOUT"
       overall_ok=0; [[ "$failed" -gt 0 ]] || failed=1 ;;
    *) echo "test.sh: ($label) bazel exited with code $rc (see errors above; code 1 = a target failed to build)"
       overall_ok=0; [[ "$failed" -gt 0 ]] || failed=1 ;;
  esac
  echo "test.sh: ($label) run: passed=$passed failed=$failed"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
}

# 1. Everything, no sanitizer (also builds the non-test targets: binaries, benchmarks), and
# BoringSSL's own suites (not under the sanitizers: they are BoringSSL's code, and slow there).
run_tests plain "$@" -- //... @boringssl//:crypto_test @boringssl//:ssl_test @boringssl//:urandom_test \
  @boringssl//:bssl

# 2. Sanitizer run over SANITIZER_TARGETS (only test targets are built).
san_targets=()
for pattern in "${SANITIZER_TARGETS[@]}"; do
  if [[ "$pattern" == -//* ]]; then
    # bazel rejects "-//dir/..." when dir holds no package; skip such patterns.
    dir="${pattern#-//}"; dir="${dir%%:*}"; dir="${dir%...}"; dir="${dir:-.}"
    if [[ -z "$(find "$dir" \( -name BUILD -o -name BUILD.bazel \) -print -quit 2>/dev/null)" ]]; then
      continue
    fi
  fi
  san_targets+=("$pattern")
done
run_tests "$SANITIZER_CONFIG" --config="$SANITIZER_CONFIG" --build_tests_only \
  --test_tag_filters="$SANITIZER_TAG_FILTERS" "$@" -- "${san_targets[@]}"

# 3. ThreadSanitizer over the same targets.
run_tests tsan --config=tsan --build_tests_only \
  --test_tag_filters="$TSAN_TAG_FILTERS" "$@" -- "${san_targets[@]}"

# 4. linux/arm64: the tests cross-built for aarch64 and run under qemu-user (--config=arm64
# in .bazelrc: it leaves out sh_tests, benchmarks and the tests tagged no_qemu, and skips
# what needs Debian's x86_64-only OpenSSL).
run_tests arm64 --config=arm64 "$@" -- //tests/...

# 5. Fuzzing: every fuzzer of //fuzz (scripts/fuzz.sh: clang, libFuzzer, ASan+UBSan) for
# FUZZ_SECONDS each; each fuzzer counts as one target, passed or failed, as in run_tests.
# Their corpora already ran as tests above (//fuzz:*_corpus_test).
FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
run_fuzzers() {
  local log="$LOGDIR/fuzz.log"
  echo "== fuzzing (scripts/fuzz.sh $FUZZ_SECONDS)"
  local rc
  set +e
  timeout --signal=INT --kill-after=60 "$BAZEL_INVOCATION_TIMEOUT" \
    scripts/fuzz.sh "$FUZZ_SECONDS" </dev/null 2>&1 | tee "$log"
  rc="${PIPESTATUS[0]}"
  set -e
  # fuzz.sh's result lines look like bazel's:  //fuzz:NAME_fuzzer  PASSED in 20s: ...
  local results passed failed
  results="$(grep -E '^//fuzz:[^ ]+ +(PASSED|FAILED)( |$)' "$log" || true)"
  passed="$(grep -cE ' PASSED( |$)' <<<"$results" || true)"
  failed="$(grep -cE ' FAILED( |$)' <<<"$results" || true)"
  # A failure without a fuzzer's line (no fuzzer found, killed) counts once, as in run_tests.
  if [[ "$rc" -ne 0 && "$failed" -eq 0 ]]; then
    echo "test.sh: (fuzz) scripts/fuzz.sh exited with code $rc"
    overall_ok=0; failed=1
  fi
  echo "test.sh: (fuzz) run: passed=$passed failed=$failed"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
}
run_fuzzers

echo "=="
status=0
if [[ "$total_failed" -ne 0 || "$overall_ok" -ne 1 ]]; then status=1; fi
if [[ "$total_passed" -eq 0 && "$total_failed" -eq 0 ]]; then
  echo "test.sh: no test ran"; status=1
fi
# The closing line, alone, last: read by CI.
echo "${total_passed} passed, ${total_failed} failed"
exit "$status"
