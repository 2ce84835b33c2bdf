#!/usr/bin/env bash
# boringssl_patch_series_test.sh: patches/boringssl/series, WORKSPACE's
# @boringssl and the README's example for downstream workspaces list the same
# patches in the same order, and the series applies
# cleanly (patch --dry-run, in order) to the pristine BoringSSL source that
# scripts/setup.sh fetched, checked by the sha256 WORKSPACE pins.
set -euo pipefail

RUNFILES="${TEST_SRCDIR}/secretmode"
SERIES_DIR="$RUNFILES/patches/boringssl"
WORKSPACE_FILE="$RUNFILES/WORKSPACE"
README_FILE="$RUNFILES/README.md"
source "${TEST_SRCDIR}/secretmode/tests/support/shell_test.sh"

series="$(grep -vE '^[[:space:]]*(#|$)' "$SERIES_DIR/series")"
[[ -n "$series" ]] || fail "empty series"
in_workspace="$(sed -n 's|^ *"//patches/boringssl:\(.*\.patch\)",$|\1|p' "$WORKSPACE_FILE")"
[[ "$series" == "$in_workspace" ]] ||
  fail "series and WORKSPACE differ:"$'\n'"series:"$'\n'"$series"$'\n'"WORKSPACE:"$'\n'"$in_workspace"
in_readme="$(sed -n 's|^ *"@secretmode//patches/boringssl:\(.*\.patch\)",$|\1|p' "$README_FILE")"
[[ "$series" == "$in_readme" ]] ||
  fail "series and the README's example differ:"$'\n'"series:"$'\n'"$series"$'\n'"README:"$'\n'"$in_readme"
for p in "$SERIES_DIR"/*.patch; do
  grep -qxF "$(basename "$p")" <<<"$series" || fail "$(basename "$p") is not in the series"
done

url="$(sed -n 's|^ *urls = \["file://\(.*\)"\],$|\1|p' "$WORKSPACE_FILE" | head -n 1)"
sha="$(grep -A4 'name = "boringssl"' "$WORKSPACE_FILE" >/dev/null; sed -n '/name = "boringssl"/,/^)/s/^ *sha256 = "\(.*\)",$/\1/p' "$WORKSPACE_FILE")"
prefix="$(sed -n '/name = "boringssl"/,/^)/s/^ *strip_prefix = "\(.*\)",$/\1/p' "$WORKSPACE_FILE")"
[[ -f "$url" ]] || fail "no source tarball at $url (scripts/setup.sh fetches it)"
echo "$sha  $url" | sha256sum --check --status || fail "$url does not match sha256 $sha"
tar -xf "$url" -C "$WORK"
cd "$WORK/$prefix"
n=0
while read -r name; do
  patch -p1 --dry-run --quiet <"$SERIES_DIR/$name" >/dev/null ||
    fail "$name does not apply cleanly after the patches before it"
  patch -p1 --quiet <"$SERIES_DIR/$name" >/dev/null
  n=$((n + 1))
done <<<"$series"
echo "PASS: $n patches, in WORKSPACE's order, apply cleanly to $(basename "$url")"
