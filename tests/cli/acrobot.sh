#!/usr/bin/env bash
# Acrobot-v1: the 4-D finite-horizon recursion equals an independent NumPy implementation of
# Gymnasium's step (RK4, wrap, clip, termination) with 4-D multilinear interpolation; 1 and 3
# ranks give the same table; simulate reports the episodic return; PPO with a categorical head
# learns the task (3 seeds, 120k steps, deterministic return above -150, far from the -500 of a
# policy that never swings up) and its policy file round-trips; SAC refuses discrete actions.
# Usage: acrobot.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
a=(--problem.name acrobot --solve.algorithm finite_horizon --grid.shape 9,8,7,9 --stationary.actions 3
   --finite_horizon.steps 3 --output.quiet)

"$HJBENCH" solve "${a[@]}" --output.file a1.h5 > /dev/null || fail "solve on 1 rank"
"$PYTHON" - a1.h5 <<'PY' && ok "every stage equals the NumPy recursion on Gymnasium's step (4-D)" || fail "acrobot recursion"
import sys, itertools, h5py, numpy as np
f = h5py.File(sys.argv[1])
N = int(f.attrs["horizon_steps"])
names = ["theta1", "theta2", "omega1", "omega2"]
ax = [f["axes/" + n] for n in names]
x = [a[...] for a in ax]
per = [bool(a.attrs["periodic"]) for a in ax]
lo = [float(a.attrs["lo"]) for a in ax]; hi = [float(a.attrs["hi"]) for a in ax]
S = np.meshgrid(*x, indexing="ij")

def dsdt(s, a):  # gymnasium.envs.classic_control.acrobot.AcrobotEnv._dsdt, book variant
    m1 = m2 = l1 = 1.0; lc1 = lc2 = 0.5; I1 = I2 = 1.0; g = 9.8
    t1, t2, d1_, d2_ = s
    d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * np.cos(t2)) + I1 + I2
    d2 = m2 * (lc2**2 + l1 * lc2 * np.cos(t2)) + I2
    phi2 = m2 * lc2 * g * np.cos(t1 + t2 - np.pi / 2.0)
    phi1 = (-m2 * l1 * lc2 * d2_**2 * np.sin(t2) - 2 * m2 * l1 * lc2 * d2_ * d1_ * np.sin(t2)
            + (m1 * lc1 + m2 * l1) * g * np.cos(t1 - np.pi / 2) + phi2)
    dd2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * d1_**2 * np.sin(t2) - phi2) / (m2 * lc2**2 + I2 - d2**2 / d1)
    dd1 = -(d2 * dd2 + phi1) / d1
    return [d1_, d2_, dd1, dd2]

def step(s, a):
    dt = 0.2
    k1 = dsdt(s, a); k2 = dsdt([s[i] + dt / 2 * k1[i] for i in range(4)], a)
    k3 = dsdt([s[i] + dt / 2 * k2[i] for i in range(4)], a); k4 = dsdt([s[i] + dt * k3[i] for i in range(4)], a)
    n = [s[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) for i in range(4)]
    for i in (0, 1):  # wrap(x, -pi, pi), vectorised
        n[i] = np.where(n[i] > np.pi, n[i] - 2 * np.pi * np.ceil((n[i] - np.pi) / (2 * np.pi)), n[i])
        n[i] = np.where(n[i] < -np.pi, n[i] + 2 * np.pi * np.ceil((-np.pi - n[i]) / (2 * np.pi)), n[i])
    n[2] = np.clip(n[2], -4 * np.pi, 4 * np.pi); n[3] = np.clip(n[3], -9 * np.pi, 9 * np.pi)
    term = -np.cos(n[0]) - np.cos(n[1] + n[0]) > 1.0
    return n, term

def interp(V, p):
    idx, wt = [], []
    for k in range(4):
        n = V.shape[k]; h = (hi[k] - lo[k]) / (n if per[k] else n - 1); t = (p[k] - lo[k]) / h
        if per[k]:
            t = t - n * np.floor(t / n); i = np.minimum(t.astype(np.int64), n - 1); j = (i + 1) % n
        else:
            t = np.clip(t, 0, n - 1); i = np.minimum(t.astype(np.int64), n - 2); j = i + 1
        idx.append((i, j)); wt.append(t - i)
    total = 0.0
    for bits in itertools.product((0, 1), repeat=4):
        w = 1.0
        for k in range(4): w = w * (wt[k] if bits[k] else 1 - wt[k])
        total = total + w * V[tuple(idx[k][bits[k]] for k in range(4))]
    return total

V = np.zeros(S[0].shape); worst = 0.0
stages = {N + int(round(float(t))): k for k, t in enumerate(f["time"][...])}
for k in range(N - 1, -1, -1):
    q = []
    for a in (-1.0, 0.0, 1.0):
        n, term = step(S, a)
        q.append(np.where(term, 0.0, 1.0 + interp(V, n)))  # cost 1 per step, 0 on the terminating one
    V = np.min(np.array(q), axis=0)
    worst = max(worst, float(np.max(np.abs(f["value/snapshot_%04d" % stages[k]][...] - V))))
print(f"acrobot: {N} stages on {S[0].shape}, max |hjbench - numpy| = {worst:.2e}")
sys.exit(0 if worst <= 1e-9 else 1)
PY
mpirun -n 3 "$HJBENCH" solve "${a[@]}" --output.file a3.h5 > /dev/null \
  && "$PYTHON" -c 'import sys, h5py, numpy as np; a, b = h5py.File("a1.h5"), h5py.File("a3.h5"); sys.exit(0 if all(np.array_equal(a["value/snapshot_%04d" % k][...], b["value/snapshot_%04d" % k][...]) for k in range(4)) else 1)' \
  && ok "3 ranks: bit-identical to 1 rank" || fail "acrobot 3 ranks"
out=$("$HJBENCH" simulate a1.h5 --starts 200) && echo "$out" | grep -q "closed loop: greedy" \
  && ok "simulate reports the episodic return of a finite-horizon Acrobot table" || { fail "simulate"; echo "$out"; }

# Early stop (--finite_horizon.tolerance): the 500-step recursion on a small grid stops once a stage
# changes no value by more than 1e-6; the table records the stage, and every stored stage is within
# (that stage - k) x 1e-6 of the full recursion's.
e=(--problem.name acrobot --solve.algorithm finite_horizon --grid.shape 11,11,9,9 --stationary.actions 3
   --finite_horizon.stages 0,100,200,300,400 --output.quiet)
"$HJBENCH" solve "${e[@]}" --output.file full.h5 > full.log && "$HJBENCH" solve "${e[@]}" --finite_horizon.tolerance 1e-6 \
  --output.file early.h5 > early.log || fail "early-stop solves"
"$PYTHON" - full.h5 early.h5 <<'PY' && grep -q "changed by at most 1e-06 at stage" early.log \
  && ok "--finite_horizon.tolerance 1e-6: stops early, records the stage, every stored stage within the stated bound" \
  || { fail "early stop"; cat early.log; }
import sys, h5py, numpy as np
full, early = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
k0 = int(early.attrs["stationary_from_stage"]); eps = float(early.attrs["stationary_tolerance"])
N = int(early.attrs["horizon_steps"])
assert 0 < k0 < N and eps == 1e-6, (k0, eps)
assert int(full.attrs["stationary_from_stage"]) <= k0  # without a tolerance: exact stop only, if any
worst = 0.0
for j, t in enumerate(early["time"][...]):
    k = N + int(round(t))
    d = float(np.max(np.abs(early["value/snapshot_%04d" % j][...] - full["value/snapshot_%04d" % j][...])))
    bound = max(0, k0 - k) * eps
    print(f"stage {k}: max |early - full| = {d:.3g}, bound {bound:.3g}")
    assert d <= bound + 1e-12, (k, d, bound)
    worst = max(worst, d)
print(f"stopped at stage {k0} of {N}")
PY
expect 2 "finite_horizon.tolerance must be a non-negative" "a negative tolerance" -- "$HJBENCH" solve "${e[@]}" --finite_horizon.tolerance -1 --output.file bad.h5

for seed in 1 2 3; do
  line=$("$HJBENCH" train --algo ppo --problem acrobot --seed $seed --steps 120000 --output ppo$seed.h5 | tail -1)
  mean=$(sed -nE 's/.*mean return (-?[0-9.]+) \+-.*/\1/p' <<< "$line")
  awk "BEGIN{exit !($mean > -150)}" && ok "PPO (categorical) seed $seed, 120k steps: deterministic return $mean > -150" \
    || fail "PPO seed $seed: $line"
done
again=$("$HJBENCH" rollout ppo1.h5 --episodes 100 | sed -nE 's/.*mean return (-?[0-9.]+) \+-.*/\1/p')
first=$("$HJBENCH" train --algo ppo --problem acrobot --seed 1 --steps 120000 --output ppo1b.h5 | tail -1 | sed -nE 's/.*mean return (-?[0-9.]+) \+-.*/\1/p')
[[ -n "$again" && "$again" == "$first" ]] && ok "a saved categorical policy replays the training run's evaluation ($again)" \
  || fail "categorical policy round trip: $again vs $first"
"$HJBENCH" train --algo sac --problem acrobot --steps 100 --output sac.h5 > sac.log 2>&1; code=$?
[[ $code -eq 2 ]] && grep -q "discrete actions" sac.log && ok "SAC on discrete actions: exit 2 with the reason" \
  || { fail "SAC on acrobot: exit $code"; cat sac.log; }

finish
