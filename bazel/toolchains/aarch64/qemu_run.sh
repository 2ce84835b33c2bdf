#!/bin/sh
# Runs an aarch64 test binary on this x86_64 machine under qemu-user: `bazel test --config=arm64`
# puts it in front of every test (--run_under, see //:.bazelrc). Usage: qemu_run.sh BINARY [ARGS...]
#
# qemu is called explicitly rather than through binfmt_misc (qemu-user-binfmt): these machines
# have no binfmt_misc mounted and no systemd to register handlers, and an explicit call works
# on any machine with the package. The price: a test that execs another aarch64 program (a
# child binary, gtest's "threadsafe" death tests) gets ENOEXEC, since the kernel cannot run it.
# Also know: qemu runs a helper thread of its own, visible in /proc/self/task and
# /proc/self/status, so a single-threaded test program sees two threads.
#
# -L: the aarch64 dynamic loader and libraries (libc6-arm64-cross, libstdc++6-arm64-cross).
# -cpu max: every feature qemu emulates, in particular SVE/SVE2 (512-bit vectors by default in
# user mode) and SME, so that register-erasure code for aarch64 is tested against the largest
# register state the port must clear. (qemu 7.2's default CPU for user mode is the same today;
# naming it keeps that from changing under us.) SECRETMODE_QEMU_CPU overrides it, e.g.
#   bazel test --config=arm64 --test_env=SECRETMODE_QEMU_CPU=max,sve-default-vector-length=16 ...
# for 128-bit SVE as on Neoverse N2, or =cortex-a72 for a CPU without SVE.
set -eu

if [ "$#" -lt 1 ]; then
  echo "usage: $0 BINARY [ARGS...]" >&2
  exit 2
fi

# An ELF file starts with 0x7f 'E' 'L' 'F'. Anything else (an sh_test's script) would only get
# qemu's terse "Invalid ELF image"; say what to do instead.
magic="$(head -c 4 "$1" | od -An -c | tr -d ' ')"
if [ "$magic" != '177ELF' ]; then
  echo "qemu_run.sh: $1 is not an ELF binary (an sh_test?); it cannot run under qemu." >&2
  echo "qemu_run.sh: --config=arm64 leaves sh_tests out (--test_lang_filters=-sh); was it overridden?" >&2
  exit 2
fi

# The same settings as environment variables (qemu reads them too), so that on a machine where
# binfmt_misc does hand aarch64 binaries to qemu, programs the test execs run like the test
# itself (tried here by registering a handler by hand: the re-exec'ing death tests then run).
QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
QEMU_CPU="${SECRETMODE_QEMU_CPU:-max}"
export QEMU_LD_PREFIX QEMU_CPU
exec /usr/bin/qemu-aarch64 -L "$QEMU_LD_PREFIX" -cpu "$QEMU_CPU" "$@"
