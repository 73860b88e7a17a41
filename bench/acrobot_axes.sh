#!/usr/bin/env bash
# Acrobot-v1: does covering the whole reachable velocity range change the optimum's bracket (issue 19,
# item 2)? Three tables of the same node count: the velocity axes clamped to half the clip ranges
# (|omega1| <= 2 pi, |omega2| <= 4.5 pi, what scripts/optimum.sh uses), uniform over the full clip
# ranges (4 pi, 9 pi), and graded over the full ranges (--grid.grading 0,0,G,G: fine at rest, coarse
# near the clips). For each: solve wall time and memory, the table's -E[V_0], the closed-loop
# lookahead over 10,000 starts, and the bracket's lower-end search (beam 4096 wide, one state per half
# cell) on the first STARTS starts. Prints Markdown.
#
#   bench/acrobot_axes.sh [RANKS] [N] [G] [STARTS]     (defaults: 2 ranks, 41 nodes per axis, G = 2, 300)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2} n=${2:-41} g=${3:-2} starts=${4:-300}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_acrobot_axes.XXXXXX")
trap 'rm -rf "$work"' EXIT
pi=3.141592653589793
half=(--grid.lo="-$pi,-$pi,-$(echo "2 * $pi" | bc -l),-$(echo "4.5 * $pi" | bc -l)"
      --grid.hi="$pi,$pi,$(echo "2 * $pi" | bc -l),$(echo "4.5 * $pi" | bc -l)")
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(date -u +%F); commit $(git -C "$root" rev-parse --short HEAD); $ranks ranks, ${n}⁴ nodes"
echo
echo "| velocity axes | solve wall (s) | peak memory per rank | table -E[V_0] | closed loop, 10,000 starts (SE) | beam 4096, first $starts starts (SE) |"
echo "|---|---|---|---|---|---|"
for variant in clamped full graded; do
  axes=()
  [[ $variant == clamped ]] && axes=("${half[@]}")
  [[ $variant == graded ]] && axes=(--grid.grading "0,0,$g,$g")
  mpirun -n "$ranks" "$root/build/hjbench" solve --problem.name acrobot --solve.algorithm finite_horizon \
    --grid.shape "$n,$n,$n,$n" "${axes[@]}" --stationary.actions 3 --finite_horizon.stages 0 \
    --output.file "$work/a.h5" --output.quiet > "$work/solve.log"
  wall=$(sed -nE 's/.*, ([0-9.e+-]+) s wall.*/\1/p' "$work/solve.log")
  memory=$(awk '/peak resident memory per rank/ {print $(NF-1), $NF}' "$work/solve.log")
  mpirun -n "$ranks" "$root/build/hjbench" simulate "$work/a.h5" --starts 10000 > "$work/sim.log"
  tab=$(awk '/table:/ {print $NF}' "$work/sim.log")
  loop=$(awk '/closed loop: greedy/ {print $(NF-4), "+-", $(NF-2)}' "$work/sim.log")
  mpirun -n "$ranks" "$root/build/hjbench" simulate "$work/a.h5" --starts "$starts" --beam 4096 --beam.cell 0.5 \
    > "$work/beam.log"
  beam=$(awk '/achieved:/ {print $(NF-4), "+-", $(NF-2)}' "$work/beam.log")
  label=$variant
  [[ $variant == graded ]] && label="graded ($g), full ranges"
  [[ $variant == full ]] && label="uniform, full ranges"
  [[ $variant == clamped ]] && label="uniform, half ranges (clamped)"
  echo "| $label | $wall | $memory | $tab | $loop | $beam |"
  rm -f "$work/a.h5"
done
