#!/usr/bin/env bash
# Runs the throughput benchmarks: Air3D at 1 and 2 ranks (with the scaling ratio), then the RL
# benchmark on one core.
# Usage: bench/run_benchmarks.sh [extra bench_air3d arguments]   (after scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
for accuracy in very_high low; do
  one=$(mpirun -n 1 "$root/build/bench_air3d" --accuracy $accuracy "$@")
  echo "$one"
  two=$(mpirun -n 2 "$root/build/bench_air3d" --accuracy $accuracy "$@")
  echo "$two"
  w1=$(sed -E 's/.*wall=([0-9.]+).*/\1/' <<< "$one")
  w2=$(sed -E 's/.*wall=([0-9.]+).*/\1/' <<< "$two")
  echo "$accuracy: speed-up 1 -> 2 ranks = $(awk "BEGIN{printf \"%.2f\", $w1/$w2}")"
done
echo "RL (one core):"
"$root/build/bench_rl"
