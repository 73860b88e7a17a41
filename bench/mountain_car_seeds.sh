#!/usr/bin/env bash
# MountainCarContinuous-v0: how robust are the RL baselines' defaults to the seed? Trains PPO and SAC
# with their default settings for the problem on the seeds you give (choose seeds no test uses), scores
# each deterministic policy on 100 episodes (hjbench rollout, starts reset(1000000 + e)) and counts a
# seed as solved when its mean return is >= 90. Prints a Markdown table and each agent's success rate
# with its 95 % Wilson interval.
#
#   bench/mountain_car_seeds.sh [SEED...]        (default: 101 .. 110)
#   HJB_AGENTS="sac" bench/mountain_car_seeds.sh 201 202     (one agent only)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=("$@")
[[ ${#seeds[@]} -eq 0 ]] && seeds=(101 102 103 104 105 106 107 108 109 110)
agents=(${HJB_AGENTS:-ppo sac})
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_mc_seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(date -u +%F); commit $(git -C "$root" rev-parse --short HEAD)"
echo
echo "| agent | seed | train wall (s) | mean return over 100 episodes (SE) | solved (>= 90) |"
echo "|---|---|---|---|---|"
for agent in "${agents[@]}"; do
  solved=0
  for s in "${seeds[@]}"; do
    start=$(date +%s.%N)
    "$root/build/hjbench" train --algo "$agent" --problem mountain_car --seed "$s" --evaluate.episodes 0 \
      --output "$work/p.h5" > "$work/train.log"
    wall=$(echo "$(date +%s.%N) - $start" | bc -l)
    "$root/build/hjbench" rollout "$work/p.h5" --episodes 100 > "$work/rollout.log"
    line=$(grep -m1 "mean return" "$work/rollout.log")
    mean=$(sed -nE 's/.*mean return +([-0-9.e+]+) \+- ([0-9.e+-]+).*/\1/p' <<< "$line")
    se=$(sed -nE 's/.*mean return +([-0-9.e+]+) \+- ([0-9.e+-]+).*/\2/p' <<< "$line")
    ok=$(awk -v m="$mean" 'BEGIN {print (m >= 90) ? "yes" : "no"}')
    [[ $ok == yes ]] && solved=$((solved + 1))
    printf '| %s | %s | %.1f | %s ± %s | %s |\n' "$agent" "$s" "$wall" "$mean" "$se" "$ok"
  done
  echo "$agent $solved ${#seeds[@]}" >> "$work/rates"
done
echo
while read -r agent k n; do
  awk -v a="$agent" -v k="$k" -v n="$n" 'BEGIN {
    z = 1.959964; p = k / n; d = 1 + z * z / n; c = (p + z * z / (2 * n)) / d
    h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    lo = c - h; hi = c + h; if (lo < 0) lo = 0; if (hi > 1) hi = 1
    printf "%s: solved %d of %d seeds, success rate 95%% Wilson interval [%.2f, %.2f]\n", a, k, n, lo, hi }'
done < "$work/rates"
