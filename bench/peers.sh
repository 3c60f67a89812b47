#!/usr/bin/env bash
# Fit the same 10,000 synthetic 8-point 4PL curves with `secretome assay fit` and with scipy's
# curve_fit (Levenberg–Marquardt), check the fits agree, print the wall-time ratio (whole processes:
# start-up, CSV parsing, fitting, JSON output).
#
# Usage: bench/peers.sh [N] [BINARY]
#   N       number of curves (default 10000)
#   BINARY  the secretome binary (default target/release/secretome, built with
#           `cargo build --release -p secretome-cli`); any binary whose `assay fit` follows the contract
#           works, e.g. target-assay/release/examples/assay_cli.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
BIN="${2:-target/release/secretome}"
HERE=bench
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release -p secretome-cli" >&2; exit 2; }
python3 -c 'import scipy' 2>/dev/null || python3 -m pip install -q scipy numpy

python3 "$HERE/peers.py" gen "$N" "$WORK/curves.csv"
# One untimed run each, so a failure stops the script here.
"$BIN" assay fit --model 4pl "$WORK/curves.csv" > "$WORK/ours.jsonl"
python3 "$HERE/peers.py" scipy "$WORK/curves.csv" > "$WORK/scipy.jsonl"

read -r W_OURS C_OURS < <(python3 "$HERE/peers.py" time "$WORK/ours.jsonl" "$BIN" assay fit --model 4pl "$WORK/curves.csv")
read -r W_SCIPY C_SCIPY < <(python3 "$HERE/peers.py" time "$WORK/scipy.jsonl" python3 "$HERE/peers.py" scipy "$WORK/curves.csv")
python3 "$HERE/peers.py" compare "$WORK/ours.jsonl" "$WORK/scipy.jsonl" "$WORK/curves.csv"
if command -v Rscript >/dev/null; then
  echo "R found, but the R nls + SSfpl leg is not implemented in this script yet" >&2
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf 'curves: %s (best of 3 runs each)\n' "$N"
printf 'secretome assay fit: wall %8.3f s   CPU %8.3f s\n' "$W_OURS" "$C_OURS"
printf 'scipy curve_fit:     wall %8.3f s   CPU %8.3f s\n' "$W_SCIPY" "$C_SCIPY"
printf 'ratio scipy/secretome: wall %.1fx   CPU %.1fx\n' \
  "$(echo "$W_SCIPY / $W_OURS" | bc -l)" "$(echo "$C_SCIPY / $C_OURS" | bc -l)"
