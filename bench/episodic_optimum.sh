#!/usr/bin/env bash
# The optimal expected episode return of Pendulum-v1 and MountainCarContinuous-v0 under Gymnasium's
# start distribution, two ways, at three refinements of grid and action set:
#   table       -E[V_0(x0)]: the finite-horizon table's first stage integrated exactly over the
#               start distribution (hjbench solve --solve.algorithm finite_horizon)
#   closed loop the mean return of the table's greedy lookahead feedback on the exact step from
#               STARTS seeded starts, with its standard error (a feasible policy: a lower bound on
#               the optimum up to that error), and the paired difference closed loop - table
# Prints a Markdown table (docs/benchmarks.md records one). Needs build/hjbench (scripts/build.sh)
# and about 3 GB of free disk in $TMPDIR for the finest MountainCar table (deleted afterwards).
#
#   bench/episodic_optimum.sh [STARTS] [RANKS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
starts=${1:-10000}
ranks=${2:-1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_episodic.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "| problem | grid | actions | solve (s) | table -E[V_0] | closed loop (SE) | closed loop - table, paired (SE) |"
echo "|---|---|---|---|---|---|---|"
for problem in pendulum mountain_car; do
  for level in "101 11" "201 21" "401 41"; do
    set -- $level
    table="$work/${problem}_$1.h5"
    t0=$(date +%s.%N)
    mpirun -n "$ranks" "$root/build/hjbench" solve --problem.name "$problem" --solve.algorithm finite_horizon \
      --grid.shape "$1,$1" --stationary.actions "$2" --output.file "$table" --output.quiet > "$work/solve.log"
    t1=$(date +%s.%N)
    "$root/build/hjbench" simulate "$table" --starts "$starts" > "$work/sim.log"
    tab=$(awk '/table:/ {print $NF}' "$work/sim.log")
    loop=$(awk '/closed loop: greedy/ {print $(NF-4), "+-", $(NF-2)}' "$work/sim.log")
    diff=$(awk '/closed loop - table/ {print $(NF-4), "+-", $(NF-2)}' "$work/sim.log")
    printf "| %s | %sx%s | %s | %.1f | %s | %s | %s |\n" "$problem" "$1" "$1" "$2" \
      "$(echo "$t1 - $t0" | bc)" "$tab" "$loop" "$diff"
    rm -f "$table"
  done
done
