#!/usr/bin/env bash
# Issue 23, item 3: the large-step semi-Lagrangian option against WENO5 + TVD-RK3 on Air3D
# 101x101x100 (BRT to t = -2.8, data/configs/air3d.ini), in one run on the same ranks: wall time of
# `hjbench solve` (process, from the solve's own summary line), steps, and the accuracy against
# hj_reachability's 201x201x200 WENO5 solution (data/reference; mean |V - V_ref| over its
# 101x101x100 lattice and the fraction of nodes whose sign differs).
#
#   bench/air3d_semi_lagrangian.sh [RANKS] [CFL...]     (after scripts/build.sh; default 2 ranks, CFL 4 6 8 12)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
shift || true
cfls=("$@")
[[ ${#cfls[@]} -gt 0 ]] || cfls=(4 6 8 12)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
python=/usr/bin/python3
hjbench=$root/build/hjbench
reference=$root/data/reference/air3d/air3d_brt_hj_reachability.h5
[[ -x "$hjbench" ]] || { echo "build/ first (scripts/build.sh)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $ranks ranks"
echo "| scheme | steps | wall (s) | mean abs(V - V_ref) | sign mismatch | WENO5 wall / this |"
echo "|---|---|---|---|---|---|"
weno_wall=
run() {  # LABEL ARGS...
  local label=$1 out=$tmp/run.h5
  shift
  mpirun -n "$ranks" "$hjbench" solve "$root/data/configs/air3d.ini" "$@" --output.file "$out" --overwrite \
    --output.progress_seconds 1000 > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
  local summary steps wall
  summary=$(grep -E "^horizon reached" "$tmp/log")
  steps=$(sed -E 's/.* ([0-9]+) (iterations|steps).*/\1/' <<< "$summary")
  wall=$(sed -E 's/.*[ ,]([0-9.]+) s wall.*/\1/' <<< "$summary")
  [[ -n $weno_wall ]] || weno_wall=$wall
  local acc
  acc=$("$python" "$root/scripts/compare_reference.py" "$out" "$reference" value/weno5_tvdrk3_201x201x200)
  local mean sign
  mean=$(sed -E 's/.*mean \|V - V_ref\| = ([0-9.e+-]+).*/\1/' <<< "$acc")
  sign=$(sed -E 's/.*sign mismatch = ([0-9.e+-]+).*/\1/' <<< "$acc")
  echo "| $label | $steps | $wall | $mean | $sign | $(awk -v a="$weno_wall" -v b="$wall" 'BEGIN{printf "%.1f", a/b}') |"
}
run "WENO5 + TVD-RK3, CFL 0.75" --scheme.accuracy very_high
for c in "${cfls[@]}"; do
  run "semi-Lagrangian cubic, CFL $c" --scheme.method semi_lagrangian --scheme.cfl "$c"
done
run "semi-Lagrangian linear, CFL 8" --scheme.method semi_lagrangian --scheme.interpolation linear --scheme.cfl 8
