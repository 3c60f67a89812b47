#!/usr/bin/env bash
# 19 kinds of tampering behind the application, each on a fresh copy of a generated database, each
# verified on the chain alone and against a signed checkpoint written just before the tampering.
# Usage: bench/tamper.sh [postgres://user@host:5432/anydb]   (PostgreSQL run only when given)
# Needs: a release build (cargo build --release), python3 with psycopg2 for PostgreSQL
# (pip install psycopg2-binary).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SECRETOME_BIN:-${CARGO_TARGET_DIR:-target}/release/secretome}
WORK=${WORK:-$(mktemp -d /tmp/secretome-tamper.XXXXXX)}
exec python3 bench/tamper.py "$BIN" "$WORK" "${1:-}"
