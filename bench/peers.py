#!/usr/bin/env python3
"""Helper of bench/peers.sh: generate synthetic 4PL/5PL curve families, fit them with scipy, compare.

  peers.py gen N OUT.csv [FAMILY]   write N synthetic curves of FAMILY (fixed seed; SEED=k in the
                                    environment draws another sample of the family) as curve,x,y
  peers.py opts FAMILY              print the `assay fit` options of FAMILY (model and weighting)
  peers.py scipy IN.csv [MODEL [WEIGHT]]
                                    fit every curve with scipy.optimize.curve_fit (LM), JSON lines
  peers.py time RUNS OUT CMD…       run CMD RUNS times (stdout to OUT); print best wall and best CPU
                                    seconds (CPU = user + system of the process and its threads)
  peers.py compare OURS.jsonl PEER.jsonl IN.csv LABEL [WEIGHT]
                                    (with WEIGHT: also both RSS recomputed in a stable form)
                                    check agreement with a peer's fits (scipy, R); print a summary
                                    and one `row:` line for the table; exit 1 on disagreement

Families (see FAMILIES below; every one 10,000 curves in BENCHMARKS.md):
  classic      8 levels 3000/2^k, c 150–900 inside the range, 3 % noise (the first benchmark)
  elisa        sandwich ELISA: 2000/2^k + blank, duplicates, c 400–2500 (up to 1.25× the top standard)
  above        c 0.5–2× the top standard: the top plateau is not reached
  below        c from a quarter of the lowest standard to 4× it: the bottom plateau is not reached
  competitive  decreasing curves (competitive ELISA), c anywhere from the lowest/2 to 2× the top
  weighted     every shape above, fitted with 1/y² weights
  fivepl       asymmetric curves (g 0.3–3), c anywhere, fitted with the 5PL
Common to the new families: 6–12 levels, dilution factor 2–3, 1–3 replicates, 1–10 % multiplicative
noise, b 0.5–3, with or without a zero standard (blank wells at x = 0).
"""
import json
import math
import os
import sys

FAMILIES = {
    # name: (model, weighting)
    "classic": ("4pl", "none"),
    "elisa": ("4pl", "none"),
    "above": ("4pl", "none"),
    "below": ("4pl", "none"),
    "competitive": ("4pl", "none"),
    "weighted": ("4pl", "1/y2"),
    "fivepl": ("5pl", "none"),
}


def f4(x, a, b, c, d):
    import numpy as np
    return d + (a - d) / (1.0 + np.power(x / c, b))


def f5(x, a, b, c, d, g):
    import numpy as np
    return d + (a - d) / np.power(1.0 + np.power(x / c, b), g)


def f45s(x, p):
    a, b, c, d = p[:4]
    g = p[4] if len(p) > 4 else 1.0
    if x == 0:
        return a if b > 0 else d
    return d + (a - d) / (1.0 + (x / c) ** b) ** g


def gen_classic(rng, i, fh):
    xs = [3000.0 / 2 ** k for k in range(8)]
    a = rng.uniform(0.02, 0.10)
    d = rng.uniform(1.5, 3.5)
    c = rng.uniform(150.0, 900.0)
    b = rng.uniform(0.8, 1.8)
    for x in xs:
        y = d + (a - d) / (1.0 + (x / c) ** b)
        y *= 1.0 + rng.gauss(0.0, 0.03)
        fh.write(f"c{i},{x!r},{y!r}\n")


def gen_elisa(rng, i, fh):
    xs = [0.0] + [2000.0 / 2 ** k for k in range(8)]
    a = rng.uniform(0.02, 0.08)
    d = rng.uniform(2.5, 4.0)
    b = rng.uniform(0.8, 1.6)
    c = rng.uniform(400.0, 2500.0)
    write(rng, fh, i, xs, [a, b, c, d], 2, 0.03)


def design(rng):
    """A random dilution series: top standard, 6–12 levels, factor 2–3, optional zero standard."""
    top = 10.0 ** rng.uniform(1.0, 4.0)
    levels = rng.randint(6, 12)
    factor = rng.choice([2.0, 2.0, 2.5, 3.0])
    xs = [top / factor ** k for k in range(levels)]
    if rng.random() < 0.5:
        xs.append(0.0)
    return xs, top, min(v for v in xs if v > 0)


def write(rng, fh, i, xs, p, reps, noise):
    for x in xs:
        mean = f45s(x, p)
        for _ in range(reps):
            y = mean * (1.0 + rng.gauss(0.0, noise))
            fh.write(f"c{i},{x!r},{y!r}\n")


def gen_family(family, rng, i, fh):
    xs, top, low = design(rng)
    reps = rng.randint(1, 3)
    noise = rng.uniform(0.01, 0.10)
    b = rng.uniform(0.5, 3.0)
    lo_resp = rng.uniform(0.02, 0.15)
    hi_resp = rng.uniform(1.0, 4.0)
    g = 1.0
    shape = family
    if family == "weighted":
        shape = rng.choice(["above", "below", "inside", "competitive"])
    if shape == "above":
        c = top * rng.uniform(0.5, 2.0)
    elif shape == "below":
        c = low * math.exp(rng.uniform(math.log(0.25), math.log(4.0)))
    elif shape == "inside":
        c = math.exp(rng.uniform(math.log(low), math.log(top)))
    else:  # competitive, fivepl: anywhere from half the lowest to twice the top standard
        c = math.exp(rng.uniform(math.log(low / 2), math.log(2 * top)))
    a, d = lo_resp, hi_resp
    if shape == "competitive":
        a, d = hi_resp, lo_resp
    if family == "fivepl":
        g = math.exp(rng.uniform(math.log(0.3), math.log(3.0)))
        if rng.random() < 0.3:
            a, d = d, a
    p = [a, b, c, d, g]
    write(rng, fh, i, xs, p, reps, noise)


def gen(n, out, family="classic"):
    import random
    if family not in FAMILIES:
        sys.exit(f"unknown family {family}: one of {', '.join(FAMILIES)}")
    seed = 20240611 if family == "classic" else 20261206 + sorted(FAMILIES).index(family)
    # SEED=k draws another sample of the same family (checks that nothing is tuned to one file).
    seed += 1000003 * int(os.environ.get("SEED", "0"))
    rng = random.Random(seed)
    with open(out, "w") as fh:
        fh.write("curve,x,y\n")
        for i in range(n):
            if family == "classic":
                gen_classic(rng, i, fh)
            elif family == "elisa":
                gen_elisa(rng, i, fh)
            else:
                gen_family(family, rng, i, fh)


def read_curves(path):
    curves = {}
    with open(path) as fh:
        next(fh)
        for line in fh:
            name, x, y = line.rstrip("\n").split(",")
            curves.setdefault(name, ([], []))
            curves[name][0].append(float(x))
            curves[name][1].append(float(y))
    return curves


def analyst_start(x, y, model):
    """The usual analyst's start: asymptotes from the responses at the extremes, slope 1, inflection at
    the median concentration (5PL: g = 1)."""
    import numpy as np
    lo = y[x == x.min()].mean()
    hi = y[x == x.max()].mean()
    p0 = [lo, 1.0, float(np.median(x[x > 0])), hi]
    if model == "5pl":
        p0.append(1.0)
    return p0


def scipy_fit(path, model="4pl", weight="none"):
    import warnings
    import numpy as np
    from scipy.optimize import curve_fit
    warnings.simplefilter("ignore")
    f = f5 if model == "5pl" else f4
    names = "abcdg" if model == "5pl" else "abcd"
    out = sys.stdout
    for name, (x, y) in read_curves(path).items():
        x = np.asarray(x)
        y = np.asarray(y)
        p0 = analyst_start(x, y, model)
        sigma = None
        if weight == "1/y2":
            sigma = np.abs(y)
        elif weight == "1/y":
            sigma = np.sqrt(np.abs(y))
        try:
            p, cov = curve_fit(f, x, y, p0=p0, sigma=sigma, maxfev=20000)
            r = (y - f(x, *p)) / (1.0 if sigma is None else sigma)
            rss = float(np.sum(r ** 2))
            se = np.sqrt(np.abs(np.diag(cov)))
            rec = {"curve": name, "params": dict(zip(names, map(float, p))),
                   "se": dict(zip(names, map(float, se))), "rss": rss,
                   "converged": bool(np.isfinite(rss))}
        except Exception as e:  # noqa: BLE001 - scipy raises RuntimeError/ValueError/…
            rec = {"curve": name, "converged": False, "error": str(e)}
        out.write(json.dumps(rec) + "\n")


def stable_rss(p, x, y, weight):
    """RSS of the 4PL/5PL `p` on (x, y), the curve written as a + (d − a)·(1 − s) where
    s = (1 + (x/c)^b)^−g ≥ ½ (and d + (a − d)·s elsewhere), 1 − s by expm1/log1p: exact to
    rounding even far along a valley where |d| is 1e13 and the usual d + (a − d)·s loses every digit
    (there both programs' own RSS is rounding noise of the size of the RSS itself)."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    g = p.get("g", 1.0)
    if None in (a, b, c, d, g) or c <= 0:
        return None
    total = 0.0
    for xi, yi in zip(x, y):
        try:
            if xi == 0:
                f = a if b > 0 else d
            else:
                lu = b * (math.log(xi) - math.log(c))  # (x/c itself can overflow: c ~ 1e-305)
                # s = e^z; ln(1 + e^lu) without overflowing where (x/c)^b is beyond the doubles
                # (a steep 5PL with a small g is still far from d there)
                z = -g * (lu + math.log1p(math.exp(-lu)) if lu > 30.0 else math.log1p(math.exp(lu)))
                if z >= -math.log(2.0):  # s ≥ ½: from a, with 1 − s = −expm1(z)
                    f = a + (d - a) * -math.expm1(z)
                else:
                    f = d + (a - d) * math.exp(z)
        except OverflowError:  # g·ln(1 + (x/c)^b) beyond the doubles: at the asymptote d
            f = d
        w = 1.0 if weight == "none" else (1.0 / abs(yi) if weight == "1/y2" else 1.0 / math.sqrt(abs(yi)))
        total += (w * (yi - f)) ** 2
    return total


def compare(ours_path, peer_path, data_path, label="scipy", weight=None):
    """Where the peer converged, our RSS must not be worse than the peer's by more than 1e-6 relative
    (curves we report not converged count too, with the RSS of the point we report). No curve may be
    reported converged with c beyond 1e3× the highest standard (or below 1e-3× the lowest non-zero
    one), or, for the 5PL, g outside 0.05–20. Reported: curves where ours is better (by > 1e-6),
    curves we flag (not converged, or a parameter flagged as not determined)."""
    ours = {r["curve"]: r for r in map(json.loads, open(ours_path))}
    peer = {r["curve"]: r for r in map(json.loads, open(peer_path))}
    data = read_curves(data_path)
    n = len(data)
    peer_conv = worse = worse9 = better = flagged = edge_conv = missing = 0
    max_worse = 0.0
    worst = []
    s_worse = s_better = 0
    s_worst = []
    for name, (x, y) in data.items():
        o = ours.get(name)
        s = peer.get(name, {})
        if o is None:
            missing += 1
            continue
        p = o.get("params") or {}
        if not o.get("converged") or o.get("flags"):
            flagged += 1
        if o.get("converged"):
            top = max(x)
            low = min(v for v in x if v > 0)
            c = p.get("c")
            g = p.get("g", 1.0)
            if c is None or abs(c) > 1e3 * top or abs(c) < 1e-3 * low or g is None \
                    or not 0.05 <= g <= 20:
                edge_conv += 1
        if not (s.get("converged") and s.get("rss") is not None):
            continue
        peer_conv += 1
        rss_o, rss_s = o.get("rss"), s["rss"]
        if rss_o is None:
            worse += 1
            worst.append((math.inf, name))
            continue
        rel = (rss_o - rss_s) / max(rss_s, 1e-300)
        if rel > 1e-6:
            worse += 1
            worst.append((rel, name))
        if rel > 1e-9:
            worse9 += 1
        if rel < -1e-6:
            better += 1
        max_worse = max(max_worse, rel)
        if weight is not None:
            so = stable_rss(o.get("params") or {}, x, y, weight)
            sp = stable_rss(s.get("params") or {}, x, y, weight)
            if so is not None and sp is not None and math.isfinite(sp):
                srel = (so - sp) / max(sp, 1e-300)
                if srel > 1e-6:
                    s_worse += 1
                    s_worst.append((srel, name))
                if srel < -1e-6:
                    s_better += 1
    worst.sort(reverse=True)
    print(f"curves: {n}; lines: ours {len(ours)}, {label} {len(peer)}; {label} converged: {peer_conv}")
    print(f"RSS: ours worse than {label} by > 1e-6 rel: {worse} (> 1e-9: {worse9}); ours better by "
          f"> 1e-6: {better}; largest relative excess {max_worse:.1e}")
    if worst:
        print("  worst: " + ", ".join(f"{k} {v:.1e}" for v, k in worst[:5]))
    print(f"ours flagged (not converged or a parameter not determined): {flagged}; reported converged "
          f"with c or g at the edge: {edge_conv}")
    if weight is not None:
        s_worst.sort(reverse=True)
        print(f"RSS recomputed from both parameter sets in the stable form (stable_rss): ours worse "
              f"by > 1e-6 rel: {s_worse}; better: {s_better}"
              + ("; worst: " + ", ".join(f"{k} {v:.1e}" for v, k in s_worst[:5]) if s_worst else ""))
    print(f"row: {label} worse={worse} better={better} flagged={flagged} edge_converged={edge_conv}"
          + (f" stable_worse={s_worse} stable_better={s_better}" if weight is not None else ""))
    ok = missing == 0 and worse == 0 and edge_conv == 0
    print("fits agree" if ok else "FITS DISAGREE")
    return 0 if ok else 1


def time_cmd(runs, out, cmd):
    import resource
    import subprocess
    import time
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        with open(out, "w") as fh:
            subprocess.run(cmd, stdout=fh, check=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    print(f"{best_wall:.4f} {best_cpu:.4f}")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "gen":
        gen(int(sys.argv[2]), sys.argv[3], *sys.argv[4:5])
    elif cmd == "opts":
        model, weight = FAMILIES[sys.argv[2]]
        print(f"--model {model} --weight {weight}")
    elif cmd == "scipy":
        scipy_fit(*sys.argv[2:5])
    elif cmd == "time":
        time_cmd(int(sys.argv[2]), sys.argv[3], sys.argv[4:])
    elif cmd == "compare":
        sys.exit(compare(*sys.argv[2:7]))
    else:
        print(__doc__)
        sys.exit(2)
