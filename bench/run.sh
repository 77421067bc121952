#!/usr/bin/env bash
# Whole-process benchmarks of integra, against the pandas script a user would
# write instead. Prints one table: median wall time and median peak RSS of
# RUNS runs of each case (GNU time). Usage:
#   bench/run.sh                 # every case, 10M accesses included
#   RUNS=3 SKIP_10M=1 bench/run.sh
# Data sets are generated (deterministically) into BENCH_DIR, kept for reuse.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
WORK=${BENCH_DIR:-/tmp/integra-bench}
mkdir -p "$WORK"

echo "building (release)…" >&2
cargo build --release --locked -q
BIN=$PWD/target/release/integra
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c "import pandas" 2>/dev/null || pip install --quiet pandas >&2

gen() { # name accesses users
  [ -f "$WORK/$1/accessi.csv" ] || { echo "generating $1…" >&2; "$BIN" synth "$WORK/$1" --accessi "$2" --utenti "$3" --seme 7 >/dev/null; }
}
gen a100k 100000 100000
gen a1m 1000000 100000
[ "${SKIP_10M:-0}" = 1 ] || gen a10m 10000000 100000

# measure LABEL CMD… : median wall (s) and peak RSS (MiB) over RUNS runs.
declare -A WALL RSS
measure() {
  local label=$1; shift
  local walls=() rsss=() tfile
  tfile=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$tfile" -f "%e %M" "$@" >/dev/null 2>&1 || true
    local out
    out=$(tail -1 "$tfile")
    walls+=("${out% *}"); rsss+=("${out#* }")
  done
  rm -f "$tfile"
  WALL[$label]=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$label]=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  printf '%-44s %8s s %8s MiB\n' "$label" "${WALL[$label]}" "${RSS[$label]}" >&2
}

OUT=$(mktemp -d)
measure "seed report PDF (data-samples), cold" "$BIN" report --period 2025H1 --data data-samples --out "$OUT/r.pdf"
for set in a100k a1m a10m; do
  [ -d "$WORK/$set" ] || continue
  measure "validate $set" "$BIN" validate --data "$WORK/$set"
  measure "report json $set" "$BIN" report --period 2025H1 --format json --data "$WORK/$set"
  measure "pandas $set" python3 bench/pandas_report.py "$WORK/$set" 2025-01-01 2025-06-30
done

echo
echo "| case | wall (s, median of $RUNS) | peak RSS (MiB) |"
echo "|---|---:|---:|"
for k in "seed report PDF (data-samples), cold" "validate a100k" "report json a100k" "pandas a100k" \
         "validate a1m" "report json a1m" "pandas a1m" "validate a10m" "report json a10m" "pandas a10m"; do
  if [ -n "${WALL[$k]:-}" ]; then echo "| $k | ${WALL[$k]} | ${RSS[$k]} |"; fi
done
for set in a100k a1m a10m; do
  [ -n "${WALL["pandas $set"]:-}" ] || continue
  awk -v i="${WALL["report json $set"]}" -v p="${WALL["pandas $set"]}" -v s="$set" \
    'BEGIN { printf "%s: pandas / integra = %.1fx\n", s, p / i }'
done
if [ -n "${WALL["report json a10m"]:-}" ]; then
  awk -v a="${WALL["report json a1m"]}" -v b="${WALL["report json a10m"]}" \
    'BEGIN { printf "scaling: 10M / 1M = %.1fx (goal <= 11)\n", b / a }'
fi
