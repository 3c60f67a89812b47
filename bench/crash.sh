#!/usr/bin/env bash
# kill -9 trials under concurrent API writes: every acknowledged write must survive and the audit
# chain must verify after each crash. Usage: bench/crash.sh [TRIALS] [postgres://user@host:5432/anydb]
# Needs: a release build (cargo build --release); psql for the PostgreSQL run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SECRETOME_BIN:-${CARGO_TARGET_DIR:-target}/release/secretome}
WORK=${WORK:-$(mktemp -d /tmp/secretome-crash.XXXXXX)}
exec python3 bench/crash.py "$BIN" "$WORK" "${1:-30}" "${2:-}"
