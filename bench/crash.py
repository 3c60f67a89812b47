#!/usr/bin/env python3
"""kill -9 under concurrent API writes (see bench/crash.sh).

Per backend: a small generated database is served; four clients open deviations through
`POST /api/v1/lots/{id}/deviations` as fast as they can; after a random moment the server is killed
with SIGKILL. Every deviation whose 201 reached a client (an acknowledged write) must be in the
database after the crash, and `audit verify` must pass. Prints one row per backend.
"""
import http.cookiejar, json, os, random, re, signal, sqlite3, subprocess, sys, threading, time
import urllib.error, urllib.parse, urllib.request

BIN, WORK, TRIALS, PG = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else ""
PORT = 18765


def wait_up(proc):
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("server exited: " + proc.stderr.read().decode()[-500:])
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login", timeout=1)
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def serve(url):
    p = subprocess.Popen([BIN, "serve", "--db", url, "--addr", f"127.0.0.1:{PORT}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_up(p)
    return p


def sign_in(user):
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = op.open(f"http://127.0.0.1:{PORT}/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"user": user, "password": "demo", "csrf": csrf}).encode()
    op.open(f"http://127.0.0.1:{PORT}/login", body)
    page = op.open(f"http://127.0.0.1:{PORT}/lots").read().decode()
    session_csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return op, session_csrf


def writer(op, csrf, lot, acked, stop, errors):
    n = 0
    while not stop.is_set():
        n += 1
        req = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/v1/lots/{lot}/deviations",
            data=json.dumps({"description": f"crash trial write {threading.get_ident()}-{n}"}).encode(),
            headers={"Content-Type": "application/json", "X-CSRF-Token": csrf}, method="POST")
        try:
            r = op.open(req, timeout=10)
            if r.status == 201:
                acked.append(json.loads(r.read())["id"])
        except urllib.error.HTTPError as e:
            errors.append(e.code)
        except Exception:
            time.sleep(0.02)  # the server is gone (killed) or restarting


def stored_ids(backend, url):
    if backend == "sqlite":
        c = sqlite3.connect(url[len("sqlite://"):])
        ids = {r[0] for r in c.execute("SELECT id FROM deviation")}
        c.close()
    else:
        out = subprocess.run(["psql", url, "-Atc", "SELECT id FROM deviation"], capture_output=True, text=True, check=True)
        ids = set(out.stdout.split())
    return ids


def prepare(backend):
    if backend == "sqlite":
        path = os.path.join(WORK, "crash.db")
        for s in ["", "-wal", "-shm"]:
            if os.path.exists(path + s):
                os.remove(path + s)
        url = "sqlite://" + path
        subprocess.run([BIN, "migrate", "--db", url], check=True, capture_output=True)
    else:
        admin = PG.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS crash_trials"], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-qc", "CREATE DATABASE crash_trials"], check=True, capture_output=True)
        url = PG.rsplit("/", 1)[0] + "/crash_trials"
        subprocess.run([BIN, "migrate", "--db", url], check=True, capture_output=True)
    subprocess.run([BIN, "generate", "--db", url, "--vials", "3000", "--patients", "300", "--years", "1"], check=True, capture_output=True)
    return url


def lot_of(backend, url):
    q = "SELECT MIN(id) FROM lot WHERE status = 'quarantine'"
    if backend == "sqlite":
        c = sqlite3.connect(url[len("sqlite://"):])
        v = c.execute(q).fetchone()[0]
        c.close()
        return v
    return subprocess.run(["psql", url, "-Atc", q], capture_output=True, text=True, check=True).stdout.strip()


def trials(backend):
    url = prepare(backend)
    lot = lot_of(backend, url)
    acked_total, lost_total, broken, errors_total = 0, 0, 0, 0
    for t in range(TRIALS):
        proc = serve(url)
        op, csrf = sign_in("qc")
        acked, errors, stop = [], [], threading.Event()
        threads = [threading.Thread(target=writer, args=(op, csrf, lot, acked, stop, errors)) for _ in range(4)]
        for th in threads:
            th.start()
        time.sleep(random.uniform(0.3, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stop.set()
        for th in threads:
            th.join()
        ids = stored_ids(backend, url)
        lost = [a for a in acked if a not in ids]
        acked_total += len(acked)
        lost_total += len(lost)
        errors_total += len(errors)
        v = subprocess.run([BIN, "audit", "verify", "--db", url], capture_output=True, text=True)
        if v.returncode != 0:
            broken += 1
            print(f"{backend} trial {t}: verify failed: {v.stdout[:300]}", file=sys.stderr)
    return acked_total, lost_total, broken, errors_total


def throughput(backend, seconds=10):
    """Acknowledged API writes per second with 4 clients (no crash): the cost of durability."""
    url = prepare(backend)
    lot = lot_of(backend, url)
    proc = serve(url)
    op, csrf = sign_in("qc")
    acked, errors, stop = [], [], threading.Event()
    threads = [threading.Thread(target=writer, args=(op, csrf, lot, acked, stop, errors)) for _ in range(4)]
    for th in threads:
        th.start()
    time.sleep(seconds)
    stop.set()
    for th in threads:
        th.join()
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    return len(acked) / seconds


def main():
    os.makedirs(WORK, exist_ok=True)
    if TRIALS == 0:
        sync = os.environ.get("SECRETOME_SQLITE_SYNCHRONOUS", "FULL")
        print(f"| sqlite synchronous={sync} | {throughput('sqlite'):.0f} acknowledged writes/s |")
        return
    backends = ["sqlite"] + (["postgres"] if PG else [])
    print("| backend | kill -9 trials | acknowledged writes | lost | trials whose chain failed verify | error answers |")
    print("|---|---|---|---|---|---|")
    for b in backends:
        acked, lost, broken, errs = trials(b)
        print(f"| {b} | {TRIALS} | {acked} | {lost} | {broken} | {errs} |", flush=True)


main()
