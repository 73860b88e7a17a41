#!/usr/bin/env bash
# PPO and SAC on Pendulum-v1 with the settings of the fastest published C++ RL library's own
# Pendulum-v1 examples (issue 23) and with hjbench's defaults, SEEDS seeds each, one core:
#   peer PPO   300k steps, 4 environments x 1,024 steps per rollout, 2 epochs of 16 minibatches of
#              256, actor and critic 64-64 ReLU, gamma 0.9, lambda 0.95
#   peer SAC   10k steps, one update per step, batch 100, 64-64 ReLU, replay 10k
# Prints per configuration: training wall time (median and range over the seeds), the deterministic
# policy's final mean return over 100 evaluation episodes (mean and standard deviation over the seeds)
# and the training wall time until the training curve's mean return first reaches -170 (median; how
# many seeds reached it). The peer itself is not packaged for Debian 12 and nothing may be downloaded,
# so its figures (PPO 1.26 s, SAC 4.7 s on a 2-core AMD EPYC, issue 23) are quoted, not re-measured.
#
#   bench/rl_peer_settings.sh [SEEDS]     (default 5; after scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-5}
[[ "$seeds" =~ ^[1-9][0-9]*$ ]] || { echo "SEEDS must be a positive integer" >&2; exit 2; }
hj="$root/build/hjbench"
[[ -x "$hj" ]] || { echo "build/hjbench not built (scripts/build.sh)" >&2; exit 3; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_rlpeer.XXXXXX")
trap 'rm -rf "$work"' EXIT
declare -A configs=(
  [ppo_peer]="--algo ppo --steps 300000 --ppo.environments 4 --ppo.rollout_steps 1024 --ppo.epochs 2 --ppo.minibatch 256 --ppo.hidden 64,64 --ppo.activation relu --ppo.gamma 0.9 --ppo.gae_lambda 0.95"
  [ppo_default]="--algo ppo"
  [sac_peer]="--algo sac --steps 10000 --sac.batch 100 --sac.buffer 10000 --sac.hidden 64,64 --sac.activation relu"
  [sac_default]="--algo sac"
)
echo "CPU: $(lscpu | sed -nE 's/^Model name: +//p'); $(date -u +%F); $seeds seeds"
echo "| configuration | steps | training wall (s), median [min, max] | final return, mean (SD over seeds) | wall to -170 (s), median (seeds reaching) |"
echo "|---|---|---|---|---|"
for name in ppo_peer ppo_default sac_peer sac_default; do
  rows=""
  for ((s = 1; s <= seeds; ++s)); do
    # shellcheck disable=SC2086
    "$hj" train ${configs[$name]} --seed "$s" --output "$work/$name$s.h5" > "$work/$name$s.log" 2>&1
    rows+="$work/$name$s"$'\n'
  done
  /usr/bin/python3 - "$name" "${configs[$name]}" << EOF2
import csv, re, statistics, sys
import h5py
name, config = sys.argv[1], sys.argv[2]
walls, finals, reach, steps = [], [], [], None
for base in """$rows""".split():
    text = open(base + ".log").read()
    m = re.search(r"for (\d+) environment steps.* in ([0-9.]+) s", text)
    steps, wall = int(m.group(1)), float(m.group(2))
    walls.append(wall)
    finals.append(float(re.search(r"mean return (-?[0-9.]+) \+-", text).group(1)))
    with open(base + "_curve.csv") as f:
        for row in csv.DictReader(f):
            if float(row["mean_return"]) >= -170:
                reach.append(float(row["wall_seconds"]))
                break
sd = statistics.stdev(finals) if len(finals) > 1 else 0.0
to = f"{statistics.median(reach):.2f} ({len(reach)}/{len(walls)})" if reach else f"never (0/{len(walls)})"
kernels = h5py.File("""$rows""".split()[0] + ".h5", "r").attrs["kernels"]
print(f"| {name} ({kernels} kernels): {config} | {steps} | {statistics.median(walls):.2f} [{min(walls):.2f}, {max(walls):.2f}] "
      f"| {statistics.mean(finals):.1f} ({sd:.1f}) | {to} |")
EOF2
done
