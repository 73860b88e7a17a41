#!/usr/bin/env bash
# PPO and SAC after their standard budgets (PPO 300k, SAC 20k steps; seeds 1..SEEDS) scored against
# the Pendulum-v1 ground truth with `hjbench evaluate`: the 201^2 policy-iteration table, its V*
# error bar from the 101^2 table, 100 starts per policy, 95 % bootstrap intervals. Prints Markdown:
# one row per policy (gap in the cost scale with its CI, the certified lower bound, the return gap
# to the table's feedback, critic errors) and, per algorithm, the mean over seeds with a
# t-interval over seeds.
#
#   bench/evaluate_pendulum.sh [SEEDS]        (about 2 minutes on 2 cores with SEEDS = 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-5}
H=$root/build/hjbench
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_eval_pendulum.XXXXXX")
trap 'rm -rf "$work"' EXIT
p=(--problem.name pendulum --solve.algorithm policy_iteration --output.quiet)
"$H" solve "${p[@]}" --grid.shape 201,201 --output.file "$work/v.h5" > /dev/null
"$H" solve "${p[@]}" --grid.shape 101,101 --output.file "$work/c.h5" > /dev/null
for algo in ppo sac; do
  for s in $(seq 1 "$seeds"); do
    "$H" train --algo "$algo" --seed "$s" --output "$work/${algo}_$s.h5" --evaluate.episodes 0 > /dev/null
    "$H" evaluate --table "$work/v.h5" --coarse-table "$work/c.h5" --policy "$work/${algo}_$s.h5" \
      --output.json "$work/${algo}_$s.json" > /dev/null
  done
done
/usr/bin/python3 - "$work" "$seeds" <<'PY'
import json, sys, numpy as np
from scipy import stats
work, seeds = sys.argv[1], int(sys.argv[2])
print("| policy | seed | return (policy) | return (table feedback) | gap J − V* [95 % CI] | certified lower bound | return gap to feedback | critic L1 visited / box |")
print("|---|---|---|---|---|---|---|---|")
per = {}
for algo, budget in (("ppo", "300k"), ("sac", "20k")):
    for s in range(1, seeds + 1):
        j = json.load(open(f"{work}/{algo}_{s}.json"))
        g, c, r = j["gap_cost"], j["gap_certified_lower_bound"], j["gap_return"]
        per.setdefault(algo, []).append((g["mean"], c["mean"], r["mean"], j["policy_return"]["mean"]))
        print(f"| {algo.upper()} {budget} | {s} | {j['policy_return']['mean']:.1f} | {j['feedback_return']['mean']:.1f} | "
              f"{g['mean']:.2f} ± {g['standard_error']:.2f} [{g['ci_low']:.2f}, {g['ci_high']:.2f}] | "
              f"{c['mean']:.2f} ± {c['standard_error']:.2f} | {r['mean']:.2f} ± {r['standard_error']:.2f} | "
              f"{j['critic_error_visited']['l1']:.2f} / {j['critic_error_domain']['l1']:.2f} |")
j = json.load(open(f"{work}/ppo_1.json"))
print()
print(f"Table: mean V* on the starts {np.mean(j['per_start']['optimal_value']):.3f}; its own feedback "
      f"J − V* = {j['table_feedback_gap']['mean']:.3f} ± {j['table_feedback_gap']['standard_error']:.3f}; "
      f"|V(201²) − V(101²)| at the starts: mean {j['refinement']['mean_abs']:.3f}, max {j['refinement']['max_abs']:.3f}.")
print()
print("| algorithm | seeds | mean gap J − V* over seeds [95 % t-interval] | certified lower bound | return gap | policy return |")
print("|---|---|---|---|---|---|")
for algo, rows in per.items():
    a = np.array(rows)
    m = a.mean(axis=0)
    half = stats.t.ppf(0.975, len(a) - 1) * a.std(axis=0, ddof=1) / np.sqrt(len(a)) if len(a) > 1 else np.zeros(4)
    print(f"| {algo.upper()} | {len(a)} | {m[0]:.2f} [{m[0]-half[0]:.2f}, {m[0]+half[0]:.2f}] | {m[1]:.2f} ± {half[1]:.2f} | "
          f"{m[2]:.2f} ± {half[2]:.2f} | {m[3]:.1f} ± {half[3]:.1f} |")
PY
