#!/usr/bin/env bash
# Fit the same 10,000 synthetic curves of one family with `secretome assay fit` and with scipy's
# curve_fit (Levenberg–Marquardt) — and with R's minpack.lm::nlsLM when Rscript is installed — both
# started as an analyst would (asymptotes at the extremes, inflection at the median); check that our
# RSS is never worse than a converged peer's (1e-6 relative) and that no curve is reported converged
# with c 1000× beyond the standards (or a 5PL g outside 0.05–20); print the time ratios (whole
# processes: start-up, CSV parsing, fitting, JSON output), wall-clock and CPU time (user + system,
# all threads), and a table row.
#
# Usage: [RUNS=3] [PEER_RUNS=1] bench/peers.sh [--family NAME] [N] [BINARY]
#   RUNS       timed runs of ours (best taken); PEER_RUNS: timed runs of scipy (default 1; its first
#              run's output is the one compared, so scipy is not run an extra time)
#   NAME    curve family (default classic): classic elisa above below competitive weighted fivepl
#           (described in bench/peers.py; the family also sets --model and --weight)
#   N       number of curves (default 10000)
#   BINARY  a binary whose `assay fit` follows the contract; default: the real CLI, built here with
#           `cargo build --release -p secretome-cli` (its path taken from `cargo metadata`, so
#           CARGO_TARGET_DIR is honoured)
# Needs: cargo, python3 (numpy and scipy are pip-installed when missing); Rscript with minpack.lm
# optional (apt-get install r-cran-minpack.lm).
set -euo pipefail
cd "$(dirname "$0")/.."
FAMILY=classic
if [ "${1:-}" = "--family" ]; then
  FAMILY="$2"
  shift 2
fi
N="${1:-10000}"
HERE=bench
RUNS="${RUNS:-3}"
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

python3 "$HERE/peers.py" gen "$N" "$WORK/curves.csv" "$FAMILY"
read -r _ MODEL _ WEIGHT < <(python3 "$HERE/peers.py" opts "$FAMILY")
# Ours and scipy timed back to back (same machine state); the output of the last timed run of each
# is the one compared (every run of ours writes the same lines).
time_it() { python3 "$HERE/peers.py" time "$@"; }
read -r W_OURS C_OURS < <(time_it "$RUNS" "$WORK/ours.jsonl" "$BIN" assay fit --model "$MODEL" --weight "$WEIGHT" "$WORK/curves.csv")
read -r W_SCIPY C_SCIPY < <(time_it "${PEER_RUNS:-1}" "$WORK/scipy.jsonl" python3 "$HERE/peers.py" scipy "$WORK/curves.csv" "$MODEL" "$WEIGHT")
LOAD_MID="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "== family $FAMILY ($N curves, --model $MODEL --weight $WEIGHT): agreement with scipy curve_fit"
AGREE=0
python3 "$HERE/peers.py" compare "$WORK/ours.jsonl" "$WORK/scipy.jsonl" "$WORK/curves.csv" scipy "$WEIGHT" | tee "$WORK/cmp-scipy.txt" || AGREE=1
R_LINE=""
if command -v Rscript >/dev/null && Rscript -e 'library(minpack.lm)' >/dev/null 2>&1; then
  # R is slow: one timed run, whose output is also the one compared.
  read -r W_R C_R < <(time_it 1 "$WORK/r.jsonl" Rscript "$HERE/peers.R" "$WORK/curves.csv" "$MODEL" "$WEIGHT")
  echo "== agreement with R minpack.lm::nlsLM ($(Rscript -e 'cat(R.version.string)'))"
  python3 "$HERE/peers.py" compare "$WORK/ours.jsonl" "$WORK/r.jsonl" "$WORK/curves.csv" R "$WEIGHT" | tee "$WORK/cmp-r.txt" || AGREE=1
  R_LINE=yes
else
  echo "== R: Rscript or minpack.lm not installed (apt-get install r-cran-minpack.lm), R leg skipped"
fi

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$1" "$2"; }
echo "== time: $N curves; ours best of $RUNS runs, scipy best of ${PEER_RUNS:-1}, R one run; $(nproc) cores, load average after scipy $LOAD_MID, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN"
printf 'secretome assay fit: wall %8.3f s   CPU %8.3f s\n' "$W_OURS" "$C_OURS"
printf 'scipy curve_fit:     wall %8.3f s   CPU %8.3f s\n' "$W_SCIPY" "$C_SCIPY"
[ -n "$R_LINE" ] && printf 'R nlsLM:             wall %8.3f s   CPU %8.3f s\n' "$W_R" "$C_R"
echo "ratio scipy/secretome: wall $(ratio "$W_SCIPY" "$W_OURS")x   CPU $(ratio "$C_SCIPY" "$C_OURS")x"
[ -n "$R_LINE" ] && echo "ratio R/secretome:     wall $(ratio "$W_R" "$W_OURS")x   CPU $(ratio "$C_R" "$C_OURS")x"
# One row of the BENCHMARKS.md table: family | worse/better than scipy | worse/better than R |
# flagged | converged at an edge | scipy/ours wall, CPU.
field() { sed -n "s/^row: .* $1=\([0-9]*\).*/\1/p" "$2"; }
R_WB="-"
[ -n "$R_LINE" ] && R_WB="$(field worse "$WORK/cmp-r.txt") / $(field better "$WORK/cmp-r.txt")"
echo "| $FAMILY | $(field worse "$WORK/cmp-scipy.txt") / $(field better "$WORK/cmp-scipy.txt") | $R_WB | $(field flagged "$WORK/cmp-scipy.txt") | $(field edge_converged "$WORK/cmp-scipy.txt") | $(ratio "$W_SCIPY" "$W_OURS")× / $(ratio "$C_SCIPY" "$C_OURS")× |"
R_T="- / -"
[ -n "$R_LINE" ] && R_T="$C_R / $W_R"
echo "times (CPU / wall s): | $FAMILY | ours $C_OURS / $W_OURS | scipy $C_SCIPY / $W_SCIPY | R $R_T | load $LOAD_MID |"
exit "$AGREE"
