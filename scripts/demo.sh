#!/usr/bin/env bash
# Runs the project's demo: installs dependencies, then `bazel run //interop:demo`: a real TLS
# server (openssl s_server) and client, once as Debian ships them and once with secretmode's
# shim preloaded; after the connection closes, keyscan searches the server's memory for the
# session's secrets, keys and IVs, and the two reports are printed side by side.
# Arguments are passed to the demo program.
set -euo pipefail

DEMO_TARGET="//interop:demo"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh

if ! bazel query --color=no --curses=no "$DEMO_TARGET" </dev/null >/dev/null 2>&1; then
  echo "demo.sh: the demo target $DEMO_TARGET does not exist (yet) or its package fails to load." >&2
  echo "demo.sh: check with: bazel query $DEMO_TARGET" >&2
  exit 1
fi

exec bazel run --color=no --curses=no "$DEMO_TARGET" -- "$@"
