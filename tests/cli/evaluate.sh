#!/usr/bin/env bash
# hjbench evaluate: a PPO policy and its critic scored against Pendulum tables (2-D) and an Acrobot
# table (4-D). Checked independently of the C++ code under test:
#  - V*(x0) at every start: h5py + NumPy multilinear interpolation of the table's values;
#  - the policy's mean episode return: `hjbench rollout` (a separate code path) on the same seeds;
#  - the summaries: recomputed from the per-start arrays (mean, standard error, median, worst), the
#    bootstrap interval contains the mean; the certified bound is below the gap;
#  - the table's own feedback: gap J_feedback - V* within 1 % of V* on a 201^2 table;
#  - bad input: exit 2 (usage) and 3 (a table of another problem, parameter, discount, mode or
#    dimension; missing files), naming the difference; the JSON output is atomic; the figure script
#    writes a PNG.
# Usage: evaluate.sh HJBENCH PYTHON
set -u
HJBENCH=$1 PYTHON=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
p=(--problem.name pendulum --solve.algorithm policy_iteration --output.quiet)
"$HJBENCH" solve "${p[@]}" --grid.shape 201,201 --output.file v.h5 > /dev/null || fail "solve 201^2"
"$HJBENCH" solve "${p[@]}" --grid.shape 101,101 --output.file c.h5 > /dev/null || fail "solve 101^2"
"$HJBENCH" solve "${p[@]}" --grid.shape 51,51 --problem.g 5 --output.file g5.h5 > /dev/null || fail "solve g=5"
"$HJBENCH" solve --problem.name lqr_mdp --solve.algorithm policy_iteration --grid.shape 21,21 --stationary.actions 21 \
  --output.file lq2.h5 --output.quiet > /dev/null || fail "solve lqr_mdp 2-D"
"$HJBENCH" train --algo ppo --steps 8192 --output weak.h5 --evaluate.episodes 0 > /dev/null || fail "train"

"$HJBENCH" evaluate --table v.h5 --policy weak.h5 --starts 60 --coarse-table c.h5 --output.json s.json \
  > out.txt && ok "evaluate runs (2-D tensor table, PPO with its critic)" || fail "evaluate: $(cat out.txt)"
cat out.txt
ret=$("$HJBENCH" rollout weak.h5 --episodes 60 | sed -nE 's/.*mean return (-?[0-9.]+) .*/\1/p')
PYTHONPATH="$here/.." "$PYTHON" - s.json v.h5 c.h5 "$ret" weak.h5 <<'PY' && ok "per-start V*, returns, summaries and the critic agree with independent computations" || fail "evaluate numbers"
import json, sys, h5py, numpy as np
s = json.load(open(sys.argv[1]))
from numpy_reference import interpolate as interp
ps = s["per_start"]; x0 = np.array(ps["x0"])
vstar = interp(sys.argv[2], x0)
assert np.allclose(vstar, ps["optimal_value"], rtol=1e-12, atol=1e-9), "V* at the starts"
gap = np.array(ps["policy_cost"]) - vstar
g = s["gap_cost"]; n = len(gap)
assert abs(g["mean"] - gap.mean()) < 1e-9 and abs(g["worst"] - gap.max()) < 1e-9
assert abs(g["median"] - np.median(gap)) < 1e-9
assert abs(g["standard_error"] - gap.std(ddof=1) / np.sqrt(n)) < 1e-9
assert g["ci_low"] <= g["mean"] <= g["ci_high"] and g["ci_high"] - g["ci_low"] < 8 * g["standard_error"]
cert = np.array(ps["policy_cost"]) - np.array(ps["feedback_cost"])  # J_policy - J_feedback, start by start
assert abs(s["gap_certified_lower_bound"]["mean"] - cert.mean()) < 1e-9
assert abs(s["table_feedback_gap"]["mean"] - (np.array(ps["feedback_cost"]) - vstar).mean()) < 1e-9
assert abs(np.mean(ps["policy_return"]) - float(sys.argv[4])) < 0.006, (np.mean(ps["policy_return"]), sys.argv[4])
# Return scale: the worst episode is the smallest return and p90 the 10th percentile (90 % of the
# episodes do at least this well); in the cost scale the largest gap and the 90th percentile.
for key, arr in (("policy_return", ps["policy_return"]), ("feedback_return", ps["feedback_return"])):
    r = np.array(arr)
    assert s[key]["worse"] == "smaller" and abs(s[key]["worst"] - r.min()) < 1e-9, (key, s[key]["worst"], r.min())
    assert abs(s[key]["p90"] - np.quantile(r, 0.1)) < 1e-9, (key, s[key]["p90"], np.quantile(r, 0.1))
assert g["worse"] == "larger" and abs(g["p90"] - np.quantile(gap, 0.9)) < 1e-9
# The reference's own error: |mean(J_feedback - V*)| (no interval without bootstrap here: its CI
# half-width) and the refinement error; this weak policy's gap clears it, so no warning.
fbg = np.array(ps["feedback_cost"]) - vstar
expected = max(abs(fbg.mean()) + 0.5 * (s["table_feedback_gap"]["ci_high"] - s["table_feedback_gap"]["ci_low"]), ref_mean := np.abs(vstar - interp(sys.argv[3], x0)).mean())
assert abs(s["reference_error"] - expected) < 1e-9, (s["reference_error"], expected)
assert s["gap_within_reference_error"] is False and s["warning"] is None
fb = s["table_feedback_gap"]["mean"]; vm = vstar.mean()
assert abs(fb) <= 0.01 * abs(vm), f"table feedback gap {fb} vs V* {vm}"
ref = np.abs(vstar - interp(sys.argv[3], x0))
assert abs(s["refinement"]["mean_abs"] - ref.mean()) < 1e-9 and abs(s["refinement"]["max_abs"] - ref.max()) < 1e-9
assert s["critic_kind"] == "state_value" and s["critic_error_domain"]["count"] == 4096
assert s["slice"]["n"] == 41 and len(s["slice"]["critic"]) == 41 * 41
# The critic on the slice, recomputed from the policy file: Pendulum's observation (cos, sin, omega),
# the stored normaliser (clip 10), the tanh network, times the recorded scale, negated (V = -return).
pf = h5py.File(sys.argv[5]); net = pf["critic/net_0"]; scale = float(pf["critic"].attrs["scale"])
mean, var = pf["observation_mean"][...], pf["observation_variance"][...]
sl = s["slice"]; n = sl["n"]
for i in range(0, n, 8):
    for j in range(0, n, 8):
        th, om = sl["x"][i], sl["y"][j]
        h = np.clip((np.array([np.cos(th), np.sin(th), om]) - mean) / np.sqrt(var + 1e-8), -10, 10)
        L = len([k for k in net if k.startswith("weight_")])
        for l in range(L):
            h = net[f"weight_{l}"][...].astype(np.float64) @ h + net[f"bias_{l}"][...]
            if l < L - 1: h = np.tanh(h)
        want = -scale * h[0]; got = sl["critic"][i * n + j]
        assert abs(got - want) <= 1e-4 * max(1.0, abs(want)), (th, om, got, want)
print(f"  V* mean {vm:.3f}; policy gap {g['mean']:.3f} +- {g['standard_error']:.3f}; table feedback gap {fb:.4f} "
      f"({100 * abs(fb) / abs(vm):.2f} % of V*); refinement 101^2 -> 201^2: mean {ref.mean():.3f}")
PY
if "$PYTHON" -c "import matplotlib" 2> /dev/null; then
  "$PYTHON" "$here/../../scripts/plot_evaluation.py" s.json fig.png > /dev/null && [ -s fig.png ] &&
    ok "plot_evaluation.py draws the figures" || fail "plot_evaluation.py"
fi

# Learning curves against the optimum: the gap recorded during training, the final one equal to
# `evaluate` on the same 20 starts, training unchanged by the measurements.
"$HJBENCH" train --algo ppo --steps 8192 --output curve.h5 --evaluate.table v.h5 --evaluate.every 4000 \
  --evaluate.episodes 0 > train.txt || fail "train --evaluate.table: $(cat train.txt)"
final=$(sed -nE 's/^final gap on the 20 fixed starts: J - V\* (-?[0-9.]+) .*/\1/p' train.txt)
"$HJBENCH" evaluate --table v.h5 --policy curve.h5 --starts 20 --domain-points 0 --slice 0 --output.json f.json > /dev/null
"$PYTHON" - curve_curve.csv f.json "$final" weak.h5 curve.h5 <<'PY' && ok "train --evaluate.table: gap columns, final gap = evaluate's, same policy as without" || fail "learning curve gap"
import sys, json, h5py, numpy as np
rows = open(sys.argv[1]).read().split("\n")
head = rows[0].split(",")
assert head[3:] == ["eval_return", "eval_return_se", "gap_cost", "gap_cost_se", "gap_return", "gap_return_se", "feedback_return"], head
data = np.genfromtxt(sys.argv[1], delimiter=",", skip_header=1, ndmin=2)
assert np.isfinite(data[:, 5]).sum() >= 2, "at least two gap measurements"
s = json.load(open(sys.argv[2]))
assert abs(s["gap_cost"]["mean"] - float(sys.argv[3])) <= 1e-4 * max(1, abs(float(sys.argv[3]))), (s["gap_cost"]["mean"], sys.argv[3])
a, b = h5py.File(sys.argv[4]), h5py.File(sys.argv[5])
for k in a["actor"]:
    assert np.array_equal(a["actor/" + k][...], b["actor/" + k][...]), k
PY
if "$PYTHON" -c "import matplotlib, scipy" 2> /dev/null; then
  "$PYTHON" "$here/../../scripts/plot_learning_curves.py" curve_curve.csv --metric gap_cost --output lc.png > /dev/null &&
    [ -s lc.png ] && ok "plot_learning_curves.py --metric gap_cost" || fail "plot_learning_curves.py --metric gap_cost"
fi
expect 2 "need --evaluate.table" "train --evaluate.every without a table" -- "$HJBENCH" train --algo ppo --steps 4096 \
  --output x.h5 --evaluate.every 100
expect 3 "solved with --problem.g = 5" "train --evaluate.table of another instance" -- "$HJBENCH" train --algo ppo \
  --steps 4096 --output x.h5 --evaluate.table g5.h5
[ ! -e x.h5 ] && ok "nothing trained or written when the table is refused" || fail "x.h5 written"

# The critic warm start from a coarse table (SAC): model queries counted, mismatched tables refused.
"$HJBENCH" train --algo sac --steps 1100 --sac.warm_start_table c.h5 --sac.warm_start_steps 50 --output ws.h5 \
  --evaluate.episodes 0 > ws.txt && grep -q "model queries (the known dynamics, not environment steps): 6400" ws.txt &&
  ok "SAC warm start from a table: 50 x 128 model queries counted apart" || fail "warm start: $(cat ws.txt)"
expect 3 "solved with --problem.g = 5" "warm start from a table of another instance" -- "$HJBENCH" train --algo sac \
  --steps 1100 --sac.warm_start_table g5.h5 --output ws2.h5
expect 2 "only SAC has a warm start" "SAC warm start option with PPO" -- "$HJBENCH" train --algo ppo --steps 1100 \
  --sac.warm_start_table c.h5 --output ws3.h5
"$HJBENCH" train --algo ppo --steps 4096 --ppo.warm_start_table c.h5 --ppo.warm_start_steps 50 --output wp.h5 \
  --evaluate.episodes 0 > wp.txt && grep -q "model queries (the known dynamics, not environment steps): 12800" wp.txt &&
  ok "PPO warm start from a table: 50 x 256 model queries counted apart" || fail "PPO warm start: $(cat wp.txt)"
expect 2 "needs --algo ppo" "PPO warm start option with SAC" -- "$HJBENCH" train --algo sac --steps 1100 \
  --ppo.warm_start_table c.h5 --output ws4.h5

# 4-D: an Acrobot stationary table and a (barely trained) categorical PPO policy.
"$HJBENCH" solve --problem.name acrobot --solve.algorithm policy_iteration --grid.shape 9,8,7,9 \
  --stationary.actions 3 --output.file a.h5 --output.quiet > /dev/null || fail "solve acrobot"
"$HJBENCH" train --algo ppo --problem acrobot --steps 4096 --output acro.h5 --evaluate.episodes 0 > /dev/null ||
  fail "train acrobot"
"$HJBENCH" evaluate --table a.h5 --policy acro.h5 --starts 10 --domain-points 256 --slice 5 --output.json a.json \
  > out.txt && "$PYTHON" -c "
import json; s = json.load(open('a.json')); assert len(s['axes']) == 4 and s['starts'] == 10 and s['slice']['n'] == 5
assert len(s['policy_error_domain']) == 1 and s['critic_error_domain']['count'] == 256" &&
  ok "evaluate on a 4-D table" || fail "evaluate 4-D: $(cat out.txt)"

# 3-D: the LQ MDP (problem lqr_mdp, --dim 3).
"$HJBENCH" solve --problem.name lqr_mdp --solve.algorithm policy_iteration --grid.shape 21,21,21 \
  --stationary.actions 21 --output.file l3.h5 --output.quiet > /dev/null || fail "solve lqr_mdp 3-D"
"$HJBENCH" train --algo ppo --problem lqr_mdp --dim 3 --steps 4096 --output lq3.h5 --evaluate.episodes 0 > /dev/null ||
  fail "train lqr_mdp 3-D"
"$HJBENCH" evaluate --table l3.h5 --policy lq3.h5 --starts 10 --domain-points 256 --slice 5 --output.json l3.json \
  > out.txt && "$PYTHON" -c "
import json; s = json.load(open('l3.json')); assert s['axes'] == ['x0', 'x1', 'x2'] and s['starts'] == 10
assert s['critic_error_domain']['count'] == 256 and s['gap_cost']['count'] == 10" &&
  ok "evaluate on a 3-D table" || fail "evaluate 3-D: $(cat out.txt)"
expect 3 "a 2-D table, but problem 'lqr_mdp' is 3-D" "a table of another dimension" -- "$HJBENCH" evaluate \
  --table lq2.h5 --policy lq3.h5
expect 2 "no 5-D environment" "train --dim without such a dimension" -- "$HJBENCH" train --algo ppo \
  --problem lqr_mdp --dim 5 --steps 10 --output y.h5

# Bad input.
expect 2 "--starts must be positive" "--starts must be positive" -- "$HJBENCH" evaluate --table v.h5 --policy weak.h5 --starts 0
expect 2 "--confidence" "--confidence" -- "$HJBENCH" evaluate --table v.h5 --policy weak.h5 --confidence 1.5
expect 2 "usage" "usage" -- "$HJBENCH" evaluate --table v.h5
expect 3 "no such file" "no such file" -- "$HJBENCH" evaluate --table missing.h5 --policy weak.h5
expect 3 "solved with --problem.g = 5" "solved with --problem.g = 5" -- "$HJBENCH" evaluate --table g5.h5 --policy weak.h5
expect 3 "a table of problem 'acrobot', not 'pendulum'" "a table of problem 'acrobot', not 'pendulum'" -- "$HJBENCH" evaluate --table a.h5 --policy weak.h5
"$HJBENCH" solve "${p[@]}" --grid.shape 51,51 --problem.discount 0.95 --output.file d95.h5 > /dev/null
expect 3 "discount" "discount" -- "$HJBENCH" evaluate --table d95.h5 --policy weak.h5
"$HJBENCH" solve --problem.name pendulum --solve.algorithm finite_horizon --grid.shape 31,31 \
  --finite_horizon.steps 5 --output.file fh.h5 --output.quiet > /dev/null
expect 3 "where a stationary (discounted) one is needed" "where a stationary (discounted) one is needed" -- "$HJBENCH" evaluate --table fh.h5 --policy weak.h5
cp weak.h5 newer.h5
"$PYTHON" -c "import h5py; f = h5py.File('newer.h5', 'r+'); f.attrs['format_version'] = 99.0"
expect 3 "newer" "a policy file of a newer schema" -- "$HJBENCH" evaluate --table v.h5 --policy newer.h5
mkdir adir
expect 3 "--output.json" "--output.json" -- "$HJBENCH" evaluate --table v.h5 --policy weak.h5 --output.json adir
expect 3 "--output.json" "--output.json" -- "$HJBENCH" evaluate --table v.h5 --policy weak.h5 --output.json v.h5
[ ! -e s.json.tmp ] && ok "no temporary JSON left behind" || fail "s.json.tmp left"
# The harness warns in words when a gap is within the reference's own error: a good PPO policy
# (300k steps, about 2 s) against a 31^2 table (own error ~10 at the starts) must be warned about; the
# weak policy above (gap ~400) must not be (checked above and in the text below).
"$HJBENCH" solve "${p[@]}" --grid.shape 31,31 --output.file coarse31.h5 > /dev/null || fail "solve 31^2"
"$HJBENCH" train --algo ppo --steps 300000 --seed 1 --output good.h5 --evaluate.episodes 0 > /dev/null || fail "train 300k"
"$HJBENCH" evaluate --table coarse31.h5 --policy good.h5 --starts 50 --output.json good.json > good.txt \
  && grep -q "WARNING: gap is within the reference's error" good.txt \
  && "$PYTHON" -c "import json,sys; s=json.load(open('good.json')); sys.exit(0 if s['gap_within_reference_error'] and s['gap_cost']['ci_low'] <= s['reference_error'] and 'within the reference' in s['warning'] else 1)" \
  && ok "evaluate warns when the gap's CI reaches into the reference's own error (good policy, 31^2 table)" \
  || { fail "overlap warning missing"; cat good.txt; }
grep -q "WARNING" out.txt && fail "a clearly sub-optimal policy was warned about" || ok "no overlap warning for a clearly sub-optimal policy (gap ~400)"
# rollout --table refuses a table solved with another discount (as evaluate does).
"$HJBENCH" solve "${p[@]}" --grid.shape 31,31 --stationary.discount 0.95 --output.file d95.h5 > /dev/null || fail "solve discount 0.95"
expect 3 "solved with discount 0.95, the environment's is 0.99" "rollout --table with another discount" -- "$HJBENCH" rollout weak.h5 --table d95.h5 --episodes 5
finish
