#!/usr/bin/env bash
# Issue 23, item 4: the stationary Pendulum-v1 MDP (21 actions, discount 0.99) by `hjbench solve
# --solve.algorithm policy_iteration` against the plain value-iteration yardstick
# (build/bench_vi_yardstick: one thread, Jacobi value iteration on the same MDP read from a CSR
# transition matrix, to max |TV - V| < 1e-8), in one run, one rank: process wall times and their ratio
# at 501^2, and hjbench's process wall time and peak memory at 1001^2.
#
#   bench/stationary_ratio.sh      (after scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_ratio.XXXXXX")
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
echo "CPU: $(lscpu | sed -nE 's/^Model name: +//p'); $(date -u +%F)"
t0=$(now); "$root/build/bench_vi_yardstick" --shape 501,501 | tee "$work/y.log"; t1=$(now)
yardstick=$(echo "$t1 - $t0" | bc -l)
for n in 501 1001; do
  t0=$(now)
  "$root/build/hjbench" solve --problem.name pendulum --grid.shape "$n,$n" --solve.algorithm policy_iteration \
    --output.file "$work/p.h5" --overwrite --output.quiet > "$work/p.log"
  t1=$(now)
  wall=$(echo "$t1 - $t0" | bc -l)
  printf "hjbench policy iteration %dx%d: %.2f s process wall, %s\n" "$n" "$n" "$wall" \
    "$(grep 'peak resident' "$work/p.log")"
  [[ $n == 501 ]] && printf "ratio yardstick / hjbench at 501^2: %.1f (yardstick %.2f s process wall)\n" \
    "$(echo "$yardstick / $wall" | bc -l)" "$yardstick"
done
