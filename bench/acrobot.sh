#!/usr/bin/env bash
# Acrobot-v1 (Gymnasium's exact step, 3 torques, 500 steps): the optimal episode return from a
# 4-D finite-horizon table at three refinements (2 ranks), two ways (hjbench simulate: the table
# integrated over the start box, and the closed-loop lookahead on the exact step from 10,000 seeded
# starts), next to PPO with a categorical head trained on the same environment. Prints Markdown.
# The velocity axes cover half of the clipped ranges (|omega1| <= 2 pi, |omega2| <= 4.5 pi): foot
# points beyond are clamped, which changes only the table; the closed loop runs on the true step
# and stays a feasible policy (a certified lower bound on the optimal return).
#
#   bench/acrobot.sh [RANKS] [SIZES...]     (defaults: 2 ranks, 31 41 51 nodes per axis)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
shift || true
sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(31 41 51)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_acrobot.XXXXXX")
trap 'rm -rf "$work"' EXIT
pi=3.141592653589793
lo="-$pi,-$pi,-$(echo "2 * $pi" | bc -l),-$(echo "4.5 * $pi" | bc -l)"
hi="$pi,$pi,$(echo "2 * $pi" | bc -l),$(echo "4.5 * $pi" | bc -l)"
echo "| grid | ranks | solve wall (s) | peak memory per rank | table -E[V_0] | closed loop (SE) | closed loop - table (SE) |"
echo "|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  mpirun -n "$ranks" "$root/build/hjbench" solve --problem.name acrobot --solve.algorithm finite_horizon \
    --grid.shape "$n,$n,$n,$n" --grid.lo="$lo" --grid.hi "$hi" --stationary.actions 3 \
    --finite_horizon.stages 0 --output.file "$work/a.h5" --output.quiet > "$work/solve.log"
  wall=$(sed -nE 's/.*, ([0-9.e+-]+) s wall.*/\1/p' "$work/solve.log")
  memory=$(awk '/peak resident memory per rank/ {print $(NF-1), $NF}' "$work/solve.log")
  "$root/build/hjbench" simulate "$work/a.h5" --starts 10000 > "$work/sim.log"
  tab=$(awk '/table:/ {print $NF}' "$work/sim.log")
  loop=$(awk '/closed loop: greedy/ {print $(NF-4), "+-", $(NF-2)}' "$work/sim.log")
  diff=$(awk '/closed loop - table/ {print $(NF-4), "+-", $(NF-2)}' "$work/sim.log")
  echo "| ${n}⁴ | $ranks | $wall | $memory | $tab | $loop | $diff |"
  rm -f "$work/a.h5"
done
echo
echo "| agent (seed 1) | env steps | train wall (s) | mean return over 1000 episodes (SE) |"
echo "|---|---|---|---|"
for steps in 200000 500000 1000000; do
  out=$("$root/build/hjbench" train --algo ppo --problem acrobot --steps "$steps" --output "$work/ppo.h5" \
    --evaluate.episodes 0 | tail -1)
  wall=$(echo "$out" | sed -nE 's/.* in ([0-9.]+) s;.*/\1/p')
  ret=$("$root/build/hjbench" rollout "$work/ppo.h5" --episodes 1000 | sed -nE 's/.*mean return (-?[0-9.]+) \+- ([0-9.]+).*/\1 +- \2/p')
  echo "| PPO (categorical head) | $steps | $wall | $ret |"
done
