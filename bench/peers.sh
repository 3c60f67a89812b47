#!/usr/bin/env bash
# Fit the same 10,000 synthetic 8-point 4PL curves with `secretome assay fit` and with scipy's
# curve_fit (Levenberg–Marquardt) — and with R's nls + SSfpl when Rscript is installed — check that
# the fits agree, and print the time ratios (whole processes: start-up, CSV parsing, fitting, JSON
# output), wall-clock and CPU time (user + system, all threads).
#
# Usage: bench/peers.sh [N] [BINARY]
#   N       number of curves (default 10000)
#   BINARY  a binary whose `assay fit` follows the contract; default: the real CLI, built here with
#           `cargo build --release -p secretome-cli` (its path taken from `cargo metadata`, so
#           CARGO_TARGET_DIR is honoured)
# Needs: cargo, python3 (numpy and scipy are pip-installed when missing); Rscript optional.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
HERE=bench
RUNS=3
if [ -n "${2:-}" ]; then
  BIN="$2"
else
  echo "building: cargo build --release -p secretome-cli" >&2
  cargo build --release -p secretome-cli >&2
  TARGET="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
  BIN="$TARGET/release/secretome"
fi
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 2; }
python3 -c 'import scipy, numpy' 2>/dev/null || python3 -m pip install -q scipy numpy
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python3 "$HERE/peers.py" gen "$N" "$WORK/curves.csv"
# The first run of each writes the output that is compared; then RUNS timed runs (best taken).
"$BIN" assay fit --model 4pl "$WORK/curves.csv" > "$WORK/ours.jsonl"
python3 "$HERE/peers.py" scipy "$WORK/curves.csv" > "$WORK/scipy.jsonl"
time_it() { python3 "$HERE/peers.py" time "$@"; }
read -r W_OURS C_OURS < <(time_it "$RUNS" "$WORK/t.jsonl" "$BIN" assay fit --model 4pl "$WORK/curves.csv")
read -r W_SCIPY C_SCIPY < <(time_it "$RUNS" "$WORK/t.jsonl" python3 "$HERE/peers.py" scipy "$WORK/curves.csv")

echo "== agreement with scipy curve_fit"
AGREE=0
python3 "$HERE/peers.py" compare "$WORK/ours.jsonl" "$WORK/scipy.jsonl" "$WORK/curves.csv" scipy || AGREE=1
R_LINE=""
if command -v Rscript >/dev/null; then
  # R is slow (SSfpl's self-start runs nls on a partly linear model first): one timed run, whose
  # output is also the one compared.
  read -r W_R C_R < <(time_it 1 "$WORK/r.jsonl" Rscript "$HERE/peers.R" "$WORK/curves.csv")
  echo "== agreement with R nls + SSfpl ($(Rscript -e 'cat(R.version.string)'))"
  python3 "$HERE/peers.py" compare "$WORK/ours.jsonl" "$WORK/r.jsonl" "$WORK/curves.csv" R || AGREE=1
  R_LINE=yes
else
  echo "== R: Rscript not installed (e.g. apt-get install r-base-core), R nls + SSfpl leg skipped"
fi

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$1" "$2"; }
echo "== time: $N curves; best of $RUNS runs (R: one run); $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN"
printf 'secretome assay fit: wall %8.3f s   CPU %8.3f s\n' "$W_OURS" "$C_OURS"
printf 'scipy curve_fit:     wall %8.3f s   CPU %8.3f s\n' "$W_SCIPY" "$C_SCIPY"
[ -n "$R_LINE" ] && printf 'R nls + SSfpl:       wall %8.3f s   CPU %8.3f s\n' "$W_R" "$C_R"
echo "ratio scipy/secretome: wall $(ratio "$W_SCIPY" "$W_OURS")x   CPU $(ratio "$C_SCIPY" "$C_OURS")x"
[ -n "$R_LINE" ] && echo "ratio R/secretome:     wall $(ratio "$W_R" "$W_OURS")x   CPU $(ratio "$C_R" "$C_OURS")x"
exit "$AGREE"
