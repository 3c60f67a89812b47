#!/usr/bin/env python3
"""LRE of scipy.optimize.curve_fit (default method: MINPACK LM, default tolerances, numeric Jacobian)
on the 27 NIST StRD nonlinear problems, from both starts: min LRE over the parameters, and LRE of the
RSS, as a Markdown table. Usage: bench/nist_scipy.py [DIR] (default crates/assay/tests/data/nist-strd)."""
import math
import os
import re
import sys
import warnings

import numpy as np
from scipy.optimize import curve_fit

MODELS = {
    "Misra1a": lambda x, b1, b2: b1 * (1 - np.exp(-b2 * x)),
    "BoxBOD": lambda x, b1, b2: b1 * (1 - np.exp(-b2 * x)),
    "Chwirut1": lambda x, b1, b2, b3: np.exp(-b1 * x) / (b2 + b3 * x),
    "Chwirut2": lambda x, b1, b2, b3: np.exp(-b1 * x) / (b2 + b3 * x),
    "Lanczos1": lambda x, b1, b2, b3, b4, b5, b6: b1 * np.exp(-b2 * x) + b3 * np.exp(-b4 * x) + b5 * np.exp(-b6 * x),
    "Lanczos2": lambda x, b1, b2, b3, b4, b5, b6: b1 * np.exp(-b2 * x) + b3 * np.exp(-b4 * x) + b5 * np.exp(-b6 * x),
    "Lanczos3": lambda x, b1, b2, b3, b4, b5, b6: b1 * np.exp(-b2 * x) + b3 * np.exp(-b4 * x) + b5 * np.exp(-b6 * x),
    "Gauss1": lambda x, b1, b2, b3, b4, b5, b6, b7, b8: b1 * np.exp(-b2 * x) + b3 * np.exp(-(x - b4) ** 2 / b5 ** 2) + b6 * np.exp(-(x - b7) ** 2 / b8 ** 2),
    "Misra1b": lambda x, b1, b2: b1 * (1 - (1 + b2 * x / 2) ** (-2)),
    "Kirby2": lambda x, b1, b2, b3, b4, b5: (b1 + b2 * x + b3 * x ** 2) / (1 + b4 * x + b5 * x ** 2),
    "Hahn1": lambda x, b1, b2, b3, b4, b5, b6, b7: (b1 + b2 * x + b3 * x ** 2 + b4 * x ** 3) / (1 + b5 * x + b6 * x ** 2 + b7 * x ** 3),
    "Nelson": lambda x, b1, b2, b3: b1 - b2 * x[0] * np.exp(-b3 * x[1]),
    "MGH17": lambda x, b1, b2, b3, b4, b5: b1 + b2 * np.exp(-x * b4) + b3 * np.exp(-x * b5),
    "Misra1c": lambda x, b1, b2: b1 * (1 - (1 + 2 * b2 * x) ** (-.5)),
    "Misra1d": lambda x, b1, b2: b1 * b2 * x * ((1 + b2 * x) ** (-1)),
    "Roszman1": lambda x, b1, b2, b3, b4: b1 - b2 * x - np.arctan(b3 / (x - b4)) / np.pi,
    "ENSO": lambda x, b1, b2, b3, b4, b5, b6, b7, b8, b9: b1 + b2 * np.cos(2 * np.pi * x / 12) + b3 * np.sin(2 * np.pi * x / 12) + b5 * np.cos(2 * np.pi * x / b4) + b6 * np.sin(2 * np.pi * x / b4) + b8 * np.cos(2 * np.pi * x / b7) + b9 * np.sin(2 * np.pi * x / b7),
    "MGH09": lambda x, b1, b2, b3, b4: b1 * (x ** 2 + x * b2) / (x ** 2 + x * b3 + b4),
    "Rat42": lambda x, b1, b2, b3: b1 / (1 + np.exp(b2 - b3 * x)),
    "MGH10": lambda x, b1, b2, b3: b1 * np.exp(b2 / (x + b3)),
    "Eckerle4": lambda x, b1, b2, b3: (b1 / b2) * np.exp(-0.5 * ((x - b3) / b2) ** 2),
    "Rat43": lambda x, b1, b2, b3, b4: b1 / ((1 + np.exp(b2 - b3 * x)) ** (1 / b4)),
    "Bennett5": lambda x, b1, b2, b3: b1 * (b2 + x) ** (-1 / b3),
    "DanWood": lambda x, b1, b2: b1 * x ** b2,
}
MODELS["Gauss2"] = MODELS["Gauss3"] = MODELS["Gauss1"]
MODELS["Thurber"] = MODELS["Hahn1"]


def parse(path):
    start1, start2, cert = [], [], []
    rss, data, in_data = None, [], False
    for line in open(path):
        w = line.split()
        if in_data:
            if w:
                data.append([float(v) for v in w])
        elif len(w) == 6 and re.fullmatch(r"b\d", w[0]) and w[1] == "=":
            start1.append(float(w[2])); start2.append(float(w[3])); cert.append(float(w[4]))
        elif line.startswith("Residual Sum of Squares:"):
            rss = float(w[-1])
        elif line.startswith("Data:") and len(w) > 1 and w[1] == "y":
            in_data = True
    return start1, start2, cert, rss, np.array(data)


def lre(est, cert):
    if not np.isfinite(est):
        return 0.0
    rel = abs(est - cert) / abs(cert) if cert != 0 else abs(est)
    return 15.0 if rel == 0 else max(0.0, min(15.0, -math.log10(rel)))


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "crates/assay/tests/data/nist-strd")
    warnings.simplefilter("ignore")
    print("| problem | scipy start 1: min LRE params | RSS | scipy start 2: min LRE params | RSS |")
    print("|---|---|---|---|---|")
    for name in sorted(f[:-4] for f in os.listdir(d) if f.endswith(".dat")):
        s1, s2, cert, crss, data = parse(os.path.join(d, name + ".dat"))
        f = MODELS[name]
        y = data[:, 0]
        x = data[:, 1:].T if name == "Nelson" else data[:, 1]
        if name == "Nelson":
            y = np.log(y)
        cells = []
        for s in (s1, s2):
            try:
                p, _ = curve_fit(f, x, y, p0=s, maxfev=100000)
                r = float(np.sum((y - f(x, *p)) ** 2))
                cells += [f"{min(lre(a, b) for a, b in zip(p, cert)):.1f}", f"{lre(r, crss):.1f}"]
            except Exception:  # noqa: BLE001
                cells += ["fails", "-"]
        print(f"| {name} | " + " | ".join(cells) + " |")


main()
