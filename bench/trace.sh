#!/usr/bin/env bash
# Trace at scale (issue 5, "Scale"): generate a synthetic history of VIALS vials and PATIENTS
# patients (5 years, 3 sites) with the release binary, on a SQLite file and on a fresh PostgreSQL
# database, check its audit chain, then time a forward trace from a donor and from a raw-material lot
# against fetching the same result rows (the edges found) by primary key — `secretome bench-trace`
# prints both medians and their ratio (the goal: within 3×).
#
# Usage: bench/trace.sh [VIALS] [PATIENTS]        (default 1000000 100000)
#   BIN        the secretome binary (default: built here with `cargo build --release -p secretome-cli`,
#              its path taken from `cargo metadata`, so CARGO_TARGET_DIR is honoured)
#   PG_ADMIN   a PostgreSQL URL to create the bench database from (default postgres://postgres@127.0.0.1:5432/postgres)
#   PG_DB      the database to (re)create (default secretome_bench)
#   WORK       where the SQLite file goes (default /tmp/secretome-bench)
#   BACKENDS   "sqlite postgres" (default) or one of them
#   VERIFY     1 (default) runs `audit verify` on each generated database
# Needs: cargo (unless BIN is given), psql.
set -euo pipefail
cd "$(dirname "$0")/.."
VIALS="${1:-1000000}"
PATIENTS="${2:-100000}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DB="${PG_DB:-secretome_bench}"
WORK="${WORK:-/tmp/secretome-bench}"
BACKENDS="${BACKENDS:-sqlite postgres}"
VERIFY="${VERIFY:-1}"
if [ -z "${BIN:-}" ]; then
  cargo build --release -p secretome-cli
  TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  BIN="$TARGET/release/secretome"
fi
mkdir -p "$WORK"

run() {
  local name="$1" url="$2"
  echo "== $name: generate $VIALS vials, $PATIENTS patients"
  local t0=$SECONDS
  "$BIN" generate --db "$url" --vials "$VIALS" --patients "$PATIENTS" --years 5 --sites 3 --seed 1
  echo "generate wall time: $((SECONDS - t0)) s"
  if [ "$VERIFY" = 1 ]; then
    t0=$SECONDS
    "$BIN" audit verify --db "$url"
    echo "audit verify wall time: $((SECONDS - t0)) s"
  fi
  echo "== $name: bench-trace"
  "$BIN" bench-trace --db "$url" --repeat 15
}

for b in $BACKENDS; do
  case "$b" in
    sqlite)
      DB="$WORK/trace-$VIALS.db"
      rm -f "$DB" "$DB-wal" "$DB-shm"
      run SQLite "sqlite://$DB"
      ls -l "$DB" | awk '{print "SQLite file: " $5/1e6 " MB"}'
      ;;
    postgres)
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
      PG_URL="${PG_ADMIN%/*}/$PG_DB"
      run PostgreSQL "$PG_URL"
      psql -qtA "$PG_URL" -c "SELECT 'PostgreSQL database: ' || pg_database_size(current_database())/1000000 || ' MB'"
      ;;
    *) echo "unknown backend $b" >&2; exit 2 ;;
  esac
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
