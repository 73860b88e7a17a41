#!/usr/bin/env bash
# Front propagation with an exact solution (eikonal, |x| - 1 + tau, tau = 0.5, on [-2, 2]^d) in
# d = 2, 4, 6, 8: sparse grids (boundary, extrapolating, adaptive) next to the full tensor grid with
# the same semi-Lagrangian scheme where it fits (build/bench_sparse_fronts), the same for the
# cross-polytope front under box controls (--problem diamond, exact |x - 0.1|_1 - 1 + d tau), then
# the 6-D and 8-D runs through `hjbench solve` on 2 ranks for their time and peak memory.
#
#   bench/sparse_fronts.sh [RANKS]      (markdown tables; about 30 minutes on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
b() { mpirun -n "$ranks" "$root/build/bench_sparse_fronts" "$@" | sed -n '3,$p'; }
echo "| d | grid | level | nodes at the end | steps | ranks | wall (s) | max error | mean error |"
echo "|---|---|---|---|---|---|---|---|---|"
b 2 full 3 4 5 6 7
b 2 boundary 5 6 7 8 9
b 2 extrapolating 5 6 7 8 9
b 2 adaptive:boundary:1e-3:10 5
b 2 adaptive:boundary:3e-4:11 5
b 4 full 2 3 4 5
b 4 boundary 5 6 7
b 4 extrapolating 5 6 7 8

b 6 full 2 3
b 6 extrapolating 5 6 7 8
b 8 full 2
b 8 extrapolating 4 5 6
echo
echo "The cross-polytope front (--problem diamond: |x - 0.1|_1 = 1 under box controls, a sum of 1-D functions):"
echo
echo "| d | grid | level | nodes at the end | steps | ranks | wall (s) | max error | mean error |"
echo "|---|---|---|---|---|---|---|---|---|"
b --problem diamond 2 full 3 4 5 6
b --problem diamond 2 extrapolating 3 4 5 6 7
b --problem diamond 4 full 2 3 4 5
b --problem diamond 4 extrapolating 3 4 5 6
b --problem diamond 6 full 2 3
b --problem diamond 6 extrapolating 2 3 4 5 6
b --problem diamond 8 full 2
b --problem diamond 8 extrapolating 2 3 4 5
echo
echo "hjbench solve on $ranks ranks (eikonal, extrapolating basis, tau = 0.5):"
for spec in "6 7" "8 6"; do
  read -r d level <<< "$spec"
  levels=$(printf "$level,%.0s" $(seq "$d")); levels=${levels%,}
  out=$(mktemp -d)
  mpirun -n "$ranks" "$root/build/hjbench" solve --problem.name eikonal --grid.type sparse --grid.basis extrapolating \
    --grid.level "$level" --grid.levels "$levels" --time.horizon 0.5 --output.quiet --output.file "$out/t.h5" \
    | sed "s/^/  $d-D level $level: /"
  rm -rf "$out"
done
