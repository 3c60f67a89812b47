#!/usr/bin/env python3
"""Page timings against a static asset on one served database (issue 19), driven by bench/web.sh.

  web.py pages URL_BASE OUT.json [REPEAT]   median time of each page and API list (keep-alive,
                                            signed in as qa), and of /static/app.css, same server;
                                            with SERVER_PID set, also the server's CPU time per
                                            request (from /proc: steadier on a shared machine)
  web.py stall URL_BASE TARGET KIND         the longest write (POST /lang: an audited write under
                                            the chain lock) while a recall of TARGET (KIND=recall)
                                            or the expiry sweep (KIND=sweep) runs
  web.py table A.json B.json …              each page's median ÷ static median per size, growth
  web.py cold URL_BASE [PATH]               PATH (default /plan) first after an audited write (a
                                            language switch), then the median of nine more; thrice
Only the standard library: http.client, statistics, threading.
"""
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse


def connect(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=600)


def sign_in(base, user="qa", password="demo"):
    c = connect(base)
    c.request("GET", "/login")
    r = c.getresponse()
    body = r.read().decode()
    cookies = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, val = v.split(";")[0].split("=", 1)
            cookies[name] = val
    token = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"user": user, "password": password, "csrf": token, "next": "/lots"})
    hdr = {"Content-Type": "application/x-www-form-urlencoded",
           "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    c.request("POST", "/login", body=form, headers=hdr)
    r = c.getresponse()
    r.read()
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, val = v.split(";")[0].split("=", 1)
            cookies[name] = val
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    c.request("GET", "/recalls", headers={"Cookie": cookie})
    r = c.getresponse()
    page = r.read().decode()
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    return cookie, (m.group(1) if m else "")


def timed(c, path, cookie):
    t0 = time.perf_counter()
    c.request("GET", path, headers={"Cookie": cookie})
    r = c.getresponse()
    body = r.read()
    return time.perf_counter() - t0, r.status, len(body)


def first_link(c, cookie, path, pattern):
    c.request("GET", path, headers={"Cookie": cookie})
    body = c.getresponse().read().decode()
    m = re.search(pattern, body)
    return m.group(1) if m else None


def server_cpu():
    """Seconds on CPU of the server process (SERVER_PID), all its threads (schedstat: ns), or None."""
    pid = os.environ.get("SERVER_PID")
    if not pid:
        return None
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for t in tasks:
        try:
            total += int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return total / 1e9


def pages(base, out, repeat=15):
    cookie, _ = sign_in(base)
    c = connect(base)
    lot = first_link(c, cookie, "/lots", r'href="(/lots/[^"]+)"')
    freezer = first_link(c, cookie, "/freezers", r'href="(/freezers/[^"?]+)"')
    patient = first_link(c, cookie, "/patients", r'href="(/patients/[^"]+)"')
    nxt = first_link(c, cookie, "/lots", r'href="(/lots\?[^"]*cursor=[^"]+)"')
    paths = ["/static/app.css", "/lots", "/lots?status=released", "/api/v1/lots", "/patients",
             "/patients?indication=stroke", "/api/v1/patients", "/indications", "/indications/stroke",
             "/freezers", "/recalls", "/qc", "/plan", "/donors"]
    # The manufacturing lists (paged, counts for the page's rows only) and their API twins.
    paths += ["/batches", "/batches?status=harvested", "/materials", "/harvests",
              "/harvests?open=true", "/api/v1/batches", "/api/v1/harvests", "/api/v1/materials"]
    paths += [p.replace("&amp;", "&") for p in [lot, freezer, patient, nxt] if p]
    # The vial list (paged, filtered by state and by a freezer's location range).
    paths += ["/vials", "/vials?status=available", "/api/v1/vials"]
    if freezer:
        paths.append("/vials?location=" + urllib.parse.quote(freezer.rsplit("/", 1)[-1]) + "/")
    res = {}
    for p in paths:
        timed(c, p, cookie)  # warm-up
    for p in paths:
        ts, status, size = [], None, 0
        cpu0 = server_cpu()
        for _ in range(repeat):
            t, status, size = timed(c, p, cookie)
            ts.append(t)
        cpu1 = server_cpu()
        res[p] = {"median_ms": statistics.median(ts) * 1e3, "status": status, "bytes": size}
        cpu = ""
        if cpu0 is not None and cpu1 is not None:
            # The server's own CPU time per request (all its threads): steadier than wall time
            # when other work shares the machine.
            res[p]["cpu_ms"] = (cpu1 - cpu0) * 1e3 / repeat
            cpu = f"  CPU {res[p]['cpu_ms']:7.2f} ms"
        print(f"{p:45s} {status} {size:>9d} B  median {res[p]['median_ms']:9.2f} ms{cpu}", flush=True)
    label = lambda p: re.sub(r"location=[^&]+", "location={freezer}/",
                             re.sub(r"/(lots|patients|freezers)/[^?]+$", r"/\1/{id}", p)).split("cursor=")[0]
    json.dump({label(p): v for p, v in res.items()}, open(out, "w"), indent=1)


def stall(base, target, kind):
    cookie, csrf = sign_in(base)
    stop = threading.Event()
    # [longest, writes that succeeded, answers that were not a redirect (not writes: a failure)]
    worst = [0.0, 0, 0]

    def writer():
        c = connect(base)
        lang = ["ja", "en"]
        i = 0
        while not stop.is_set():
            # The language switch: an audited update of the user (`user.preferences`).
            form = urllib.parse.urlencode({"to": lang[i % 2], "csrf": csrf, "back": "/lots"})
            t0 = time.perf_counter()
            c.request("POST", "/lang", body=form, headers={
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            r.read()
            dt = time.perf_counter() - t0
            if r.status == 303:
                worst[0] = max(worst[0], dt)
                worst[1] += 1
            else:
                worst[2] += 1
            i += 1

    th = threading.Thread(target=writer)
    th.start()
    time.sleep(1.0)
    c = connect(base)
    t0 = time.perf_counter()
    if kind == "recall":
        body = json.dumps({"target": target, "reason": "bench: donor recall", "password": "demo"})
        c.request("POST", "/api/v1/recalls", body=body, headers={
            "Cookie": cookie, "Content-Type": "application/json", "X-CSRF-Token": csrf})
    else:
        c.request("POST", "/inventory/expire", body=urllib.parse.urlencode({"csrf": csrf}), headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    answer = r.read()
    took = time.perf_counter() - t0
    time.sleep(0.5)
    stop.set()
    th.join()
    blocked = ""
    if kind == "recall" and r.status == 201:
        blocked = f", {json.loads(answer)['recall']['vials_blocked']} vials blocked"
    print(f"{kind} {target}: HTTP {r.status} in {took * 1e3:.0f} ms{blocked}; "
          f"concurrent writes: {worst[1]}, longest {worst[0] * 1e3:.0f} ms")
    if worst[2] or not worst[1]:
        sys.exit(f"the concurrent writer's language switch was refused {worst[2]} times "
                 f"({worst[1]} succeeded): nothing measured")


def cold(base, path):
    cookie, csrf = sign_in(base)
    c = connect(base)

    def get():
        t0 = time.perf_counter()
        c.request("GET", path, headers={"Cookie": cookie})
        r = c.getresponse()
        r.read()
        return (time.perf_counter() - t0) * 1e3

    for i in range(3):
        form = urllib.parse.urlencode({"to": ["en", "ja"][i % 2], "csrf": csrf, "back": "/lots"})
        c.request("POST", "/lang", body=form, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        if r.status != 303:
            sys.exit(f"the language switch was refused (HTTP {r.status})")
        first = get()
        warm = statistics.median(get() for _ in range(9))
        print(f"{path} after a write: {first:.2f} ms; then median of 9: {warm:.2f} ms")


def table(files):
    runs = [(f, json.load(open(f))) for f in files]
    static = {f: r["/static/app.css"]["median_ms"] for f, r in runs}
    keys = [k for k in runs[0][1] if k != "/static/app.css"]
    head = " | ".join(f"{f.rsplit('/', 1)[-1].removesuffix('.json')} ms (÷ static)" for f, _ in runs)
    print(f"| page | {head} | growth |")
    print("|---|" + "---|" * len(runs) + "---|")
    print(f"| static asset | " + " | ".join(f"{static[f]:.2f}" for f, _ in runs) + " | |")
    for k in keys:
        cells, ms = [], []
        for f, r in runs:
            v = r.get(k)
            if v is None:
                cells.append("—")
                continue
            ms.append(v["median_ms"])
            cells.append(f"{v['median_ms']:.1f} ({v['median_ms'] / static[f]:.1f}×)")
        growth = ", ".join(f"×{b / a:.2f}" for a, b in zip(ms, ms[1:]))
        print(f"| `{k}` | " + " | ".join(cells) + f" | {growth} |")
    if all("cpu_ms" in r.get("/static/app.css", {}) for _, r in runs):
        print()
        print("Server CPU per request, ms (÷ static):")
        print(f"| page | {head.replace('ms (÷ static)', 'CPU ms (÷ static)')} | growth |")
        print("|---|" + "---|" * len(runs) + "---|")
        scpu = {f: max(r["/static/app.css"]["cpu_ms"], 1e-3) for f, r in runs}
        print(f"| static asset | " + " | ".join(f"{scpu[f]:.2f}" for f, _ in runs) + " | |")
        for k in keys:
            cells, ms = [], []
            for f, r in runs:
                v = r.get(k)
                if v is None or "cpu_ms" not in v:
                    cells.append("—")
                    continue
                ms.append(max(v["cpu_ms"], 1e-3))
                cells.append(f"{v['cpu_ms']:.2f} ({v['cpu_ms'] / scpu[f]:.1f}×)")
            growth = ", ".join(f"×{b / a:.2f}" for a, b in zip(ms, ms[1:]))
            print(f"| `{k}` | " + " | ".join(cells) + f" | {growth} |")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "pages":
        pages(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 15)
    elif cmd == "stall":
        stall(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "cookie":
        print(sign_in(sys.argv[2])[0])
    elif cmd == "donor":
        # The eligible donor in the middle of the list (as bench-trace picks one).
        c = connect(sys.argv[2])
        cookie, _ = sign_in(sys.argv[2])
        c.request("GET", "/api/v1/donors", headers={"Cookie": cookie})
        body = json.loads(c.getresponse().read())
        ds = [d["donor"] for d in (body["rows"] if isinstance(body, dict) else body)]
        ds = [d for d in ds if d.get("status") == "eligible"]
        print(ds[len(ds) // 2]["id"])
    elif cmd == "table":
        table(sys.argv[2:])
    elif cmd == "cold":
        cold(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "/plan")
