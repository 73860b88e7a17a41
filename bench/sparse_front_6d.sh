#!/usr/bin/env bash
# Issue 19, item 4: the 6-D eikonal (ball) front, |x| - 1 + tau at tau = 0.5 on [-2, 2]^6, in the
# max norm over 4000 random points of [-1, 1]^6 (build/bench_sparse_fronts), on adaptive sparse
# grids refined by the hierarchical surplus from level 6 up to level 9 per axis: one semi-Lagrangian
# step over the whole horizon (--cfl 64: dt = 64 x the finest spacing 4/2^9 = 0.5; the ball front's
# characteristics are straight lines with a constant optimal control, so a single step is the
# Hopf-Lax formula and only the grid's interpolation is left), next to multi-step runs and the
# regular grids. Prints the CPU model and one markdown row per run.
#
#   bench/sparse_front_6d.sh [RANKS]      (about 10 minutes on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $ranks ranks, $(date -u +%F)"
b() { mpirun -n "$ranks" "$root/build/bench_sparse_fronts" "$@" | sed -n '3,$p'; }
echo "| d | grid | level | nodes at the end (largest) | steps | ranks | wall (s) | max error | mean error |"
echo "|---|---|---|---|---|---|---|---|---|"
b --cfl 64 6 extrapolating 7 8 9
b --cfl 4 6 adaptive:extrapolating:5e-2:8 6
for eps in 3e-2 2e-2 1e-2; do b --cfl 64 6 adaptive:extrapolating:$eps:9 6; done
