#!/usr/bin/env bash
# Installs everything this project needs to build and test, from Debian's archive only.
# Idempotent and fast when already done: apt-get runs only if a package is missing.
# Usage: scripts/setup.sh   (as root, or with sudo available)
set -euo pipefail

# ---- The one list of Debian packages the project needs. Add new ones here. ----
PACKAGES=(
  # Bazel 4.2.3 and the repositories WORKSPACE points at:
  bazel-bootstrap     # /usr/bin/bazel (pulls in a JDK)
  bazel-rules-java    # /usr/share/bazel/rules/java      -> @rules_java
  bazel-platforms     # /usr/share/bazel/tools/platforms -> @platforms
  # Compiler and sanitizer runtimes (gcc 12):
  g++
  libasan8            # -fsanitize=address   (--config=asan)
  libubsan1           # -fsanitize=undefined (--config=asan)
  libtsan2            # -fsanitize=thread    (--config=tsan)
  # Test and benchmark libraries (wrapped by bazel/third_party/*.BUILD):
  libgtest-dev        # @gtest//:gtest, @gtest//:gtest_main
  libgmock-dev        # @gtest//:gmock
  libbenchmark-dev    # @benchmark//:benchmark, @benchmark//:benchmark_main
  # Debugging and dynamic analysis:
  gdb
  valgrind            # also /usr/include/valgrind/valgrind.h
  # TLS libraries, and unmodified OpenSSL programs the shim is preloaded into:
  openssl
  libssl-dev
  curl
  nginx-light         # its service is never started (see policy-rc.d below)
  python3             # loads libssl with dlopen (the ssl module)
  iproute2            # ss: interop tests wait until their servers listen
  # Baselines for the allocator benchmark (sodium_malloc):
  libsodium-dev
  # OpenSSL's own test recipes (tests/openssl_recipes_test.sh builds its source):
  make
  libc6-dev
  perl                # Test::More, TAP::Harness (perl-base lacks them)
  dpkg-dev            # dpkg-source, which apt-get source unpacks with
  # Cross build for linux/aarch64 (--config=arm64, bazel/toolchains/aarch64), tests under qemu:
  g++-aarch64-linux-gnu  # aarch64-linux-gnu-gcc/g++, binutils and libc6-dev-arm64-cross
  qemu-user           # qemu-aarch64, run explicitly with -L (see qemu_run.sh there)
  googletest          # /usr/src/googletest: @gtest built from source for non-x86_64 targets
  # Fuzzing (--config=fuzz, bazel/toolchains/clang, scripts/fuzz.sh): gcc has no libFuzzer.
  clang-14            # /usr/bin/clang-14 (uses gcc 12's libstdc++)
  libclang-rt-14-dev  # libFuzzer and clang's ASan/UBSan runtimes, FuzzedDataProvider.h
  llvm-14             # llvm-symbolizer-14: symbolized sanitizer reports
)

# Recommended by a package above but kept out: qemu-user recommends qemu-user-binfmt, which
# qemu-user-static also provides. Either registers binfmt_misc handlers (through systemd or
# binfmt-support) that these machines, without systemd as init and without binfmt_misc
# mounted, do not get; --config=arm64 calls qemu explicitly instead. Excluded only while not
# installed, so a deliberate install by hand is left alone.
NOT_WANTED=(
  qemu-user-binfmt
  qemu-user-static
)

# ---- Source packages Bazel builds from (WORKSPACE points at DISTFILES), with their sha256. ----
DISTFILES=/var/cache/secretmode/distfiles
SOURCE_TARBALLS=(
  # BoringSSL 13.0.0+r24 (@boringssl), from android-platform-external-boringssl.
  "android-platform-external-boringssl android-platform-external-boringssl_13.0.0+r24.orig.tar.xz 583b7aeee1fca68b8244d086cea6fca23bd19d517bd63f0b9de714e048f92a7d"
)
# ---------------------------------------------------------------------------------

log() { printf 'setup: %s\n' "$*"; }

# quiet COMMAND...: runs it with its output in a file, shown only if it fails (then exits).
quietlog="$(mktemp)"
trap 'rm -f "$quietlog"' EXIT
quiet() {
  if ! "$@" </dev/null >"$quietlog" 2>&1; then
    cat "$quietlog" >&2; log "error: $* failed"; exit 1
  fi
}
run_apt() { quiet $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    log "error: not root and no sudo; cannot install packages"; exit 1; fi
fi

# One dpkg-query for all packages; anything not reported as "installed" is missing.
installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)"
missing=()
for pkg in "${PACKAGES[@]}"; do
  grep -qxF "$pkg installed" <<<"$installed" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all ${#PACKAGES[@]} packages already installed"
else
  log "missing: ${missing[*]}"
  log "apt-get update"
  run_apt update
  log "apt-get install ${missing[*]}"
  # Packages with services (nginx) must not start them: tests run their own
  # instances on loopback ports. policy-rc.d says so to the maintainer scripts.
  policy=/usr/sbin/policy-rc.d
  own_policy=""
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# secretmode setup: start no services while installing\nexit 101\n' |
      $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    own_policy=1
  fi
  # apt's "PACKAGE-" keeps PACKAGE out of this install.
  exclude=()
  for pkg in "${NOT_WANTED[@]}"; do
    dpkg-query -W -f='${db:Status-Status}\n' "$pkg" 2>/dev/null | grep -qx installed ||
      exclude+=("$pkg-")
  done
  run_apt install -y "${missing[@]}" "${exclude[@]}"
  if [[ -n "$own_policy" ]]; then $SUDO rm -f "$policy"; fi
  log "installed ${#missing[@]} package(s)"
fi

# Source tarballs: fetched once with apt-get source --download-only, checked by sha256.
for entry in "${SOURCE_TARBALLS[@]}"; do
  read -r package file sha256 <<<"$entry"
  if [[ ! -f "$DISTFILES/$file" ]]; then
    log "fetching $file (apt-get source $package)"
    "$(dirname "${BASH_SOURCE[0]}")/enable_deb_src.sh"
    $SUDO mkdir -p "$DISTFILES"
    (cd "$DISTFILES" && quiet $SUDO apt-get source --download-only "$package")
  fi
  if ! echo "$sha256  $DISTFILES/$file" | sha256sum --check --status; then
    log "error: $DISTFILES/$file does not have sha256 $sha256"; exit 1
  fi
done

# OpenSSL for linux/aarch64 (--config=arm64; @openssl_arm64 in WORKSPACE): Debian's arm64
# packages unpacked into ARM64_SYSROOT, not installed. Installing them would install
# libc6:arm64 too, which the aarch64 loader under qemu then finds beside the cross
# toolchain's libc (libc6-arm64-cross), and the two builds of libc do not mix (programs hang).
# arm64 is a dpkg architecture only while the packages are downloaded.
ARM64_SYSROOT=/var/cache/secretmode/arm64-sysroot
ARM64_PACKAGES=(libssl-dev:arm64 libssl3:arm64)
if [[ ! -e "$ARM64_SYSROOT/usr/lib/aarch64-linux-gnu/libssl.so.3" ]]; then
  log "unpacking ${ARM64_PACKAGES[*]} into $ARM64_SYSROOT"
  added_arm64=""
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    quiet $SUDO dpkg --add-architecture arm64
    added_arm64=1
  fi
  run_apt update
  debs="$(mktemp -d)"
  chmod 755 "$debs"
  (cd "$debs" && quiet $SUDO apt-get download "${ARM64_PACKAGES[@]}")
  $SUDO mkdir -p "$ARM64_SYSROOT"
  for deb in "$debs"/*.deb; do quiet $SUDO dpkg -x "$deb" "$ARM64_SYSROOT"; done
  rm -rf "$debs"
  if [[ -n "$added_arm64" ]]; then quiet $SUDO dpkg --remove-architecture arm64; fi
fi

# Sanity checks on what WORKSPACE and the build rely on.
for path in /usr/bin/bazel /usr/share/bazel/rules/java /usr/share/bazel/tools/platforms \
            /usr/include/gtest/gtest.h /usr/include/gmock/gmock.h \
            /usr/include/benchmark/benchmark.h /usr/include/valgrind/valgrind.h \
            /usr/include/openssl/ssl.h /usr/include/sodium.h \
            /usr/bin/curl /usr/sbin/nginx /usr/bin/python3 \
            /usr/bin/aarch64-linux-gnu-gcc /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 \
            /usr/bin/qemu-aarch64 /usr/src/googletest/googletest/src/gtest.cc \
            /usr/bin/clang-14 /usr/bin/llvm-symbolizer-14 \
            "$ARM64_SYSROOT/usr/lib/aarch64-linux-gnu/libssl.so.3" \
            "$ARM64_SYSROOT/usr/include/aarch64-linux-gnu/openssl/opensslconf.h"; do
  [[ -e "$path" ]] || { log "error: expected $path after install"; exit 1; }
done
log "ok"
