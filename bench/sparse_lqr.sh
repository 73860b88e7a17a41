#!/usr/bin/env bash
# Discounted single-input LQR (a chain of lags driven at its end, rho = 1, 31 actions) in d = 2..6
# on sparse grids, next to the tensor grid with the same semi-Lagrangian scheme where it fits:
# nodes, wall time on RANKS ranks, and the max error against the Riccati value on [-1, 1]^d
# (P from an independent NumPy Newton-Kleinman iteration), measured at the same lattice points for
# both (spacing 0.25 in 2-D/3-D, 0.5 above: tensor nodes, and the sparse interpolant sampled there
# with hjbench sample). Prints Markdown.
# With `adaptive` as the second argument: regular sparse grids next to adaptive ones grown from
# level 4 (--grid.adaptive EPS, deepest level 9 in 2-D, 7 in 3-D) instead of the tensor comparison.
#
#   bench/sparse_lqr.sh [RANKS] [adaptive]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
mode=${2:-tensor}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_sparse_lqr.XXXXXX")
trap 'rm -rf "$work"' EXIT
error_of() {  # error_of TABLE D: max |V - x'Px| over the nodes in [-1, 1]^d, sparse or tensor
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1]); d = int(sys.argv[2]); pr = dict(f["problem"].attrs)
A = -np.eye(d) + np.eye(d, k=1); b = np.zeros((d, 1)); b[-1, 0] = 1.0
r, rho = pr["r"], pr["rho"]; F0 = A - rho / 2 * np.eye(d); K = np.zeros((1, d))
for _ in range(60):  # Newton-Kleinman: F^T P + P F + I + K^T r K = 0, K = b^T P / r
    F = F0 - b @ K
    P = np.linalg.solve(np.kron(np.eye(d), F.T) + np.kron(F.T, np.eye(d)), -(np.eye(d) + r * K.T @ K).reshape(-1)).reshape(d, d)
    K = b.T @ P / r
axes = [f["axes/" + n][...] for n in f.attrs["axes"].split(",")]
x = np.stack([g.reshape(-1) for g in np.meshgrid(*axes, indexing="ij")], axis=1)
V = f["value/final"][...].reshape(-1)
step = 0.25 if d <= 3 else 0.5  # the lattice every table is measured on
on_lattice = np.all(np.abs(x / step - np.round(x / step)) < 1e-9, axis=1)
inside = np.all(np.abs(x) <= 1 + 1e-12, axis=1) & on_lattice
print(f"{float(np.max(np.abs(V - np.einsum('ni,ij,nj->n', x, P, x))[inside])):.3e}")
PY
}
echo "| d | grid | nodes | wall on $ranks ranks (s) | max error on [-1, 1]^d |"
echo "|---|---|---|---|---|"
run() {  # run D LABEL ARGS...
  local d=$1 label=$2; shift 2
  local t0=$(date +%s.%N)
  mpirun -n "$ranks" "$root/build/hjbench" solve --problem.name lqr_single_input --solve.algorithm policy_iteration \
    --stationary.actions 31 --output.quiet --output.file "$work/t.h5" "$@" > "$work/log"
  local t1=$(date +%s.%N)
  local nodes=$("$root/build/hjbench" info "$work/t.h5" | sed -nE 's/.*[, ] ([0-9]+) nodes on.*/\1/p')
  local measured="$work/t.h5"
  if [[ -n "$nodes" ]]; then  # sparse: its interpolant on the measuring lattice
    local m=$([[ $d -le 3 ]] && echo 17 || echo 9) shape
    shape=$m; for ((k = 1; k < d; ++k)); do shape="$shape,$m"; done
    mpirun -n "$ranks" "$root/build/hjbench" sample "$work/t.h5" --grid.shape "$shape" --output.file "$work/s.h5" > /dev/null
    measured="$work/s.h5"
  else
    nodes=$(/usr/bin/python3 -c "import h5py; print(h5py.File('$work/t.h5')['value/final'].size)")
  fi
  printf "| %s | %s | %s | %.1f | %s |\n" "$d" "$label" "$nodes" "$(echo "$t1 - $t0" | bc -l)" "$(error_of "$measured" "$d")"
  rm -f "$work/t.h5" "$work/s.h5" "$work/s.xmf"
}
levels() { local d=$1 n=$2; local s=$n; for ((k = 1; k < d; ++k)); do s="$s,$n"; done; echo "$s"; }
if [[ $mode == adaptive ]]; then
  for d in 2 3; do
    case $d in 2) ls="7 8 9" deepest=9 ;; 3) ls="5 6 7" deepest=7 ;; esac
    for n in $ls; do run "$d" "sparse, level $n" --grid.type sparse --grid.level "$n" --grid.levels "$(levels "$d" "$n")"; done
    for eps in 1e-3 1e-4; do
      run "$d" "adaptive, level 4 to $deepest, EPS $eps" --grid.type sparse --grid.level 4 --grid.levels "$(levels "$d" 4)" \
        --grid.adaptive "$eps" --grid.max_level "$deepest"
    done
  done
  exit 0
fi
for d in 2 3 4 5 6; do
  case $d in 2) ls="6 7 8" ;; 3) ls="5 6 7" ;; 4) ls="4 5 6" ;; 5) ls="4 5" ;; 6) ls="4 5" ;; esac
  for n in $ls; do run "$d" "sparse, level $n" --grid.type sparse --grid.level "$n" --grid.levels "$(levels "$d" "$n")"; done
  case $d in 2) ts="33 65 129" ;; 3) ts="17 33" ;; 4) ts="9 17" ;; *) ts="" ;; esac
  for m in $ts; do
    shape=$m; for ((k = 1; k < d; ++k)); do shape="$shape,$m"; done
    run "$d" "tensor $shape" --grid.shape "$shape"
  done
done
