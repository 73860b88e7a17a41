#!/usr/bin/env bash
# Issue 19, item 3: Acrobot-v1's episode optimum from sparse finite-horizon tables next to tensor
# tables — the lower end of the bracket (the achieved return of the table's closed loop, greedy
# 1-step and 3-step lookahead, on the same seeded starts) against nodes, wall time and memory. The
# upper end is the table-independent certified bound of scripts/optimum.sh (-2.000 for Acrobot, loose),
# so the bracket's width moves with the lower end alone.
#
# With `adaptive` as the third argument it runs instead an adaptive sparse table (level 5 grown up to
# level 7 where the surplus exceeds 20, the recursion truncated at 100 stages: the optimal episode
# from the hanging state takes about 60, and a 500-stage run would take about 75 min; the closed loop
# still runs the full 500-step episode, so its return is a feasible policy's).
#
#   bench/acrobot_sparse.sh [RANKS] [STARTS] [adaptive]   (after scripts/build.sh; default 2 ranks, 300 starts;
#                                                          ~5 min, adaptive ~15 min)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
starts=${2:-300}
mode=${3:-regular}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
hjbench=$root/build/hjbench
[[ -x "$hjbench" ]] || { echo "build/ first (scripts/build.sh)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $ranks ranks, $starts starts"
echo "| table | nodes | solve wall (s) | peak per rank | -E[V_0] (table, estimate) | closed loop, lookahead 1 | lookahead 3 |"
echo "|---|---|---|---|---|---|---|"
row() {  # LABEL SOLVE-ARGS...
  local label=$1
  shift
  mpirun -n "$ranks" "$hjbench" solve --problem.name acrobot --solve.algorithm finite_horizon \
    --stationary.actions 3 "$@" --output.file "$tmp/t.h5" --overwrite --output.quiet > "$tmp/solve.log" 2>&1 ||
    { cat "$tmp/solve.log" >&2; exit 1; }
  local wall peak nodes
  wall=$(grep -oE '[0-9.]+ s wall' "$tmp/solve.log" | head -1 | cut -d' ' -f1)
  peak=$(grep -oE 'peak resident memory per rank \(largest\): [0-9.]+ [A-Za-z]+' "$tmp/solve.log" | sed 's/.*: //')
  local cells=()
  for k in 1 3; do
    mpirun -n "$ranks" "$hjbench" simulate "$tmp/t.h5" --starts "$starts" --lookahead "$k" > "$tmp/sim.log" 2>&1 ||
      { cat "$tmp/sim.log" >&2; exit 1; }
    [[ $k == 1 ]] && {
      nodes=$(grep -oE '[0-9]+ nodes|grid [0-9x]+' "$tmp/sim.log" | head -1 | sed -E 's/ nodes//; s/grid //')
      [[ $nodes == *x* ]] && nodes=$((${nodes//x/*}))  # a tensor grid's shape: its node count
      table=$(grep -E '^ +table:' "$tmp/sim.log" | awk '{print $NF}')
    }
    cells+=("$(grep -E '^ +closed loop:' "$tmp/sim.log" | sed -E 's/.* (-?[0-9.]+) \+- ([0-9.]+).*/\1 ± \2/')")
  done
  echo "| $label | $nodes | $wall | $peak | $table | ${cells[0]} | ${cells[1]} |"
}
if [[ $mode == adaptive ]]; then
  row "sparse adaptive, level 5 to 7, EPS 20, 100 stages" --grid.type sparse --grid.level 5 --grid.adaptive 20 \
    --grid.max_level 7 --finite_horizon.steps 100
  exit 0
fi
for n in 21 31; do
  row "tensor $n⁴ (graded velocity axes, V_0 only)" --grid.shape "$n,$n,$n,$n" --grid.grading 0,0,2,2 --finite_horizon.stages 0
done
for level in 6 7 8; do
  row "sparse level $level (boundary basis)" --grid.type sparse --grid.level "$level"
done
