#!/usr/bin/env bash
# matrix.sh: runs interop/matrix.py with the programs Bazel built for it (its
# runfiles): `bazel run //interop:matrix -- [--results interop/RESULTS.md]`,
# `bazel run //interop:demo`, or as a test. Under `bazel run`, relative paths
# in the arguments are the workspace's.
set -euo pipefail

if [[ -n "${TEST_SRCDIR:-}" ]]; then
  RUNFILES="$TEST_SRCDIR"
elif [[ -n "${RUNFILES_DIR:-}" ]]; then
  RUNFILES="$RUNFILES_DIR"
else
  RUNFILES="$0.runfiles"
fi
RUNFILES="$(cd "$RUNFILES" && pwd)"
[[ -n "${BUILD_WORKSPACE_DIRECTORY:-}" ]] && cd "$BUILD_WORKSPACE_DIRECTORY"
exec python3 "$RUNFILES/secretmode/interop/matrix.py" --tools "$RUNFILES" "$@"
