#!/usr/bin/env bash
# Builds every fuzzer of //fuzz with --config=fuzz (clang 14, libFuzzer, ASan+UBSan) and runs
# each for SECONDS (default 60), then prints one line per fuzzer:
#   //fuzz:NAME_fuzzer  PASSED in 60s: 1234567 executions, cov: 456 ft: 789, corpus: 87, 0 crashes
# (FAILED, with the sanitizer's report above it and the input that crashed, when a crash, hang
# (-timeout=10 s per input), leak or out-of-memory was found). Exits non-zero if any fuzzer
# failed or did not build. scripts/test.sh runs it (20 s each) as its fifth stage.
#
# Usage: scripts/fuzz.sh [SECONDS] [NAME...]   (NAME: key_log, core_file, ...; default all)
#
# Each fuzzer starts from its seeds, fuzz/corpus/NAME/ (read only: the tree is never written),
# and from what earlier runs found, kept in $FUZZ_WORKDIR/corpus/NAME/ (default
# ~/.cache/secretmode/fuzz), so coverage builds up over runs. Inputs that failed are saved as
# $FUZZ_WORKDIR/artifacts/NAME/crash-* (leak-*, timeout-*, oom-*); to replay one under gdb or
# with the default toolchain: bazel run //fuzz:NAME_fuzzer -- FILE. Once the bug is fixed, copy
# the input into fuzz/corpus/NAME/ so that //fuzz:NAME_corpus_test keeps it fixed.
set -euo pipefail

# ---- Settings --------------------------------------------------------------------------------
SECONDS_PER_FUZZER="${1:-60}"
[[ $# -gt 0 ]] && shift
ONLY=("$@")
WORKDIR="${FUZZ_WORKDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/secretmode/fuzz}"
# libFuzzer's own limits: seconds per input (a hang beyond it is a failure), memory.
PER_INPUT_TIMEOUT=10
RSS_LIMIT_MB=2048
# A fuzzer that does not stop on its own this long after SECONDS is killed and fails.
GRACE_SECONDS=120
# ----------------------------------------------------------------------------------------------

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! [[ "$SECONDS_PER_FUZZER" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS] [NAME...]" >&2
  exit 2
fi

BAZEL_FLAGS=(--config=fuzz --color=no --curses=no --show_progress_rate_limit=15)

# The fuzzers are the cc_binaries sm_fuzz_target tags "fuzzer" (fuzz/fuzz.bzl).
mapfile -t all_targets < <(bazel query --color=no --curses=no \
  'attr(tags, "\bfuzzer\b", kind(cc_binary, //fuzz:all))' 2>/dev/null | sort)
targets=()
for target in "${all_targets[@]}"; do
  name="${target#//fuzz:}"; name="${name%_fuzzer}"
  if [[ ${#ONLY[@]} -eq 0 ]] || printf '%s\n' "${ONLY[@]}" | grep -qxF "$name"; then
    targets+=("$target")
  fi
done
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz.sh: no fuzzers found (bazel query over //fuzz; names: ${ONLY[*]:-all})" >&2
  exit 1
fi

echo "== fuzz.sh: building ${#targets[@]} fuzzer(s) (--config=fuzz)"
if ! bazel build "${BAZEL_FLAGS[@]}" -- "${targets[@]}" </dev/null; then
  for target in "${targets[@]}"; do echo "$target  FAILED TO BUILD"; done
  echo "fuzz.sh: 0 passed, ${#targets[@]} failed"
  exit 1
fi
bin_dir="$(bazel info "${BAZEL_FLAGS[@]}" bazel-bin 2>/dev/null)"

# Symbolized reports (llvm-symbolizer from llvm-14) and stack traces for UBSan too.
symbolizer=/usr/bin/llvm-symbolizer-14
[[ -x "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

logdir="$(mktemp -d)"
trap 'rm -rf "$logdir"' EXIT

passed=0
failed=0
results=()
for target in "${targets[@]}"; do
  fuzzer="${target#//fuzz:}"
  name="${fuzzer%_fuzzer}"
  corpus="$WORKDIR/corpus/$name"
  artifacts="$WORKDIR/artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  args=(
    -max_total_time="$SECONDS_PER_FUZZER"
    -timeout="$PER_INPUT_TIMEOUT"
    -rss_limit_mb="$RSS_LIMIT_MB"
    -print_final_stats=1
    -artifact_prefix="$artifacts/"
  )
  [[ -f "fuzz/dict/$name.dict" ]] && args+=(-dict="fuzz/dict/$name.dict")
  log="$logdir/$name.log"
  marker="$logdir/$name.start"
  touch "$marker"
  echo "== fuzz.sh: $target for ${SECONDS_PER_FUZZER}s"
  start=$SECONDS
  set +e
  # The first corpus directory receives what the run finds; the seeds are only read.
  timeout --signal=KILL "$((SECONDS_PER_FUZZER + GRACE_SECONDS))" \
    "$bin_dir/fuzz/$fuzzer" "${args[@]}" "$corpus" "fuzz/corpus/$name" </dev/null >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$((SECONDS - start))

  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  # The last status line, e.g. "#123456<TAB>DONE   cov: 456 ft: 789 corp: 87/2345b ...".
  status="$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -1 || true)"
  cov="$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+).*/cov: \1 ft: \2/p' <<<"$status")"
  corp="$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$status")"
  mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f -newer "$marker" | sort)
  summary="${executions:-0} executions, ${cov:-cov: ?}, corpus: ${corp:-?}, ${#found[@]} crashes"
  if [[ "$rc" -eq 0 && ${#found[@]} -eq 0 ]]; then
    passed=$((passed + 1))
    results+=("$target  PASSED in ${elapsed}s: $summary")
  else
    failed=$((failed + 1))
    # The sanitizer's report and libFuzzer's closing lines.
    grep -vE '^#[0-9]+[[:space:]]' "$log" | tail -60
    case "$rc" in
      137) why="killed after $((SECONDS_PER_FUZZER + GRACE_SECONDS))s" ;;
      *) why="exit code $rc" ;;
    esac
    results+=("$target  FAILED in ${elapsed}s ($why): $summary")
    for input in "${found[@]}"; do
      results+=("    input: $input  (replay: bazel run //fuzz:$fuzzer -- $input)")
    done
  fi
done

echo "=="
printf '%s\n' "${results[@]}"
echo "fuzz.sh: $passed passed, $failed failed (corpora and inputs found: $WORKDIR)"
[[ "$failed" -eq 0 ]]
