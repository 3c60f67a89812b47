#!/usr/bin/env bash
# Every page fast at a million vials (issue 19): for each database size and backend, serve a copy
# of a generated database (migrated to this binary's schema) and print each page's and API list's
# median ÷ the static asset's median (same server, same run), the growth between sizes, a wrk run
# on the main pages, and the longest stall of a concurrent write while a donor recall and the
# expiry sweep run (on the copy; the generated databases are never changed).
#
# Usage: bench/web.sh [SIZES]            (default "10k 100k 1m")
#   BIN       the secretome binary (default: built here, `cargo build --release -p secretome-cli`)
#   DBDIR     where generated databases are reused from / made in (default /work/bench-db):
#             SQLite  DBDIR/<size>.db; PostgreSQL databases bench_<size> (made if missing)
#   WORK      where the copies and results go (default /tmp/secretome-web-bench)
#   BACKENDS  "sqlite postgres" (default) or one of them
#   PG_ADMIN  PostgreSQL URL of the server (default postgres://postgres@127.0.0.1:5432/postgres)
#   REPEAT    requests per page (default 15); WRK_SECONDS (default 10; 0 skips wrk); STALL 1|0
# Needs: python3, wrk (for the wrk run), psql/createdb (PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${1:-10k 100k 1m}"
DBDIR="${DBDIR:-/work/bench-db}"
WORK="${WORK:-/tmp/secretome-web-bench}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG_ADMIN%/*}"
REPEAT="${REPEAT:-15}"
WRK_SECONDS="${WRK_SECONDS:-10}"
STALL="${STALL:-1}"
PORT="${PORT:-18719}"
if [ -z "${BIN:-}" ]; then
  cargo build --release -p secretome-cli
  TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  BIN="$TARGET/release/secretome"
fi
mkdir -p "$WORK"
BASE="http://127.0.0.1:$PORT"

counts() { # size -> "vials patients"
  case "$1" in
    10k) echo "10000 1000" ;; 100k) echo "100000 10000" ;; 1m) echo "1000000 100000" ;;
    *) echo "unknown size $1" >&2; exit 2 ;;
  esac
}

serve() { # url
  "$BIN" serve --db "$1" --addr "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do
    curl -fs "$BASE/healthz" > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "server did not start" >&2; cat "$WORK/serve.log" >&2; exit 1
}

stop() { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; }

# Donor → tissue → cell bank → batch → harvest → lot (a genealogy edge) → unused vials, counted per
# lot first; the donor with the most.
DONOR_SQL="WITH l AS (SELECT lot, COUNT(*) AS n FROM vial WHERE status IN ('quarantine', 'available') GROUP BY lot)
SELECT t.donor FROM l
JOIN genealogy_edge e ON e.child_kind = 'lot' AND e.child_id = l.lot AND e.parent_kind = 'harvest'
JOIN harvest h ON h.id = e.parent_id
JOIN culture_batch b ON b.id = h.batch
JOIN cell_bank c ON c.id = b.cell_bank
JOIN tissue t ON t.id = c.tissue
GROUP BY t.donor ORDER BY SUM(l.n) DESC, t.donor LIMIT 1;"

donor_sql() { # url
  case "$1" in
    sqlite://*) sqlite3 "${1#sqlite://}" "$DONOR_SQL" ;;
    *) psql -qtA "$1" -c "$DONOR_SQL" ;;
  esac
}

measure() { # name url
  local name="$1" url="$2"
  "$BIN" migrate --db "$url" > /dev/null
  serve "$url"
  echo "== $name: pages (median of $REPEAT)"
  SERVER_PID=$SERVER python3 bench/web.py pages "$BASE" "$WORK/$name.json" "$REPEAT"
  if [ "$WRK_SECONDS" != 0 ] && command -v wrk > /dev/null; then
    local cookie
    cookie=$(python3 bench/web.py cookie "$BASE")
    for p in /static/app.css /lots /patients /api/v1/lots; do
      echo "== $name: wrk -t2 -c8 -d${WRK_SECONDS}s $p"
      wrk -t2 -c8 -d"${WRK_SECONDS}s" --latency -H "Cookie: $cookie" "$BASE$p" | grep -E "Requests/sec|50%|99%"
    done
  fi
  if [ "$STALL" = 1 ]; then
    local donor
    # The donor with the most vials still to block (a recall of a donor whose vials are all used
    # blocks nothing and measures nothing); the API's donor list as a fallback.
    donor=$(donor_sql "$url" || true)
    [ -n "$donor" ] || donor=$(python3 bench/web.py donor "$BASE")
    echo "== $name: longest concurrent write during a donor recall and the expiry sweep"
    python3 bench/web.py stall "$BASE" "$donor" recall
    python3 bench/web.py stall "$BASE" - sweep
  fi
  stop
}

for b in $BACKENDS; do
  files=()
  for size in $SIZES; do
    read -r vials patients < <(counts "$size")
    case "$b" in
      sqlite)
        src="$DBDIR/$size.db"
        if [ ! -f "$src" ]; then
          "$BIN" generate --db "sqlite://$src" --vials "$vials" --patients "$patients" --years 5 --sites 3 --seed 1
        fi
        copy="$WORK/$size.db"
        rm -f "$copy" "$copy-wal" "$copy-shm"
        sqlite3 "$src" ".backup '$copy'" 2> /dev/null || cp "$src" "$copy"
        measure "sqlite-$size" "sqlite://$copy"
        rm -f "$copy" "$copy-wal" "$copy-shm"
        ;;
      postgres)
        src="bench_$size"
        if ! psql -qtA "$PG_ADMIN" -c "SELECT 1 FROM pg_database WHERE datname = '$src'" | grep -q 1; then
          psql -q "$PG_ADMIN" -c "CREATE DATABASE $src"
          "$BIN" generate --db "$PG_BASE/$src" --vials "$vials" --patients "$patients" --years 5 --sites 3 --seed 1
        fi
        # What autovacuum does on a server that has been running: statistics, and the visibility
        # map that lets the covering indexes answer counts without visiting the table (a freshly
        # generated database has neither). The copy is a file copy and keeps both.
        psql -q "$PG_BASE/$src" -c "VACUUM ANALYZE"
        copy="${src}_web"
        psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $copy" -c "CREATE DATABASE $copy TEMPLATE $src"
        measure "postgres-$size" "$PG_BASE/$copy"
        psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $copy"
        ;;
      *) echo "unknown backend $b" >&2; exit 2 ;;
    esac
    files+=("$WORK/$b-$size.json")
  done
  echo "== $b: median ÷ static median, growth between sizes"
  python3 bench/web.py table "${files[@]}"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
