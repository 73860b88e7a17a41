#!/usr/bin/env bash
# Air3D (3-D BRT, horizon 2.8) on sparse grids against the shared reference (hj_reachability
# WENO5 201x201x200, data/reference), next to tensor grids of comparable node counts: mean |V - V_ref|
# over the reference's 101x101x100 lattice and the fraction of lattice nodes whose sign of V differs
# (scripts/compare_reference.py). Sparse tables are sampled onto that lattice with `hjbench sample`.
#
#   bench/sparse_air3d.sh [RANKS] [semi_lagrangian|combination|tensor|all]   (a markdown table;
#   about 15 minutes on 2 cores for all)
# Sparse rows: the semi-Lagrangian scheme on sparse grids (--sparse.cfl 16) and the combination
# technique over the WENO5 tensor solver.
# (The extrapolating basis is refused on Air3D's periodic psi axis: boundary basis only.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2} which=${2:-all}
hjbench="$root/build/hjbench"
python=/usr/bin/python3
reference="$root/data/reference/air3d/air3d_brt_hj_reachability.h5"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
common=(--problem.name air3d --time.horizon 2.8 --solve.mode brt --output.quiet --overwrite)
row() {  # row LABEL NODES TABLE WALL
  local cmp
  cmp=$("$python" "$root/scripts/compare_reference.py" "$3" "$reference" value/weno5_tvdrk3_201x201x200)
  local mean sign
  mean=$(sed -E 's/.*mean \|V - V_ref\| = ([0-9.e+-]+).*/\1/' <<< "$cmp")
  sign=$(sed -E 's/.*sign mismatch = ([0-9.e+-]+).*/\1/' <<< "$cmp")
  echo "| $1 | $2 | $4 | $mean | $sign |"
}
echo "| grid | nodes | wall on $ranks ranks (s) | mean abs(V - V_ref) | sign mismatch |"
echo "|---|---|---|---|---|"
for level in 8 9 10; do
  [[ $which == tensor || $which == combination ]] && break
  for basis in boundary; do
    out="$work/sparse_${basis}_$level.h5"
    t0=$(date +%s%N)
    mpirun -n "$ranks" "$hjbench" solve "${common[@]}" --grid.type sparse --sparse.method semi_lagrangian --grid.level "$level" --grid.basis "$basis" \
      --sparse.cfl 16 --output.file "$out" > /dev/null
    wall=$(( ($(date +%s%N) - t0) / 1000000 ))
    nodes=$("$python" -c "import h5py; print(len(h5py.File('$out')['value/nodal']))")
    "$hjbench" sample "$out" --grid.shape 101,101,100 --output.file "$work/sampled.h5" > /dev/null
    row "sparse $basis, level $level" "$nodes" "$work/sampled.h5" "$((wall / 1000)).$(((wall % 1000) / 100))"
  done
done
for level in 3 4 5 6; do
  [[ $which == tensor || $which == semi_lagrangian ]] && break
  out="$work/combination_$level.h5"
  t0=$(date +%s%N)
  mpirun -n "$ranks" "$hjbench" solve "${common[@]}" --grid.type sparse --sparse.method combination --grid.level "$level" \
    --sparse.min_level 3 --output.file "$out" > /dev/null
  wall=$(( ($(date +%s%N) - t0) / 1000000 ))
  nodes=$("$python" -c "import h5py; f = h5py.File('$out'); print(f\"{len(f['value/nodal'])} ({int(f.attrs['combination_component_nodes'])} in {int(f.attrs['combination_components'])} components)\")")
  "$hjbench" sample "$out" --grid.shape 101,101,100 --output.file "$work/sampled.h5" > /dev/null
  row "combination (WENO5 components, min level 3), level $level" "$nodes" "$work/sampled.h5" "$((wall / 1000)).$(((wall % 1000) / 100))"
done
for n in 21 31 41 101; do
  [[ $which == tensor || $which == all ]] || break
  for accuracy in very_high low; do
    out="$work/tensor_${n}_$accuracy.h5"
    t0=$(date +%s%N)
    mpirun -n "$ranks" "$hjbench" solve "${common[@]}" --grid.shape "$n,$n,$((n - 1))" --scheme.accuracy "$accuracy" \
      --output.file "$out" > /dev/null
    wall=$(( ($(date +%s%N) - t0) / 1000000 ))
    label="tensor ${n}x${n}x$((n - 1)), $([[ $accuracy == low ]] && echo first order || echo WENO5)"
    if [[ $n -eq 101 ]]; then
      row "$label" "$((n * n * (n - 1)))" "$out" "$((wall / 1000)).$(((wall % 1000) / 100))"
    else  # coarser than the reference lattice: compare on its own nodes via the sparse sampler's lattice
      "$python" - "$out" "$work/fine.h5" <<'PY'
import sys, h5py, numpy as np
from scipy.interpolate import RegularGridInterpolator
f = h5py.File(sys.argv[1]); axes = f.attrs["axes"].split(",")
c = [f["axes/" + a][...] for a in axes]; v = f["value/final"][...]
period = 2 * np.pi
c2 = list(c); c2[2] = np.append(c[2], period); v2 = np.concatenate([v, v[:, :, :1]], axis=2)
interp = RegularGridInterpolator(c2, v2)
x = np.linspace(-6, 20, 101); y = np.linspace(-10, 10, 101); p = np.arange(100) * period / 100
X = np.stack(np.meshgrid(x, y, p, indexing="ij"), axis=-1)
with h5py.File(sys.argv[2], "w") as g:
    g.attrs["axes"] = ",".join(axes)
    for a, cc in zip(axes, (x, y, p)): g["axes/" + a] = cc
    g["value/final"] = interp(X)
PY
      row "$label (trilinear onto the lattice)" "$((n * n * (n - 1)))" "$work/fine.h5" "$((wall / 1000)).$(((wall % 1000) / 100))"
    fi
  done
done
