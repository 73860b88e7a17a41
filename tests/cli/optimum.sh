#!/usr/bin/env bash
# scripts/optimum.sh with small settings (HJB_QUICK=1) for the six tasks: optimum.json has the
# bracket's keys, lower <= upper, the certified bound lies above the achieved lower end (a box-DP
# bound below a feasible policy's return would be wrong), the one-line statement is printed; the LQ
# MDP's bracket contains the discrete Riccati value (computed here); trained PPO and SAC policies
# score below the certified Pendulum bound; bad arguments are refused.
# Usage: optimum.sh HJBENCH PYTHON ROOT
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2 ROOT=$3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
for p in pendulum mountain_car acrobot cartpole_swingup planar_quadrotor lqr_mdp; do
  HJB_QUICK=1 HJB_RANKS=2 "$ROOT/scripts/optimum.sh" "$p" "out_$p" > "$p.log" 2>&1
  code=$?
  if [[ $code -eq 0 ]] && grep -qE "^optimum of $p's expected (episode|discounted) return in \[-?[0-9.]+, -?[0-9.]+\] \(upper (certified|estimate)\)" "$p.log" \
    && "$PYTHON" - "out_$p/optimum.json" << 'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for key in ("problem", "lower", "lower_se", "lower_starts", "upper", "upper_kind", "estimate", "settings"):
    assert key in r, key
assert r["upper_kind"] in ("certified", "estimate"), r["upper_kind"]
assert r["lower"] <= r["upper"], (r["lower"], r["upper"])
assert r["lower_se"] >= 0 and r["lower_starts"] > 0
if r["upper_certified"] is not None:  # a certified bound is above an achieved return (up to 3 SE)
    assert r["upper_certified"] >= r["lower"] - 3 * r["lower_se"], (r["upper_certified"], r["lower"])
PY
  then ok "$p: optimum.json with a consistent bracket ($(head -1 "$p.log" | sed 's/ *lower:.*//'))"
  else fail "$p (exit $code)"; cat "$p.log"; fi
done
# The LQ MDP's bracket contains the discounted Riccati value E[x0' P x0], x0 uniform on [-1, 1]^2.
"$PYTHON" - out_lqr_mdp/optimum.json << 'PY' && ok "lqr_mdp: the bracket contains the Riccati value" || fail "lqr_mdp Riccati"
import json, sys
import numpy as np
r = json.load(open(sys.argv[1]))
dt, gamma, rr = 0.1, 0.99, 1.0
F, b = np.array([[1.0, dt], [0.0, 1.0]]), np.array([[0.0], [dt]])
P = np.zeros((2, 2))
for _ in range(100000):
    K = gamma * np.linalg.solve(dt * rr + gamma * b.T @ P @ b, b.T @ P @ F)
    Pn = dt * np.eye(2) + gamma * F.T @ P @ F - gamma * F.T @ P @ b @ K
    if np.max(np.abs(Pn - P)) < 1e-14:
        break
    P = Pn
optimum = -np.trace(P) / 3.0
print(f"Riccati optimum {optimum:.6f}, bracket [{r['lower']:.6f}, {r['upper']:.6f}] +- {r['lower_se']:.2g}")
assert r["lower"] - 3 * r["lower_se"] <= optimum <= r["upper"] + 3 * r["lower_se"]
PY
# Trained agents score below the certified Pendulum bound. A smoke check only: at these small
# settings the bound (about -77) is far above any agent, so it cannot catch a wrong bound; the check
# that can (the bound against the return of each policy tried, start by start, margins down to 0.005)
# is tests/mpi/test_box_bound.cpp.
"$HJBENCH" train --algo ppo --steps 30000 --output ppo.h5 --evaluate.episodes 0 > /dev/null
"$HJBENCH" train --algo sac --steps 3000 --output sac.h5 --evaluate.episodes 0 > /dev/null
upper=$("$PYTHON" -c "import json; print(json.load(open('out_pendulum/optimum.json'))['upper_certified'])")
for p in ppo sac; do
  mean=$("$HJBENCH" rollout $p.h5 --episodes 200 | sed -nE 's/.*mean return +(-?[0-9.e+]+) .*/\1/p')
  awk -v m="$mean" -v u="$upper" 'BEGIN{exit !(m <= u)}' && ok "$p's mean return $mean <= the certified bound $upper" \
    || fail "$p $mean above the certified bound $upper"
done
# rollout --optimum: the gap to both ends. A clearly sub-optimal policy (30k PPO steps) against the
# quick bracket: no warning; the same policy against a bracket whose lower end is its own mean return
# (written here, so the warning must appear): "gap is within the reference's error".
"$HJBENCH" rollout ppo.h5 --episodes 200 --optimum out_pendulum/optimum.json > weak.log 2>&1
grep -q "gap to the lower end" weak.log && grep -q "gap to the upper end" weak.log && ! grep -q "warning" weak.log \
  && ok "rollout --optimum: both gaps, no warning for a weak policy" || { fail "rollout --optimum weak"; cat weak.log; }
mean=$(sed -nE 's/.*mean return +(-?[0-9.e+]+) .*/\1/p' weak.log)
printf '{"problem": "pendulum", "return": "episode", "lower": %s, "lower_se": 0.5, "upper": %s, "upper_kind": "estimate"}\n' \
  "$mean" "$(awk -v m="$mean" 'BEGIN{print m + 10}')" > at_policy.json
"$HJBENCH" rollout ppo.h5 --episodes 200 --optimum at_policy.json > at.log 2>&1
grep -q "gap is within the reference's error" at.log && ok "rollout --optimum warns when the policy reaches the lower end" \
  || { fail "rollout --optimum warning"; cat at.log; }
"$HJBENCH" solve --problem.name pendulum --solve.algorithm policy_iteration --grid.shape 41,41 --output.file v.h5 \
  --output.quiet > /dev/null
"$HJBENCH" evaluate --table v.h5 --policy ppo.h5 --starts 20 --domain-points 0 --slice 0 --optimum at_policy.json \
  > ev.log 2>&1
grep -q "gap to the lower end" ev.log && grep -q "gap to the upper end" ev.log \
  && ok "evaluate --optimum: the gap to both ends of the bracket" || { fail "evaluate --optimum"; cat ev.log; }
expect 3 "the bracket of problem 'lqr_mdp'" "rollout --optimum of another problem" -- "$HJBENCH" rollout ppo.h5 --optimum out_lqr_mdp/optimum.json
HJB_QUICK=1 "$ROOT/scripts/optimum.sh" no_such_problem x > log 2>&1; [[ $? -eq 2 ]] && grep -q "unknown problem" log \
  && ok "an unknown problem: exit 2" || fail "unknown problem"
HJB_RANKS=zero "$ROOT/scripts/optimum.sh" pendulum x > log 2>&1; [[ $? -eq 2 ]] && grep -q "HJB_RANKS" log \
  && ok "HJB_RANKS=zero: exit 2" || fail "HJB_RANKS"
expect 2 "has no enclosures of its step" "bound on a problem without enclosures" -- "$HJBENCH" bound --problem air3d --cells 4,4,4
expect 2 "give 2 cell counts" "bound with the wrong number of cell counts" -- "$HJBENCH" bound --problem pendulum --cells 8
finish
