#!/usr/bin/env bash
# PPO and SAC against a task's optimum bracket (issue 19): trains each agent on every seed given with
# the problem's default settings (or the budgets in HJB_BUDGETS), scores each deterministic policy on
# 100 episodes (`hjbench rollout --optimum`, starts reset(1000000 + e)), and prints per seed the mean
# return and the gaps to both ends of the bracket, then per agent the interquartile mean (IQM) over
# seeds with a 95 % bootstrap confidence interval (5,000 resamples of the seeds), the same statistics
# as scripts/study_report.py. Writes the per-seed rows to OUTDIR/agents.csv.
#
#   bench/agents_vs_optimum.sh PROBLEM OPTIMUM.json OUTDIR [SEED...]     (default seeds 101 .. 110)
#   HJB_AGENTS="sac"                     one agent only
#   HJB_BUDGETS="ppo:1000000 sac:50000"  environment steps per agent (default: the problem's defaults)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: bench/agents_vs_optimum.sh PROBLEM OPTIMUM.json OUTDIR [SEED...]"
[[ $# -ge 3 ]] || { echo "$usage" >&2; exit 2; }
problem=$1 optimum=$2 out=$3
shift 3
seeds=("$@")
[[ ${#seeds[@]} -eq 0 ]] && seeds=(101 102 103 104 105 106 107 108 109 110)
[[ -f "$optimum" ]] || { echo "agents_vs_optimum.sh: no optimum file $optimum (scripts/optimum.sh $problem DIR)" >&2; exit 3; }
agents=(${HJB_AGENTS:-ppo sac})
declare -A budget=()
for b in ${HJB_BUDGETS:-}; do budget[${b%%:*}]=${b#*:}; done
mkdir -p "$out"
csv="$out/agents.csv"
echo "agent,seed,steps,train_seconds,mean_return,return_se,gap_lower,gap_upper,upper_kind" > "$csv.tmp"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(date -u +%F); commit $(git -C "$root" rev-parse --short HEAD)"
/usr/bin/python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print(f\"bracket of {r['problem']}: [{r['lower']:.4f}, {r['upper']:.4f}] (upper {r['upper_kind']})\")" "$optimum"
echo
echo "| agent | seed | steps | train wall (s) | mean return (SE) | gap to lower end | gap to upper end |"
echo "|---|---|---|---|---|---|---|"
for agent in "${agents[@]}"; do
  steps=()
  [[ -n "${budget[$agent]:-}" ]] && steps=(--steps "${budget[$agent]}")
  for s in "${seeds[@]}"; do
    start=$(date +%s.%N)
    "$root/build/hjbench" train --algo "$agent" --problem "$problem" --seed "$s" "${steps[@]}" --evaluate.episodes 0 \
      --output "$out/${agent}_seed$s.h5" > "$out/train.log"
    wall=$(echo "$(date +%s.%N) - $start" | bc -l)
    n=$(sed -nE 's/.*for ([0-9]+) environment steps.*/\1/p' "$out/train.log" | head -1)
    "$root/build/hjbench" rollout "$out/${agent}_seed$s.h5" --episodes 100 --optimum "$optimum" > "$out/rollout.log"
    mean=$(sed -nE 's/.*mean return +([-0-9.e+]+) \+- ([0-9.e+-]+).*/\1/p' "$out/rollout.log" | head -1)
    se=$(sed -nE 's/.*mean return +([-0-9.e+]+) \+- ([0-9.e+-]+).*/\2/p' "$out/rollout.log" | head -1)
    gl=$(sed -nE 's/.*gap to the lower end[^0-9-]*(-?[0-9.e+-]+) \+-.*/\1/p' "$out/rollout.log")
    gu=$(sed -nE 's/.*gap to the upper end[^)]*\)[^0-9-]*(-?[0-9.e+-]+) \+-.*/\1/p' "$out/rollout.log")
    kind=$(sed -nE 's/.*upper (certified|estimate).*/\1/p' "$out/rollout.log" | head -1)
    printf '| %s | %s | %s | %.1f | %s ± %s | %s | %s |\n' "$agent" "$s" "$n" "$wall" "$mean" "$se" "$gl" "$gu"
    echo "$agent,$s,$n,$wall,$mean,$se,$gl,$gu,$kind" >> "$csv.tmp"
  done
done
mv "$csv.tmp" "$csv"
echo
/usr/bin/python3 - "$csv" "$root/scripts" << 'EOF'
import csv, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from study_report import boot_ci, iqm  # the study's IQM and stratified bootstrap

rows = list(csv.DictReader(open(sys.argv[1])))
print("| agent | seeds | IQM return [95 % CI] | IQM gap to lower end [95 % CI] | IQM gap to upper end [95 % CI] |")
print("|---|---|---|---|---|")
for agent in dict.fromkeys(r["agent"] for r in rows):
    cells = []
    for key in ("mean_return", "gap_lower", "gap_upper"):
        x = np.array([float(r[key]) for r in rows if r["agent"] == agent])
        lo, hi = boot_ci([x], lambda p: iqm(p[0]))
        cells.append(f"{iqm(x):.2f} [{lo:.2f}, {hi:.2f}]")
    n = sum(r["agent"] == agent for r in rows)
    print(f"| {agent} | {n} | " + " | ".join(cells) + " |")
EOF
