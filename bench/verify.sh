#!/usr/bin/env bash
# `audit verify` against `sha256sum` on the same bytes: the events and audited rows, dumped as text by
# the engine's own client (sqlite3 / psql COPY), hashed by sha256sum; then `secretome audit verify`
# on the database. Prints both times (wall and CPU), the ratios sha256sum ÷ verify (goal ≥ 0.5) and verify's
# peak RSS.
# Usage: bench/verify.sh sqlite:///path/to/copy.db | postgres://user@host/db
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SECRETOME_BIN:-${CARGO_TARGET_DIR:-target}/release/secretome}
URL=$1
DUMP=$(mktemp /tmp/secretome-verify-bytes.XXXXXX)
trap 'rm -f "$DUMP"' EXIT
skip="'web_session', 'schema_migrations', 'sqlite_sequence'"
case "$URL" in
  sqlite://*)
    F=${URL#sqlite://}
    for t in $(sqlite3 "$F" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ($skip)"); do
      sqlite3 "$F" "SELECT * FROM $t" >> "$DUMP"
    done ;;
  postgres*)
    for t in $(psql "$URL" -Atc "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ($skip)"); do
      psql "$URL" -Atc "COPY $t TO STDOUT" >> "$DUMP"
    done ;;
esac
bytes=$(stat -c %s "$DUMP")
# Wall and CPU (user + sys) of each: on a shared machine the CPU ratio is the steadier one.
shaout=$( { /usr/bin/time -f "TIME %e %U %S" sha256sum "$DUMP" > /dev/null ; } 2>&1 )
read -r _ sha shau shas <<< "$(echo "$shaout" | grep '^TIME')"
out=$( { /usr/bin/time -f "TIME %e %M %U %S" "$BIN" audit verify --db "$URL" ; } 2>&1 )
echo "$out" | grep -v '^TIME'
read -r _ vt rss vu vs <<< "$(echo "$out" | grep '^TIME')"
shacpu=$(echo "$shau + $shas" | bc -l)
vcpu=$(echo "$vu + $vs" | bc -l)
printf '| %s | %.0f MB | sha256sum %.2f s (CPU %.2f s) | verify %.2f s (CPU %.2f s) | ratio %.2f (CPU %.2f) | verify peak RSS %d MB |\n' \
  "${URL%%\?*}" "$(echo "$bytes / 1000000" | bc -l)" "$sha" "$shacpu" "$vt" "$vcpu" \
  "$(echo "$sha / $vt" | bc -l)" "$(echo "$shacpu / $vcpu" | bc -l)" "$((rss / 1024))"
