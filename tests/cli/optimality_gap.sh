#!/usr/bin/env bash
# The question hjbench exists to answer: how far from optimal is a learned policy? Solve the
# Pendulum MDP by policy iteration, train a weak (8k steps) and a good (100k steps) PPO policy, and
# check that `rollout --table` orders them: gap(weak) > gap(good) > -1 (the gap is J - V*, >= 0 up
# to the table's discretisation error), and that the good policy is within 10 % of the optimum.
# Usage: optimality_gap.sh HJBENCH
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$HJBENCH" solve --problem.name pendulum --grid.shape 201,201 --solve.algorithm policy_iteration \
  --output.file "$work/v.h5" --output.quiet > /dev/null || { fail "solve"; finish; exit 1; }
"$HJBENCH" train --algo ppo --steps 8192 --output "$work/weak.h5" --evaluate.episodes 0 > /dev/null
"$HJBENCH" train --algo ppo --steps 100000 --output "$work/good.h5" --evaluate.episodes 0 > /dev/null
gap() { "$HJBENCH" rollout "$1" --table "$work/v.h5" | sed -nE 's/.*optimal V\* ([0-9.]+), gap (-?[0-9.]+) .*/\1 \2/p'; }
read -r vstar weak <<< "$(gap "$work/weak.h5")"
read -r _ good <<< "$(gap "$work/good.h5")"
echo "V* = $vstar, gap of the weak policy = $weak, gap of the good policy = $good"
awk "BEGIN{exit !($weak > $good && $good > -1 && $good < 0.1 * $vstar)}" \
  && ok "rollout --table orders the policies: gap(weak) $weak > gap(good) $good > -1, good within 10 % of V*" \
  || fail "gap ordering: weak $weak, good $good, V* $vstar"
finish
