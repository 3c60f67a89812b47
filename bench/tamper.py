#!/usr/bin/env python3
"""19 kinds of tampering behind the application, on SQLite and PostgreSQL (see bench/tamper.sh).

For each kind: a fresh copy of a generated database, a signed checkpoint of its head, one tampering
made with plain SQL (as someone with write access to the database but not the key would), then
`secretome audit verify` twice — on the chain alone and against the checkpoint file. Prints a table.
"""
import hashlib, json, os, re, shutil, sqlite3, subprocess, sys, unicodedata

BIN, WORK, PG = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
KEY = os.path.join(WORK, "checkpoint.key")
COLS = "seq, at, actor, action, entity_table, entity_id, before, after, reason, prev_hash, hash"


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


class Db:
    def __init__(self, backend, name):
        self.backend = backend
        if backend == "sqlite":
            self.path = os.path.join(WORK, name + ".db")
            self.url = "sqlite://" + self.path
        else:
            import psycopg2
            self.psycopg2 = psycopg2
            self.url = PG.rsplit("/", 1)[0] + "/" + name

    def connect(self):
        if self.backend == "sqlite":
            self.conn = sqlite3.connect(self.path)
        else:
            self.conn = self.psycopg2.connect(self.url)
        return self

    def q(self, sql, args=()):
        if self.backend == "postgres" and args:
            sql = sql.replace("%", "%%").replace("?", "%s")
        cur = self.conn.cursor()
        cur.execute(sql, args) if self.backend == "sqlite" else cur.execute(sql, args or None)
        try:
            return cur.fetchall()
        except Exception:
            return []

    def close(self):
        self.conn.commit()
        self.conn.close()


def canonical(ev):
    d = dict(zip(["seq", "at", "actor", "action", "entity_table", "entity_id", "before", "after", "reason", "prev_hash"], ev[:10]))
    return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hash_of(ev):
    return hashlib.sha256((ev[9] + "\n" + canonical(ev)).encode()).hexdigest()


def events_from(db, seq):
    return [list(r) for r in db.q(f"SELECT {COLS} FROM audit_event WHERE seq >= ? ORDER BY seq", (seq,))]


def put_event(db, ev):
    db.q(f"INSERT INTO audit_event ({COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", tuple(ev))


def last(db):
    return list(db.q(f"SELECT {COLS} FROM audit_event ORDER BY seq DESC LIMIT 1")[0])


def rehash_from(db, seq):
    """Recompute every hash from `seq` on (rewritten history that the chain alone accepts)."""
    evs = events_from(db, seq)
    prev = db.q("SELECT hash FROM audit_event WHERE seq = ?", (seq - 1,))[0][0]
    db.q("DELETE FROM audit_event WHERE seq >= ?", (seq,))
    for ev in evs:
        ev[9] = prev
        ev[10] = hash_of(ev)
        prev = ev[10]
        put_event(db, ev)


def forge_update(db, table, col, value, seq):
    """A consistent forged update event at `seq` (row changed to match, hash correct)."""
    row_id = db.q(f"SELECT id FROM {table} ORDER BY id LIMIT 1")[0][0]
    before = db.q("SELECT after FROM audit_event WHERE entity_table = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1", (table, row_id))[0][0]
    after = json.loads(before)
    after[col] = value
    after = json.dumps(after, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    prev = db.q("SELECT hash FROM audit_event WHERE seq = ?", (seq - 1,))[0][0]
    ev = [seq, "2030-01-01T00:00:00.000000Z", "intruder", f"{table}.update", table, row_id, before, after, None, prev, ""]
    ev[10] = hash_of(ev)
    put_event(db, ev)
    db.q(f"UPDATE {table} SET {col} = ? WHERE id = ?", (value, row_id))


def truncate_tail(db):
    """Remove the newest events that inserted leaf rows (vial moves / deviations / results …), and those rows."""
    removed = 0
    while removed < 3:
        ev = last(db)
        if ev[6] is not None:  # an update: reverting it is not a plain delete; stop here
            break
        refs = 0
        if ev[4] in ("app_user", "lot", "vial", "patient", "culture_batch", "donor"):
            break
        db.q(f"DELETE FROM {ev[4]} WHERE id = ?", (ev[5],))
        db.q("DELETE FROM audit_event WHERE seq = ?", (ev[0],))
        removed += 1 + refs
    return removed


def mid(db):
    n = db.q("SELECT MAX(seq) FROM audit_event")[0][0]
    return n // 2


KINDS = [
    ("row: lot status set to released", lambda db: db.q("UPDATE lot SET status = 'released' WHERE id = (SELECT MIN(id) FROM lot WHERE status <> 'released')")),
    ("row: QC verdict set to pass", lambda db: db.q("UPDATE test_result SET verdict = CASE WHEN verdict = 'pass' THEN 'fail' ELSE 'pass' END WHERE id = (SELECT MIN(id) FROM test_result)")),
    ("row: fill volume +0.001 mL", lambda db: db.q("UPDATE vial SET fill_volume_ml = fill_volume_ml + 0.001 WHERE id = (SELECT MIN(id) FROM vial)")),
    ("row: invisible change (zero-width space)", lambda db: db.q("UPDATE app_user SET display_name = display_name || '\u200b' WHERE id = (SELECT MIN(id) FROM app_user)")),
    ("row: Unicode renormalised (NFC→NFD)", lambda db: db.q("UPDATE site SET name = ? WHERE id = (SELECT MIN(id) FROM site)", (unicodedata.normalize("NFD", "Caf\u00e9 " + "CPC"),))),
    ("row: inserted without event", lambda db: db.q("INSERT INTO setting (id, value, updated_at) VALUES ('forged.setting', 'x', '2030-01-01T00:00:00.000000Z')")),
    ("row: deleted", lambda db: db.q("DELETE FROM setting WHERE id = (SELECT MIN(id) FROM setting)")),
    ("event: after edited", lambda db: db.q("UPDATE audit_event SET after = REPLACE(after, '\"status\":\"', '\"status\":\"x') WHERE seq = (SELECT MIN(seq) FROM audit_event WHERE after LIKE '%\"status\":\"%' AND seq > ?)", (mid(db),))),
    ("event: actor edited", lambda db: db.q("UPDATE audit_event SET actor = 'someone-else' WHERE seq = ?", (mid(db),))),
    ("event: time edited", lambda db: db.q("UPDATE audit_event SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = ?", (mid(db),))),
    ("event: reason added", lambda db: db.q("UPDATE audit_event SET reason = 'approved by phone' WHERE seq = ?", (mid(db),))),
    ("event: deleted from the middle", lambda db: db.q("DELETE FROM audit_event WHERE seq = ?", (mid(db),))),
    ("event: two events reordered", lambda db: (db.q("UPDATE audit_event SET seq = -1 WHERE seq = ?", (mid(db),)), db.q("UPDATE audit_event SET seq = ? WHERE seq = ?", (mid(db), mid(db) + 1)), db.q("UPDATE audit_event SET seq = ? WHERE seq = -1", (mid(db) + 1,)))),
    ("event: copied to the end", lambda db: (lambda e: put_event(db, [e[0] + 1] + e[1:]))(last(db))),
    ("event and row edited together", lambda db: (db.q("UPDATE audit_event SET after = REPLACE(after, '\"status\":\"released\"', '\"status\":\"rejected\"') WHERE seq = (SELECT MAX(seq) FROM audit_event WHERE entity_table = 'lot' AND after LIKE '%\"status\":\"released\"%')"), db.q("UPDATE lot SET status = 'rejected' WHERE id = (SELECT entity_id FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event WHERE entity_table = 'lot'))"))),
    ("tail truncated (events and their rows)", truncate_tail),
    ("forged event appended (hash correct)", lambda db: forge_update(db, "site", "name", "Forged site", last(db)[0] + 1)),
    ("history rewritten and rehashed", lambda db: (db.q("UPDATE audit_event SET actor = 'someone-else' WHERE seq = ?", (mid(db),)), rehash_from(db, mid(db)))),
    ("tail replaced by a forged event", lambda db: (truncate_tail(db), forge_update(db, "site", "name", "Forged site", last(db)[0] + 1))),
]


def verify(db, cps):
    args = ["audit", "verify", "--db", db.url, "--limit", "3"]
    if cps:
        args += ["--checkpoints", cps, "--checkpoint-key", KEY]
    r = run(*args)
    out = r.stdout
    if r.returncode == 0:
        m = re.search(r"(\d+) later events are not yet anchored", out)
        if cps and m and int(m.group(1)) > 0:
            return f"unanchored tail: {m.group(1)} event(s)"
        return "intact (missed)"
    if r.returncode != 1:
        return "error: " + (r.stderr.strip().splitlines() or ["?"])[-1][:60]
    kinds = re.findall(r"^(\S[^\n]*?) — \d+:$", out, re.M)
    return "; ".join(kinds)


def base(backend):
    name = f"tamper_base"
    db = Db(backend, name)
    if backend == "sqlite":
        if not os.path.exists(db.path):
            subprocess.run([BIN, "migrate", "--db", db.url], check=True, capture_output=True)
            subprocess.run([BIN, "generate", "--db", db.url, "--vials", "3000", "--patients", "300", "--years", "1"], check=True, capture_output=True)
    else:
        admin = PG.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        subprocess.run([BIN, "migrate", "--db", db.url], check=True, capture_output=True)
        subprocess.run([BIN, "generate", "--db", db.url, "--vials", "3000", "--patients", "300", "--years", "1"], check=True, capture_output=True)
    return db


def copy(backend, src, i):
    name = f"tamper_{i}"
    db = Db(backend, name)
    if backend == "sqlite":
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(db.path + suffix):
                os.remove(db.path + suffix)
        shutil.copy(src.path, db.path)
    else:
        admin = PG.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name} TEMPLATE tamper_base"], check=True, capture_output=True)
    return db


def main():
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(KEY):
        run("audit", "keygen", "--key", KEY)
    backends = ["sqlite"] + (["postgres"] if PG else [])
    results = {}
    for b in backends:
        src = base(b)
        assert run("audit", "verify", "--db", src.url).returncode == 0, f"{b}: base does not verify"
        for i, (kind, tamper) in enumerate(KINDS):
            db = copy(b, src, i)
            cps = os.path.join(WORK, f"{b}-{i}.checkpoints")
            if os.path.exists(cps):
                os.remove(cps)
            r = run("audit", "checkpoint", "--db", db.url, "--checkpoint-key", KEY, "--checkpoints", cps)
            assert r.returncode == 0, r.stderr
            db.connect()
            try:
                tamper(db)
                db.close()
            except Exception as e:  # the engine refused the tampering itself
                db.conn.rollback()
                results[(b, i)] = (f"refused by {b}: {str(e).splitlines()[0][:40]}", "")
                continue
            results[(b, i)] = (verify(db, None), verify(db, cps))
            if b == "sqlite":
                os.remove(db.path)
    head = "| # | tampering | " + " | ".join(f"{b}: chain alone | {b}: with checkpoints" for b in backends) + " |"
    print(head)
    print("|" + "---|" * (2 + 2 * len(backends)))
    found = {b: 0 for b in backends}
    for i, (kind, _) in enumerate(KINDS):
        cells = []
        for b in backends:
            a, c = results[(b, i)]
            cells += [a, c]
            if "missed" not in c and c != "":
                found[b] += 1
            elif c == "" and "refused" in a:
                found[b] += 1
        print(f"| {i + 1} | {kind} | " + " | ".join(cells) + " |")
    for b in backends:
        print(f"{b}: {found[b]} of {len(KINDS)} kinds detected or refused (with checkpoints)")


main()
