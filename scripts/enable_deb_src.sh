#!/usr/bin/env bash
# enable_deb_src.sh: makes Debian source packages reachable with apt-get
# source. When apt has no deb-src entry yet, it derives them from the
# machine's own deb entries for this release (so no host name is written
# anywhere), writes them to /etc/apt/sources.list.d/secretmode-deb-src.*, and
# runs apt-get update. Idempotent: does nothing when deb-src entries exist.
# Used by scripts/setup.sh (BoringSSL's source) and
# tests/openssl_recipes_test.sh (OpenSSL's). Run as root.
set -euo pipefail

log() { printf 'enable_deb_src: %s\n' "$*"; }
die() { printf 'enable_deb_src: error: %s\n' "$*" >&2; exit 1; }

codename() { . /etc/os-release && printf '%s\n' "${VERSION_CODENAME:?}"; }

add_deb_src() {
  local code out_sources out_list f
  code="$(codename)"
  out_sources=/etc/apt/sources.list.d/secretmode-deb-src.sources
  out_list=/etc/apt/sources.list.d/secretmode-deb-src.list
  # deb822 files: each stanza whose Types has deb and whose Suites are this
  # release's (bookworm, bookworm-updates, bookworm-security), as deb-src.
  : >"$out_sources.tmp"
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" && "$f" != "$out_sources" ]] || continue
    awk -v code="$code" '
      function flush() {
        if (stanza != "" && is_deb && ours && !disabled) {
          print stanza_out; print ""
        }
        stanza = ""; stanza_out = ""; is_deb = 0; ours = 0; disabled = 0
      }
      /^[[:space:]]*$/ { flush(); next }
      {
        line = $0
        if (tolower($1) == "types:") {
          for (i = 2; i <= NF; i++) if ($i == "deb") is_deb = 1
          line = "Types: deb-src"
        }
        if (tolower($1) == "suites:") {
          for (i = 2; i <= NF; i++) if ($i == code || index($i, code "-") == 1) ours = 1
        }
        if (tolower($1) == "enabled:" && tolower($2) == "no") disabled = 1
        stanza = stanza $0 "\n"
        stanza_out = stanza_out (stanza_out == "" ? "" : "\n") line
      }
      END { flush() }' "$f" >>"$out_sources.tmp"
  done
  # One-line format: every "deb" line of this release, as deb-src.
  : >"$out_list.tmp"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" && "$f" != "$out_list" ]] || continue
    awk -v code="$code" '
      $1 == "deb" {
        # the suite follows the URI (after any [options])
        n = 2; if ($2 ~ /^\[/) { while (n <= NF && $n !~ /\]$/) n++; n++ }
        suite = $(n + 1)
        if (suite == code || index(suite, code "-") == 1) { sub(/^deb/, "deb-src"); print }
      }' "$f" >>"$out_list.tmp"
  done
  if [[ -s "$out_sources.tmp" ]]; then mv "$out_sources.tmp" "$out_sources"; else rm -f "$out_sources.tmp"; fi
  if [[ -s "$out_list.tmp" ]]; then mv "$out_list.tmp" "$out_list"; else rm -f "$out_list.tmp"; fi
  [[ -f "$out_sources" || -f "$out_list" ]] || die "found no deb entries for $code to derive deb-src entries from"
  log "added deb-src entries: $(ls "$out_sources" "$out_list" 2>/dev/null | tr '\n' ' ')"
}

if grep -rqsE '^[[:space:]]*(deb-src|Types:.*deb-src)' /etc/apt/sources.list \
     /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
  exit 0
fi
add_deb_src
log "apt-get update"
DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null ||
  die "apt-get update failed"
