#!/usr/bin/env bash
# Portable vs native solver speed in one run (issue 23): this checkout built three ways —
#   build/              the default portable build (hot loops cloned per instruction set and
#                       dispatched at run time, core/multiversion.hpp)
#   build-plain/        portable without the clones (-DHJB_NO_MULTIVERSION=ON): baseline x86-64 only
#   build-march-native/ -DCMAKE_CXX_FLAGS=-march=native -DHJB_NO_MULTIVERSION=ON: the same source for
#                       this CPU only
# then the same work alternately with each, best of REPEATS runs, and the ratios to native.
#
#   bench/portable_native.sh [REPEATS]      (after scripts/build.sh; the two extra builds take a while)
#
# Work measured (1 rank): Air3D WENO5 + TVD-RK3 BRT on 61x61x60 to t = -1 (the time-dependent
# solver's derivative/Hamiltonian loop), the finite-horizon Acrobot-v1 recursion on 21^4 nodes,
# 3 actions, 500 stages (the chain's Bellman sweep), and sparse-grid evaluation of both bases in
# 2-8 D (build/bench_sparse: evaluations per second, the best of the repeats). CPU model and flags are printed with the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repeats=${1:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
[[ -x "$root/build/bench_air3d" && -x "$root/build/hjbench" ]] || { echo "build/ first (scripts/build.sh)" >&2; exit 3; }
build() {  # DIR CMAKE-ARGS...   (incremental: up to date with this checkout)
  local dir=$1
  shift
  echo "building $(basename "$dir") ($*; log: $dir.log)"
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" > "$dir.log" 2>&1
  cmake --build "$dir" -j "$(nproc)" --target hjbench bench_air3d bench_sparse >> "$dir.log" 2>&1
}
build "$root/build-plain" -DHJB_NO_MULTIVERSION=ON
build "$root/build-march-native" -DHJB_NO_MULTIVERSION=ON -DCMAKE_CXX_FLAGS=-march=native
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
air3d() { mpirun -n 1 "$1/bench_air3d" --shape 61,61,60 --horizon 1.0 | sed -nE 's/.*wall=([0-9.]+) s.*/\1/p'; }
acrobot() {
  local t0 t1
  t0=$(date +%s.%N)
  mpirun -n 1 "$1/hjbench" solve --problem.name acrobot --solve.algorithm finite_horizon --grid.shape 21,21,21,21 \
    --stationary.actions 3 --finite_horizon.stages 0 --output.file "$tmp/a.h5" --output.quiet > /dev/null
  t1=$(date +%s.%N)
  awk "BEGIN{printf \"%.3f\", $t1 - $t0}"
}
best() { tr ' ' '\n' | grep . | sort -g | head -1; }
declare -A results
for ((r = 1; r <= repeats; ++r)); do
  for side in portable plain native; do
    case $side in portable) dir=$root/build ;; plain) dir=$root/build-plain ;; native) dir=$root/build-march-native ;; esac
    results[air3d_$side]+="$(air3d "$dir") "
    results[acrobot_$side]+="$(acrobot "$dir") "
  done
done
echo "CPU: $(lscpu | sed -nE 's/^Model name: +//p'); $(nproc) cores; $(date -u +%F); best of $repeats runs, 1 rank"
echo "flags: -O3 -ffp-contract=off; native adds -march=native; plain has no clones"
printf "%-44s %10s %10s %10s %16s %14s\n" work portable plain native "portable/native" "plain/native"
for w in air3d acrobot; do
  p=$(echo "${results[${w}_portable]}" | best) q=$(echo "${results[${w}_plain]}" | best)
  n=$(echo "${results[${w}_native]}" | best)
  label=$([[ $w == air3d ]] && echo "Air3D WENO5 61x61x60, t=-1 (s)" || echo "Acrobot finite horizon 21^4, 500 stages (s)")
  # speed ratio = native time / time
  printf "%-44s %10s %10s %10s %16.3f %14.3f\n" "$label" "$p" "$q" "$n" "$(awk "BEGIN{print $n / $p}")" \
    "$(awk "BEGIN{print $n / $q}")"
done
# Sparse-grid evaluation (evaluations per second; higher is faster): ratios to native per grid.
printf "%-32s %12s %12s %12s %16s %14s\n" "sparse evaluate (evals/s)" portable plain native "portable/native" \
  "plain/native"
for side in portable plain native; do
  case $side in portable) dir=$root/build ;; plain) dir=$root/build-plain ;; native) dir=$root/build-march-native ;; esac
  for ((r = 1; r <= repeats; ++r)); do
    "$dir/bench_sparse" --points 20000 | awk -F'|' -v s=$side 'NR > 2 {gsub(/ /, "", $2); gsub(/ /, "", $3);
      gsub(/ /, "", $4); print s, $2 "-d" $3 "-L" $4, $8}'
  done
done | awk '{if ($3 + 0 > best[$1, $2] + 0) best[$1, $2] = $3; keys[$2] = 1}
  END {
    for (k in keys)
      printf "%-32s %12.3g %12.3g %12.3g %16.3f %14.3f\n", k, best["portable", k], best["plain", k],
             best["native", k], best["portable", k] / best["native", k], best["plain", k] / best["native", k]
  }' | sort
