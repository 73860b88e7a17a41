#!/usr/bin/env bash
# The two sparse-grid methods on the same problem, through `hjbench solve`: the semi-Lagrangian
# scheme on the sparse grid (--sparse.method semi_lagrangian, both bases) and the combination
# technique over the WENO5 tensor solver (--sparse.method combination), on the eikonal front in 2-D
# and 4-D (exact V = |x| - 1 + tau, tau = 0.5). Errors over a lattice of [-1, 1]^d (spacing 0.05 in
# 2-D, 0.25 in 4-D) from `hjbench sample`; wall time from the solve summary.
#
#   bench/sparse_methods.sh [RANKS]     (a markdown table; a few minutes on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
python=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| d | method | level | sparse nodes | component nodes | wall on $ranks ranks (s) | max error | mean error |"
echo "|---|---|---|---|---|---|---|---|"
run() {  # run D SHAPE METHOD LEVEL [options...]
  local d=$1 shape=$2 method=$3 level=$4; shift 4
  local levels
  levels=$(printf "$level,%.0s" $(seq "$d")); levels=${levels%,}
  local summary
  summary=$(mpirun -n "$ranks" "$root/build/hjbench" solve --problem.name eikonal --grid.type sparse --grid.level "$level" \
    --grid.levels "$levels" --time.horizon 0.5 --output.quiet --output.file "$work/t.h5" --overwrite "$@" | head -1)
  local wall components
  wall=$(sed -E 's/.* ([0-9.e+-]+) s wall.*/\1/' <<< "$summary")
  components=$(sed -nE 's/.*component grids \(([0-9.e+]+) nodes\).*/\1/p' <<< "$summary")
  local sample_shape
  sample_shape=$(printf "$shape,%.0s" $(seq "$d")); sample_shape=${sample_shape%,}
  "$root/build/hjbench" sample "$work/t.h5" --grid.shape "$sample_shape" --output.file "$work/s.h5" > /dev/null
  "$python" - "$work/t.h5" "$work/s.h5" "$d" "$method" "$level" "$wall" "${components:--}" <<'PY'
import sys, h5py, numpy as np
t, s, d, method, level, wall, comp = sys.argv[1:]
f = h5py.File(s); V = f["value/final"][...]
axes = [f["axes/x%d" % k][...] for k in range(int(d))]
X = np.meshgrid(*axes, indexing="ij")
r = np.sqrt(sum(x * x for x in X))
inside = np.all([np.abs(x) <= 1 + 1e-12 for x in X], axis=0)
e = np.abs(V - (r - 0.5))[inside]
n = len(h5py.File(t)["value/nodal"])
print(f"| {d} | {method} | {level} | {n} | {comp} | {float(wall):.2f} | {e.max():.3e} | {e.mean():.3e} |")
PY
}
for level in 6 7 8 9; do run 2 81 "semi-Lagrangian, boundary" $level --sparse.method semi_lagrangian; done
for level in 6 7 8 9; do run 2 81 "semi-Lagrangian, extrapolating" $level --grid.basis extrapolating; done
for level in 3 4 5 6 7; do run 2 81 "combination (WENO5)" $level --sparse.method combination; done
for level in 5 6 7; do run 4 17 "semi-Lagrangian, boundary" $level --sparse.method semi_lagrangian; done
for level in 5 6 7; do run 4 17 "semi-Lagrangian, extrapolating" $level --grid.basis extrapolating; done
for level in 2 3 4 5; do run 4 17 "combination (WENO5)" $level --sparse.method combination; done
