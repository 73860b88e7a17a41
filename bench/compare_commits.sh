#!/usr/bin/env bash
# Before/after benchmark in one run: builds BASE (default: HEAD~1) in a git worktree beside this
# checkout, then runs the same benchmarks alternately with the baseline's binaries and this
# checkout's (build/, and build-native/ with -DHJB_RL_NATIVE=ON for the RL fast path), best of
# REPEATS runs each, and prints the ratios. Run from a clean build (scripts/build.sh first).
#
#   bench/compare_commits.sh [BASE] [REPEATS]
#
# Work measured: Air3D WENO5+RK3 BRT on 61x61x60 to t = -1 (1 rank), the stationary Pendulum MDP
# by policy iteration on 201x201 (21 actions, 1 rank), PPO 300k and SAC 10k steps on Pendulum-v1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-HEAD~1}
repeats=${2:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work="$root/build-baseline"
base_sha=$(git -C "$root" rev-parse --short "$base")
if [[ ! -x "$work/build/hjbench" || "$(cat "$work/sha" 2>/dev/null)" != "$base_sha" ]]; then
  rm -rf "$work"
  git -C "$root" worktree prune
  git -C "$root" worktree add --detach "$work/src" "$base" > /dev/null
  echo "$base_sha" > "$work/sha"
  echo "building baseline $base_sha (log: $work/build.log)"
  cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release > "$work/build.log" 2>&1
  cmake --build "$work/build" -j "$(nproc)" --target hjbench bench_air3d bench_rl >> "$work/build.log" 2>&1
fi
if [[ ! -x "$root/build-native/bench_rl" ]]; then
  echo "building this checkout with -DHJB_RL_NATIVE=ON (build-native/)"
  cmake -S "$root" -B "$root/build-native" -DCMAKE_BUILD_TYPE=Release -DHJB_RL_NATIVE=ON > /dev/null
  cmake --build "$root/build-native" -j "$(nproc)" --target bench_rl > /dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

air3d() { mpirun -n 1 "$1/bench_air3d" --shape 61,61,60 --horizon 1.0 | sed -E 's/.*wall=([0-9.]+) s.*/\1/'; }
stationary() {
  local t0 t1
  t0=$(date +%s.%N)
  "$1/hjbench" solve --problem.name pendulum --grid.shape 201,201 --solve.algorithm policy_iteration \
    --output.file "$tmp/pi.h5" --output.quiet > /dev/null
  t1=$(date +%s.%N)
  awk "BEGIN{printf \"%.3f\", $t1 - $t0}"
}
rl() { "$1/bench_rl" > "$tmp/rl.txt"; grep -E "bench_rl (ppo|sac)" "$tmp/rl.txt" | sed -E 's/.* in ([0-9.]+) s.*/\1/' | paste -sd' '; }
best() { tr ' ' '\n' | grep . | sort -g | head -1; }

declare -A results
for ((r = 1; r <= repeats; ++r)); do
  for side in base head; do
    dir=$([[ $side == base ]] && echo "$work/build" || echo "$root/build")
    results[air3d_$side]+="$(air3d "$dir") "
    results[stationary_$side]+="$(stationary "$dir") "
    read -r ppo sac <<< "$(rl "$dir")"
    results[ppo_$side]+="$ppo "
    results[sac_$side]+="$sac "
  done
  read -r ppo sac <<< "$(rl "$root/build-native")"
  results[ppo_native]+="$ppo "
  results[sac_native]+="$sac "
done
for k in "${!results[@]}"; do echo "raw $k: ${results[$k]}"; done | sort
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
echo "baseline $base_sha (as it was built: its own defaults) vs this checkout $(git -C "$root" describe --always --dirty); best of $repeats, seconds"
printf "%-44s %10s %10s %8s\n" "benchmark" "baseline" "now" "now/base"
for key in air3d stationary ppo sac; do
  b=$(echo "${results[${key}_base]}" | best)
  h=$(echo "${results[${key}_head]}" | best)
  label=$(case $key in air3d) echo "Air3D WENO5 61x61x60 to t=-1, 1 rank";; stationary) echo "Pendulum MDP 201^2 policy iteration";;
          ppo) echo "PPO 300k steps (portable build)";; sac) echo "SAC 10k steps (portable build)";; esac)
  printf "%-44s %10s %10s %8.3f\n" "$label" "$b" "$h" "$(awk "BEGIN{print $h/$b}")"
done
for key in ppo sac; do
  b=$(echo "${results[${key}_base]}" | best)
  n=$(echo "${results[${key}_native]}" | best)
  printf "%-44s %10s %10s %8.3f\n" "${key^^} (this checkout, -DHJB_RL_NATIVE=ON)" "$b" "$n" "$(awk "BEGIN{print $n/$b}")"
done
