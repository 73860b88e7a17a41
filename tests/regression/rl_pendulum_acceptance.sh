#!/usr/bin/env bash
# Pendulum-v1, 5 seeds each, deterministic policy evaluated on 100 episodes:
# PPO (300k steps) must reach a mean return >= -200 and SAC (20k steps) >= -170 for every seed.
# Usage: rl_pendulum_acceptance.sh PATH/TO/hjbench ppo|sac [OUTPUT_DIR]
set -eu
HJBENCH=$1 ALGO=$2
out=${3:-$(mktemp -d)}
mkdir -p "$out"
case "$ALGO" in
  ppo) steps=300000; bound=-200 ;;
  sac) steps=20000; bound=-170 ;;
esac
failures=0
for seed in 1 2 3 4 5; do
  line=$("$HJBENCH" train --algo "$ALGO" --problem pendulum --seed "$seed" --steps "$steps" \
           --output "$out/${ALGO}_pendulum_seed$seed.h5" | tail -2 | tr '\n' ' ')
  mean=$(sed -E 's/.*mean return (-?[0-9.]+) \+- ([0-9.]+).*/\1/' <<< "$line")
  se=$(sed -E 's/.*mean return (-?[0-9.]+) \+- ([0-9.]+).*/\2/' <<< "$line")
  wall=$(sed -E 's/.* in ([0-9.]+) s;.*/\1/' <<< "$line")
  verdict=ok
  awk "BEGIN{exit !($mean >= $bound)}" || { verdict=FAIL; failures=$((failures + 1)); }
  echo "$verdict  $ALGO seed $seed: $steps steps in $wall s, evaluation mean return $mean +- $se (bound $bound)"
done
# The learning-curve plot reads the five curves.
/usr/bin/python3 "$(dirname "$0")/../../scripts/plot_learning_curves.py" "$out"/${ALGO}_pendulum_seed*_curve.csv \
  --output "$out/${ALGO}_learning_curves.png" --optimum -135 > /dev/null && [[ -s "$out/${ALGO}_learning_curves.png" ]] \
  || { echo "FAIL: plot_learning_curves.py"; failures=$((failures + 1)); }
echo "$((5 - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
