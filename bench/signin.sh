#!/usr/bin/env bash
# Sign-in does not starve other requests (issue 13 item 5, issue 18): serve the demo with the release
# binary (production argon2id costs: 19 MiB, 2 passes), measure the p99 latency of an authenticated
# API read (`GET /api/v1/lots`, wrk) alone, then again while 8 clients sign in as fast as they can
# (correct passwords: argon2 verification, the audited credential update, a new session), and print
# both p99s and their ratio against the limit of 2×.
#
# Usage: bench/signin.sh
#   BIN       the secretome binary (default: built here with `cargo build --release -p secretome-cli`)
#   PORT      (default 18479)   DURATION  seconds per wrk run (default 15)
#   SIGNERS   concurrent sign-in clients (default 8)   WRK_C  wrk connections (default 8)
# Needs: wrk, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-18479}"
DURATION="${DURATION:-15}"
SIGNERS="${SIGNERS:-8}"
WRK_C="${WRK_C:-8}"
if [ -z "${BIN:-}" ]; then
  cargo build --release -p secretome-cli
  TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  BIN="$TARGET/release/secretome"
fi
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
BASE="http://127.0.0.1:$PORT"

"$BIN" demo --db "$WORK/demo.db" --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done

# One sign-in (python, stdlib only): prints the session cookie value.
cat >"$WORK/signin.py" <<'PY'
import http.client, re, sys, threading, time, urllib.parse
host, port = "127.0.0.1", int(sys.argv[1])
def sign_in(user):
    c = http.client.HTTPConnection(host, port, timeout=60)
    c.request("GET", "/login")
    r = c.getresponse(); body = r.read().decode()
    tok = re.search(r"secretome_login_csrf=([0-9a-f]+)", r.getheader("set-cookie")).group(1)
    form = urllib.parse.urlencode({"user": user, "password": "demo", "csrf": tok, "next": "/lots"})
    c.request("POST", "/login", form, {"content-type": "application/x-www-form-urlencoded",
                                       "cookie": "secretome_login_csrf=" + tok})
    r = c.getresponse(); r.read()
    cookies = r.getheaders()
    c.close()
    for k, v in cookies:
        if k.lower() == "set-cookie" and v.startswith("secretome_session="):
            return r.status, v.split(";")[0].split("=", 1)[1]
    return r.status, None
if sys.argv[2] == "once":
    print(sign_in("operator")[1])
else:
    n, secs = int(sys.argv[3]), float(sys.argv[4])
    users = ["operator", "qc", "qa", "physician", "admin"]
    done, lat, stop = [0] * n, [], time.time() + secs
    def loop(i):
        while time.time() < stop:
            t = time.time(); s, _ = sign_in(users[i % len(users)]); lat.append(time.time() - t)
            if s != 303: print("sign-in answered", s, file=sys.stderr)
            done[i] += 1
    ts = [threading.Thread(target=loop, args=(i,)) for i in range(n)]
    [t.start() for t in ts]; [t.join() for t in ts]
    lat.sort()
    print(f"sign-ins: {sum(done)} in {secs:.0f} s by {n} clients, median {lat[len(lat)//2]*1000:.0f} ms per sign-in")
PY

SESSION=$(python3 "$WORK/signin.py" "$PORT" once)
p99() { # wrk --latency output → p99 in ms
  awk '/ 99%/ { v=$2; if (v ~ /us$/) { sub("us","",v); v=v/1000 } else if (v ~ /ms$/) { sub("ms","",v) } else if (v ~ /s$/) { sub("s","",v); v=v*1000 }; print v }'
}
WRK=(wrk -t2 -c"$WRK_C" -d"${DURATION}s" --latency -H "Cookie: secretome_session=$SESSION" "$BASE/api/v1/lots")

echo "== GET /api/v1/lots alone (wrk -t2 -c$WRK_C -d${DURATION}s)"
"${WRK[@]}" >"$WORK/alone.txt"
grep -E "Requests/sec|99%" "$WORK/alone.txt"
ALONE=$(p99 <"$WORK/alone.txt")

echo "== the same while $SIGNERS clients sign in continuously"
python3 "$WORK/signin.py" "$PORT" load "$SIGNERS" "$((DURATION + 2))" &
LOAD=$!
sleep 1
"${WRK[@]}" >"$WORK/loaded.txt"
wait "$LOAD"
grep -E "Requests/sec|99%" "$WORK/loaded.txt"
LOADED=$(p99 <"$WORK/loaded.txt")

python3 - "$ALONE" "$LOADED" <<'PY'
import sys
a, b = float(sys.argv[1]), float(sys.argv[2])
r = b / a
print(f"p99 alone {a:.2f} ms, under sign-in load {b:.2f} ms: ratio {r:.2f}× (limit 2×) -> {'OK' if r <= 2 else 'OVER'}")
PY
