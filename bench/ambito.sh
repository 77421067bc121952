#!/usr/bin/env bash
# An ambito of many centres (docs/AMBITO.md): CENTRES synthetic centres of
# ACCESSES accesses and USERS users each (`integra synth`, a different seed
# each), one ambito.toml naming them, then the ambito's report timed as a
# whole process (GNU time: wall seconds and peak RSS, median of RUNS), beside
# one centre's report alone and the sum of the centres' reports run one
# after the other (what a script calling integra once per centre would take).
# Usage:
#   bench/ambito.sh                      # 20 centres of 100,000 accesses
#   CENTRES=5 ACCESSES=20000 BIN=target/debug/integra RUNS=1 bench/ambito.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CENTRES=${CENTRES:-20}
ACCESSES=${ACCESSES:-100000}
USERS=${USERS:-10000}
RUNS=${RUNS:-5}
PERIOD=${PERIOD:-2025H1}
WORK=${BENCH_DIR:-/tmp/integra-bench}/ambito-${CENTRES}x${ACCESSES}
if [ -n "${BIN:-}" ]; then
  BIN=$(realpath "$BIN")
else
  echo "building (release)…" >&2
  cargo build --release --locked -q
  BIN=$PWD/target/release/integra
fi
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ ! -f "$WORK/ambito.toml" ]; then
  mkdir -p "$WORK"
  {
    echo '[ambito]'
    echo 'nome = "Ambito di prova"'
  } > "$WORK/ambito.toml"
  for i in $(seq 1 "$CENTRES"); do
    "$BIN" synth --accessi "$ACCESSES" --utenti "$USERS" --seme "$i" -q "$WORK/c$i"
    printf '\n[[centri]]\nnome = "Centro %s"\ncartella = "c%s"\n' "$i" "$i" >> "$WORK/ambito.toml"
  done
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # label, command...
  local label=$1; shift
  local secs=() mem=()
  "$@" >/dev/null 2>&1 || { echo "$label: the command failed" >&2; "$@" >/dev/null; }
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f '%e %M' -o /tmp/ambito-bench.time "$@" >/dev/null 2>&1
    read -r s m < /tmp/ambito-bench.time
    secs+=("$s"); mem+=("$m")
  done
  printf '| %s | %s | %s |\n' "$label" "$(printf '%s\n' "${secs[@]}" | median)" \
    "$(( $(printf '%s\n' "${mem[@]}" | median) / 1024 ))"
}
echo "| $CENTRES centres × $ACCESSES accesses, $PERIOD | wall s | peak MiB |"
echo "| --- | ---: | ---: |"
measure "one centre alone, JSON" "$BIN" report --period "$PERIOD" --data "$WORK/c1" --format json -q
measure "the ambito, JSON" "$BIN" report --period "$PERIOD" --data "$WORK" --format json -q
measure "the ambito, PDF" "$BIN" report --period "$PERIOD" --data "$WORK" --format pdf --out /tmp/ambito-bench.pdf -q
measure "each centre in turn, JSON" bash -c \
  'for i in $(seq 1 "$1"); do "$2" report --period "$3" --data "$4/c$i" --format json -q >/dev/null; done' \
  each "$CENTRES" "$BIN" "$PERIOD" "$WORK"
measure "the ambito, validate" "$BIN" validate --data "$WORK" -q
