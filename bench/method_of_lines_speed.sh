#!/usr/bin/env bash
# The method of lines' speed before and after a change, in one run (issue 23, item 2): WENO5 +
# TVD-RK3 node-stage updates per second on one core, Air3D, for BASE (default 012757c, before the
# one-division WENO weights and the cached dynamics) and this checkout, each built twice —
#   portable  the default build (hot loops cloned per instruction set, chosen at run time)
#   avx2      -march=x86-64-v3 without clones: the AVX2 + FMA code an AVX2-only CPU runs
# — then the four binaries alternately, best of REPEATS runs each, and the after/before ratios.
#
#   bench/method_of_lines_speed.sh [BASE] [REPEATS]     (the three extra builds take ~20 min on 2 cores)
#
# Builds go to build-mol/ (kept: reruns only rebuild what changed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-012757c}
repeats=${2:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work="$root/build-mol"
mkdir -p "$work"
base_sha=$(git -C "$root" rev-parse --short "$base")
if [[ "$(cat "$work/base.sha" 2>/dev/null)" != "$base_sha" ]]; then
  rm -rf "$work/base-src" "$work/base-portable" "$work/base-avx2"
  git -C "$root" worktree prune
  git -C "$root" worktree add --detach "$work/base-src" "$base" > /dev/null
  echo "$base_sha" > "$work/base.sha"
fi
build() {  # SRC DIR CMAKE-ARGS...
  local src=$1 dir=$2
  shift 2
  echo "building $(basename "$dir") (log: $dir.log)"
  cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" > "$dir.log" 2>&1
  cmake --build "$dir" -j "$(nproc)" --target bench_air3d >> "$dir.log" 2>&1
}
avx2=(-DHJB_NO_MULTIVERSION=ON -DCMAKE_CXX_FLAGS=-march=x86-64-v3)
build "$work/base-src" "$work/base-portable"
build "$work/base-src" "$work/base-avx2" "${avx2[@]}"
build "$root" "$root/build" 
build "$root" "$work/avx2" "${avx2[@]}"
rate() {  # BINARY SHAPE HORIZON -> per-core node-stage updates/s in millions
  mpirun -n 1 "$1" --shape "$2" --horizon "$3" | sed -nE 's/.*per-core=([0-9.e+]+).*/\1/p' |
    awk '{printf "%.1f", $1 / 1e6}'
}
best() { tr ' ' '\n' | grep . | sort -g | tail -1; }
declare -A results
cases=("61,61,60 1.0" "101,101,100 0.3")
for ((r = 1; r <= repeats; ++r)); do
  for c in "${cases[@]}"; do
    read -r shape horizon <<< "$c"
    for side in base-portable base-avx2 portable avx2; do
      case $side in
        base-portable) bin=$work/base-portable/bench_air3d ;;
        base-avx2) bin=$work/base-avx2/bench_air3d ;;
        portable) bin=$root/build/bench_air3d ;;
        avx2) bin=$work/avx2/bench_air3d ;;
      esac
      results[$shape.$side]+="$(rate "$bin" "$shape" "$horizon") "
    done
  done
done
echo "CPU: $(lscpu | sed -nE 's/^Model name: +//p'); $(nproc) cores; $(date -u +%F); 1 rank, best of $repeats"
echo "base $base_sha, this checkout $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo '+changes')"
echo "Air3D WENO5 + TVD-RK3, M node-stage updates/s per core"
printf "%-14s %10s %10s %8s   %10s %10s %8s\n" shape "portable:" after ratio "avx2:" after ratio
for c in "${cases[@]}"; do
  read -r shape horizon <<< "$c"
  bp=$(echo "${results[$shape.base-portable]}" | best) ap=$(echo "${results[$shape.portable]}" | best)
  bv=$(echo "${results[$shape.base-avx2]}" | best) av=$(echo "${results[$shape.avx2]}" | best)
  printf "%-14s %10s %10s %8.2f   %10s %10s %8.2f\n" "$shape" "$bp" "$ap" "$(awk "BEGIN{print $ap / $bp}")" \
    "$bv" "$av" "$(awk "BEGIN{print $av / $bv}")"
done
