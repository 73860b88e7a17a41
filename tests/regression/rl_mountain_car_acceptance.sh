#!/usr/bin/env bash
# MountainCarContinuous-v0 with each agent's default settings for the problem (temporally
# correlated exploration, see hjbench train --help): 5 seeds, deterministic policy on 100 episodes,
# every seed must reach a mean return >= 90 (Gymnasium's "solved" threshold; the problem's
# defaults: PPO 500k steps, SAC 30k; bench/mountain_car_seeds.sh measures them on other seeds).
# Each policy is then scored against a stationary table of the problem (value iteration,
# 181x141) with hjbench evaluate: its return gap to the table's feedback must be small (< 5) and the
# table's own feedback must reach >= 90 itself. The gap in episode return to the finite-horizon
# optimum (201^2 table, `rollout --episodic-table`) is reported and must not be negative beyond the
# table's error (0.3).
# Usage: rl_mountain_car_acceptance.sh PATH/TO/hjbench ppo|sac
set -u
HJBENCH=$1 ALGO=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$HJBENCH" solve --problem.name mountain_car --solve.algorithm value_iteration --grid.shape 181,141 \
  --output.file "$out/v.h5" --output.quiet > /dev/null || { echo "0 passed, 1 failed (solve)"; exit 1; }
"$HJBENCH" solve --problem.name mountain_car --solve.algorithm finite_horizon --grid.shape 201,201 \
  --output.file "$out/fh.h5" --output.quiet > /dev/null || { echo "0 passed, 1 failed (solve)"; exit 1; }
failures=0
for seed in 1 2 3 4 5; do
  line=$("$HJBENCH" train --algo "$ALGO" --problem mountain_car --seed "$seed" --output "$out/p$seed.h5" |
           tail -2 | tr '\n' ' ')
  mean=$(sed -E 's/.*mean return (-?[0-9.]+) \+- ([0-9.]+).*/\1/' <<< "$line")
  se=$(sed -E 's/.*mean return (-?[0-9.]+) \+- ([0-9.]+).*/\2/' <<< "$line")
  wall=$(sed -E 's/.* in ([0-9.]+) s;.*/\1/' <<< "$line")
  ev=$("$HJBENCH" evaluate --table "$out/v.h5" --policy "$out/p$seed.h5" --domain-points 0 --slice 0)
  fb=$(sed -nE 's/^  table feedback return +mean +(-?[0-9.]+) .*/\1/p' <<< "$ev")
  gap=$(sed -nE 's/^  gap R_feedback - R_policy +mean +(-?[0-9.]+) \+- ([0-9.]+).*/\1 +- \2/p' <<< "$ev")
  gcost=$(sed -nE 's/^  gap J_policy - V\* +mean +(-?[0-9.]+) \+- ([0-9.]+).*/\1 +- \2/p' <<< "$ev")
  ep=$("$HJBENCH" rollout "$out/p$seed.h5" --episodic-table "$out/fh.h5" --episodes 100 |
         sed -nE 's/.*table return \(estimate\) (-?[0-9.]+), gap (-?[0-9.]+) \+- ([0-9.]+).*/\1 \2 \3/p')
  read -r opt epgap epse <<< "$ep"
  verdict=ok
  awk "BEGIN{exit !($mean >= 90 && $fb >= 90 && ${gap%% *} < 5 && $epgap > -0.3)}" ||
    { verdict=FAIL; failures=$((failures + 1)); }
  echo "$verdict  $ALGO seed $seed: $wall s, mean return $mean +- $se; gap to the episodic optimum $opt: $epgap +- $epse;" \
    "discounted table: feedback return $fb, return gap $gap, J - V* $gcost"
done
echo "$((5 - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
