#!/usr/bin/env bash
# Whole-process benchmarks of integra, against the scripts a user would write
# instead (bench/pandas_report.py, written plainly as most scripts are;
# bench/pandas_fast.py, the same figures tuned for speed; bench/polars_fast.py,
# the same figures with polars, for the CSV shapes), on every file shape
# real tools write (bench/dialects.py): `;` CSV as is, `,` CSV with ISO dates,
# `;` CSV all quoted with CRLF in Windows-1252, UTF-8 with BOM, and one xlsx /
# ods workbook. Prints median wall time and median peak RSS of RUNS runs of
# each case (GNU time) as one markdown table. Usage:
#   bench/run.sh                       # every case, 10M accesses included
#   RUNS=3 SKIP_10M=1 bench/run.sh
#   SHAPES="semicolon comma-iso" bench/run.sh
#   BIN=target/debug/integra RUNS=1 SIZES=small bench/run.sh   # a quick try
# Variables:
#   RUNS      runs of each case, the median is shown (5)
#   BENCH_DIR where data sets are generated and kept for reuse (/tmp/integra-bench)
#   SKIP_10M  1 leaves out the 10M-access set
#   SKIP_AMBITO 1 leaves out the ambito of 20 centres (bench/ambito.sh)
#   SHAPES    the shapes measured, space-separated (all of them:
#             semicolon comma-iso quoteall-crlf-cp1252 bom xlsx ods)
#   SIZES     full (a100k, a1m, a10m) or small (one set s20k of 20000
#             accesses and 5000 users, to try the script with a debug build)
#   BIN       the integra binary to measure; without it the release build is
#             made with cargo and measured
# Workbooks (xlsx, ods) are written and measured only for the smallest set
# (a100k, or s20k): spreadsheets of millions of rows are not what offices keep.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
WORK=${BENCH_DIR:-/tmp/integra-bench}
SIZES=${SIZES:-full}
ALL_SHAPES="semicolon comma-iso quoteall-crlf-cp1252 bom xlsx ods"
SHAPES=${SHAPES:-$ALL_SHAPES}
for s in $SHAPES; do
  case " $ALL_SHAPES " in *" $s "*) ;; *) echo "unknown shape $s (known: $ALL_SHAPES)" >&2; exit 2 ;; esac
done
mkdir -p "$WORK"

if [ -n "${BIN:-}" ]; then
  BIN=$(realpath "$BIN")
  [ -x "$BIN" ] || { echo "BIN=$BIN is not an executable" >&2; exit 2; }
else
  echo "building (release)…" >&2
  cargo build --release --locked -q
  BIN=$PWD/target/release/integra
fi
echo "measuring $BIN" >&2
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
# pandas for both pandas scripts, pyarrow for the fast one's CSV engine,
# openpyxl and odfpy to write and read the workbooks, polars for the third.
for mod_pkg in pandas:pandas pyarrow:pyarrow openpyxl:openpyxl odf:odfpy polars:polars; do
  python3 -c "import ${mod_pkg%%:*}" 2>/dev/null || pip install --quiet "${mod_pkg#*:}" >&2
done

# Data sets: name, accesses, users. The first one also gets the workbooks.
case $SIZES in
  full)
    SETS=("a100k 100000 100000" "a1m 1000000 100000")
    [ "${SKIP_10M:-0}" = 1 ] || SETS+=("a10m 10000000 100000")
    ;;
  small) SETS=("s20k 20000 5000") ;;
  *) echo "SIZES is full or small, not $SIZES" >&2; exit 2 ;;
esac

# Generated once (deterministically, seed 7) and kept in BENCH_DIR; then the
# same rows in each shape, into $WORK/dialects/<set>/<shape>/.
SET_NAMES=()
first=1
for spec in "${SETS[@]}"; do
  read -r name accesses users <<<"$spec"
  SET_NAMES+=("$name")
  [ -f "$WORK/$name/accessi.csv" ] || {
    echo "generating $name…" >&2
    "$BIN" synth "$WORK/$name" --accessi "$accesses" --utenti "$users" --seme 7 >/dev/null
  }
  shapes=()
  for s in $SHAPES; do
    case $s in xlsx | ods) workbook=1 ;; *) workbook=0 ;; esac
    if [ $first = 1 ] || [ $workbook = 0 ]; then shapes+=("$s"); fi
  done
  [ ${#shapes[@]} = 0 ] || python3 bench/dialects.py "$WORK/$name" "$WORK/dialects/$name" "${shapes[@]}"
  first=0
done

# measure LABEL OKMAX CMD… : median wall (s) and peak RSS (MiB) over RUNS
# runs; an exit code above OKMAX (validate exits 1 on register errors) marks
# the case failed. The output of the last run is kept in $OUT/<label>.out.
declare -A WALL RSS FAILED
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
measure() {
  local label=$1 okmax=$2; shift 2
  local walls=() rsss=() tfile rc file=$OUT/${label// /_}.out
  tfile=$(mktemp)
  for _ in $(seq "$RUNS"); do
    rc=0
    /usr/bin/time -o "$tfile" -f "%e %M" "$@" >"$file" 2>"$file.err" || rc=$?
    [ "$rc" -le "$okmax" ] || FAILED[$label]=$rc
    local t
    t=$(tail -1 "$tfile")
    walls+=("${t% *}"); rsss+=("${t#* }")
  done
  rm -f "$tfile"
  WALL[$label]=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$label]=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  printf '%-48s %8s s %8s MiB%s\n' "$label" "${WALL[$label]}" "${RSS[$label]}" \
    "${FAILED[$label]:+   FAILED (exit ${FAILED[$label]}): $(head -c 300 "$file.err")}" >&2
}

# check SET_SHAPE: the peers must have printed the same figures (polars
# only for CSV), and these must be integra's (totals, users new and by category, accesses by
# country), as the outputs kept by measure show. Printed either way.
check() {
  python3 - "$OUT/pandas_$1.out" "$OUT/fast_$1.out" "$OUT/report_$1.out" "$1" "$OUT/polars_$1.out" <<'EOF' >&2 || true
import json, sys
def load(p):
    try:
        return json.load(open(p))
    except (OSError, ValueError):
        return None
plain, fast, integra = (load(p) for p in sys.argv[1:4])
case = sys.argv[4]
if plain is None or fast is None or integra is None:
    print(f"  check {case}: an output is missing or not JSON")
    sys.exit()
if plain != fast:
    print(f"  check {case}: MISMATCH between pandas_report.py and pandas_fast.py")
polars = load(sys.argv[5])
if polars is not None and polars != fast:
    print(f"  check {case}: MISMATCH between polars_fast.py and pandas_fast.py")
a, u = integra["accesses"], integra["users"]
ours = {"accesses": a["total"], "users": u["total"], "new": u["new"], "by_category": u["by_category"],
        "by_country": {c["country"]: c["count"] for c in a["by_country"]}}
theirs = {"accesses": plain["accesses"]["total"], "users": plain["users"]["total"], "new": plain["users"]["new"],
          "by_category": {k: plain["users"]["by_category"].get(k, 0) for k in ("italian", "eu", "non_eu")},
          "by_country": plain["accesses"]["by_country"]}
bad = [k for k in ours if ours[k] != theirs[k]]
if bad:
    print(f"  check {case}: integra and pandas disagree on {', '.join(bad)}")
elif plain == fast:
    also = " and polars_fast.py" if polars is not None and polars == fast else ""
    print(f"  check {case}: same figures from integra, pandas_report.py, pandas_fast.py{also}")
EOF
}

measure "seed report PDF (data-samples), cold" 0 "$BIN" report --period 2025H1 --data data-samples --out "$OUT/r.pdf"
ROWS=()
for set in "${SET_NAMES[@]}"; do
  for shape in $SHAPES; do
    d=$WORK/dialects/$set/$shape
    [ -d "$d" ] || continue
    ROWS+=("$set $shape")
    measure "validate $set $shape" 1 "$BIN" validate --data "$d"
    measure "report $set $shape" 0 "$BIN" report --period 2025H1 --format json --data "$d"
    measure "pandas $set $shape" 0 python3 bench/pandas_report.py "$d" 2025-01-01 2025-06-30
    measure "fast $set $shape" 0 python3 bench/pandas_fast.py "$d" 2025-01-01 2025-06-30
    case $shape in
      xlsx | ods) ;;
      *) measure "polars $set $shape" 0 python3 bench/polars_fast.py "$d" 2025-01-01 2025-06-30 ;;
    esac
    check "${set}_$shape"
  done
done

# cell LABEL: "wall s · RSS MiB", or why there is no number.
cell() {
  if [ -n "${FAILED[$1]:-}" ]; then echo "failed (exit ${FAILED[$1]})"
  elif [ -n "${WALL[$1]:-}" ]; then echo "${WALL[$1]} s · ${RSS[$1]} MiB"
  else echo "–"; fi
}

echo
echo "integra: $BIN; median of $RUNS runs; wall seconds · peak RSS MiB"
echo
echo "| case | wall (s) | peak RSS (MiB) |"
echo "|---|---:|---:|"
k="seed report PDF (data-samples), cold"
echo "| $k | ${WALL[$k]} | ${RSS[$k]} |"
echo
echo "| set | shape | integra validate | integra report json | pandas (today's script) | pandas (fast) | polars (fast) |"
echo "|---|---|---:|---:|---:|---:|---:|"
for row in "${ROWS[@]}"; do
  read -r set shape <<<"$row"
  echo "| $set | $shape | $(cell "validate $set $shape") | $(cell "report $set $shape") |" \
       "$(cell "pandas $set $shape") | $(cell "fast $set $shape") | $(cell "polars $set $shape") |"
done
echo
# The faster of the two pandas scripts against integra report json (the
# issue's measure), and the fastest of every peer, polars included.
for row in "${ROWS[@]}"; do
  read -r set shape <<<"$row"
  i=${WALL["report $set $shape"]}
  p=${WALL["pandas $set $shape"]} f=${WALL["fast $set $shape"]} q=${WALL["polars $set $shape"]:-}
  awk -v i="$i" -v p="$p" -v f="$f" -v q="$q" -v row="$set $shape" 'BEGIN {
    if (f <= p) { best = f; who = "pandas (fast)" } else { best = p; who = "pandas (today'"'"'s script)" }
    i = i > 0 ? i : 0.005
    printf "%s: faster pandas / integra report json = %.1fx (%s, %s s / %s s)", row, best / i, who, best, i
    if (q != "" && q < best) printf "; polars (fast) / integra = %.1fx (%s s)", q / i, q
    printf "\n"
  }'
done
if [ -n "${WALL["report a10m semicolon"]:-}" ] && [ -n "${WALL["report a1m semicolon"]:-}" ]; then
  awk -v a="${WALL["report a1m semicolon"]}" -v b="${WALL["report a10m semicolon"]}" \
    'BEGIN { printf "scaling (semicolon): 10M / 1M = %.1fx (goal <= 11)\n", b / a }'
fi
# An ambito of 20 centres of 100,000 accesses each (docs/AMBITO.md), with
# the same binary: bench/ambito.sh.
if [ "${SKIP_AMBITO:-0}" != 1 ] && [ "$SIZES" = full ]; then
  echo
  BIN="$BIN" RUNS="$RUNS" BENCH_DIR="$WORK" bench/ambito.sh
fi
