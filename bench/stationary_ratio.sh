#!/usr/bin/env bash
# Issue 23, item 4: the stationary Pendulum-v1 MDP (21 actions, discount 0.99) by `hjbench solve
# --solve.algorithm policy_iteration` against the plain value-iteration yardstick
# (build/bench_vi_yardstick: one thread, Jacobi value iteration on the same MDP read from a CSR
# transition matrix, to max |TV - V| < 1e-8), in one run, one rank: process wall times at 501^2, the
# two programs alternated N times (default 3), each run's times and the ratio of the medians; then
# hjbench's process wall time and peak memory at 1001^2 (once).
#
#   bench/stationary_ratio.sh [N]      (after scripts/build.sh)
set -euo pipefail
shopt -s inherit_errexit  # a failed run inside $(solve ...) stops the script
root=$(cd "$(dirname "$0")/.." && pwd)
repeats=${1:-3}
[[ $repeats =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/stationary_ratio.sh [N >= 1]" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_ratio.XXXXXX")
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
timed() {  # timed LOG COMMAND...: runs COMMAND with its output in LOG; prints its wall time
  local log=$1 t0 t1
  shift
  t0=$(now)
  "$@" > "$log"
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
solve() {  # solve N: one hjbench run at N^2 (log in p.log); prints its process wall time
  timed "$work/p.log" "$root/build/hjbench" solve --problem.name pendulum --grid.shape "$1,$1" \
    --solve.algorithm policy_iteration --output.file "$work/p.h5" --overwrite --output.quiet
}
echo "CPU: $(lscpu | sed -nE 's/^Model name: +//p'); $(date -u +%F); $repeats alternated runs each"
: > "$work/y.times"
: > "$work/h.times"
for ((i = 1; i <= repeats; ++i)); do
  timed "$work/y.log" "$root/build/bench_vi_yardstick" --shape 501,501 >> "$work/y.times"
  solve 501 >> "$work/h.times"
  printf "run %d: yardstick %.2f s, hjbench 501x501 %.2f s\n" "$i" "$(tail -1 "$work/y.times")" \
    "$(tail -1 "$work/h.times")"
done
cat "$work/y.log"
yardstick=$(median < "$work/y.times")
hjbench=$(median < "$work/h.times")
printf "hjbench policy iteration 501x501: %.2f s process wall (median), %s\n" "$hjbench" \
  "$(grep 'peak resident' "$work/p.log")"
printf "ratio yardstick / hjbench at 501^2: %.1f (medians: yardstick %.2f s, hjbench %.2f s)\n" \
  "$(echo "$yardstick / $hjbench" | bc -l)" "$yardstick" "$hjbench"
wall=$(solve 1001)
printf "hjbench policy iteration 1001x1001: %.2f s process wall, %s\n" "$wall" "$(grep 'peak resident' "$work/p.log")"
