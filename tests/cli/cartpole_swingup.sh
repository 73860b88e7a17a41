#!/usr/bin/env bash
# The cart-pole swing-up (problems/cartpole_swingup.hpp): every stage of the 4-D finite-horizon
# recursion equals an independent NumPy recursion written from Gymnasium's CartPole equations (in
# Gymnasium's angle theta = phi + pi) with the task's stops, limits and cost, on uniform and on graded
# axes (--grid.grading: the nodes follow the documented map; grading 0 is the uniform grid bit for bit);
# 1 and 3 ranks give the same table; on a coarse table the achieved return of the beam search lies below the certified box-DP
# bound and above the return of doing nothing (a pole left hanging pays 2 per step); PPO and SAC train
# on the same problem and their policies replay.
# Usage: cartpole_swingup.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
a=(--problem.name cartpole_swingup --solve.algorithm finite_horizon --grid.shape 7,6,8,7 --stationary.actions 5
   --finite_horizon.steps 4 --output.quiet)

"$HJBENCH" solve "${a[@]}" --output.file c1.h5 > /dev/null || fail "solve on 1 rank"
cat > recursion.py <<'PY'
import sys, itertools, h5py, numpy as np
f = h5py.File(sys.argv[1])
N = int(f.attrs["horizon_steps"])
names = ["x", "x_dot", "phi", "phi_dot"]
ax = [f["axes/" + n] for n in names]
x = [a[...] for a in ax]
per = [bool(a.attrs["periodic"]) for a in ax]
lo = [float(a.attrs["lo"]) for a in ax]; hi = [float(a.attrs["hi"]) for a in ax]
assert per == [False, False, True, False] and lo == [-2.4, -5.0, -np.pi, -10.0], (per, lo)
# Graded axes (--grid.grading): the stored nodes follow the documented sinh map.
for k, a in enumerate(ax):
    b = float(a.attrs.get("grading", 0.0))
    if b > 0:
        n = len(x[k]); s = -1 + 2 * np.arange(n) / (n - 1)
        want = (lo[k] + hi[k]) / 2 + (hi[k] - lo[k]) / 2 * np.sinh(b * s) / np.sinh(b)
        assert np.allclose(x[k], want, rtol=0, atol=1e-12) and x[k][0] == lo[k] and x[k][-1] == hi[k], k
        print(f"axis {names[k]}: graded {b}, nodes follow the sinh map")
S = np.meshgrid(*x, indexing="ij")

def step(s, a):
    # gymnasium.envs.classic_control.cartpole.CartPoleEnv.step, semi-implicit Euler, with a
    # continuous force and theta = phi + pi (phi = 0 hanging); then the task's limits and stops.
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.05
    total_mass = masspole + masscart; polemass_length = masspole * length
    x, x_dot, phi, phi_dot = s
    theta, theta_dot = phi + np.pi, phi_dot
    force = force_mag * np.clip(a, -1.0, 1.0)
    costheta, sintheta = np.cos(theta), np.sin(theta)
    temp = (force + polemass_length * np.square(theta_dot) * sintheta) / total_mass
    thetaacc = (gravity * sintheta - costheta * temp) / (length * (4.0 / 3.0 - masspole * np.square(costheta) / total_mass))
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    x_dot = np.clip(x_dot + tau * xacc, -5.0, 5.0)
    x = x + tau * x_dot
    stopped = np.abs(x) > 2.4
    x = np.clip(x, -2.4, 2.4); x_dot = np.where(stopped, 0.0, x_dot)
    theta_dot = np.clip(theta_dot + tau * thetaacc, -10.0, 10.0)
    phi = np.remainder(theta + tau * theta_dot, 2 * np.pi) - np.pi  # theta - pi, wrapped into [-pi, pi)
    return [x, x_dot, phi, theta_dot]

def cost(s, a):
    return 1.0 + np.cos(s[2]) + 0.01 * s[0] ** 2 + 0.01 * np.clip(a, -1, 1) ** 2

def interp(V, p):
    idx, wt = [], []
    for k in range(4):
        n = V.shape[k]; h = (hi[k] - lo[k]) / (n if per[k] else n - 1)
        if per[k]:
            t = (p[k] - lo[k]) / h
            t = t - n * np.floor(t / n); i = np.minimum(t.astype(np.int64), n - 1); j = (i + 1) % n
            w = t - i
        else:  # any node positions (uniform or graded): the cell by search, linear in x inside it
            xk = np.clip(p[k], lo[k], hi[k])
            i = np.clip(np.searchsorted(x[k], xk, side="right") - 1, 0, n - 2); j = i + 1
            w = np.clip((xk - x[k][i]) / (x[k][j] - x[k][i]), 0, 1)
        idx.append((i, j)); wt.append(w)
    total = 0.0
    for bits in itertools.product((0, 1), repeat=4):
        w = 1.0
        for k in range(4): w = w * (wt[k] if bits[k] else 1 - wt[k])
        total = total + w * V[tuple(idx[k][bits[k]] for k in range(4))]
    return total

V = np.zeros(S[0].shape); worst = 0.0
stages = {N + int(round(float(t))): k for k, t in enumerate(f["time"][...])}
for k in range(N - 1, -1, -1):
    V = np.min(np.array([cost(S, a) + interp(V, step(S, a)) for a in np.linspace(-1, 1, 5)]), axis=0)
    worst = max(worst, float(np.max(np.abs(f["value/snapshot_%04d" % stages[k]][...] - V))))
print(f"cart-pole: {N} stages on {S[0].shape}, max |hjbench - numpy| = {worst:.2e}")
sys.exit(0 if worst <= 1e-9 else 1)
PY
"$PYTHON" - c1.h5 < recursion.py && ok "every stage equals the NumPy recursion on CartPole's equations (4-D)" || fail "cart-pole recursion"
"$HJBENCH" solve "${a[@]}" --grid.grading 0,1.5,0,2 --output.file g1.h5 > /dev/null || fail "graded solve"
"$PYTHON" - g1.h5 < recursion.py && ok "graded axes (x_dot, phi_dot): every stage equals the NumPy recursion on the stored nodes" \
  || fail "graded recursion"
"$HJBENCH" solve "${a[@]}" --grid.grading 0,0,0,0 --output.file z1.h5 > /dev/null \
  && "$PYTHON" -c 'import sys, h5py, numpy as np; a, b = h5py.File("c1.h5"), h5py.File("z1.h5"); sys.exit(0 if all(np.array_equal(a["value/snapshot_%04d" % k][...], b["value/snapshot_%04d" % k][...]) for k in range(5)) else 1)' \
  && ok "grading 0 on every axis: bit-identical to the uniform grid" || fail "grading 0"
mpirun -n 3 "$HJBENCH" solve "${a[@]}" --grid.grading 0,1.5,0,2 --output.file g3.h5 > /dev/null \
  && "$PYTHON" -c 'import sys, h5py, numpy as np; a, b = h5py.File("g1.h5"), h5py.File("g3.h5"); sys.exit(0 if all(np.array_equal(a["value/snapshot_%04d" % k][...], b["value/snapshot_%04d" % k][...]) for k in range(5)) else 1)' \
  && ok "graded axes, 3 ranks: bit-identical to 1 rank" || fail "graded 3 ranks"
mpirun -n 3 "$HJBENCH" solve "${a[@]}" --output.file c3.h5 > /dev/null \
  && "$PYTHON" -c 'import sys, h5py, numpy as np; a, b = h5py.File("c1.h5"), h5py.File("c3.h5"); sys.exit(0 if all(np.array_equal(a["value/snapshot_%04d" % k][...], b["value/snapshot_%04d" % k][...]) for k in range(5)) else 1)' \
  && ok "3 ranks: bit-identical to 1 rank" || fail "cart-pole 3 ranks"

# The whole episode on a coarse grid: a feasible policy's achieved return (a beam search on the exact
# step) lies between doing nothing and the certified bound (two independent computations).
mpirun -n 2 "$HJBENCH" solve --problem.name cartpole_swingup --solve.algorithm finite_horizon --grid.shape 13,13,12,13 \
  --stationary.actions 5 --output.file coarse.h5 --output.quiet > /dev/null || fail "coarse solve"
mpirun -n 2 "$HJBENCH" simulate coarse.h5 --starts 40 --beam 32 --beam.cell 1 --output.json lower.json > sim.log \
  || { fail "simulate --beam"; cat sim.log; }
mpirun -n 2 "$HJBENCH" bound --problem cartpole_swingup --cells 12,12,12,12 --actions 8 --output.json upper.json > bound.log \
  || { fail "bound"; cat bound.log; }
"$PYTHON" - <<'PY' && ok "hanging still (-200) < achieved lower end <= certified upper end" || fail "cart-pole bracket order"
import json
low, up = json.load(open("lower.json")), json.load(open("upper.json"))
print(f"lower {low['lower']:.3f} +- {low['lower_se']:.3f}, certified upper {up['upper']:.3f}")
# The cart at rest with the pole hanging pays 1 + cos 0 = 2 per step: -200 over 100 steps.
assert -200 < low["lower"] - 3 * low["lower_se"] and low["lower"] <= up["upper"], (low, up)
PY

# The same problem is an RL environment: short PPO and SAC runs train, save and replay.
trains_and_replays cartpole_swingup ppo 20000
trains_and_replays cartpole_swingup sac 2000
expect 2 "is periodic" "grading a periodic axis" -- "$HJBENCH" solve "${a[@]}" --grid.grading 0,0,1,0 --output.file bad.h5
expect 2 "grid.grading has 2 values" "a grading list of the wrong length" -- "$HJBENCH" solve "${a[@]}" --grid.grading 0,1 \
  --output.file bad.h5
expect 2 "must be 0 (uniform) or in" "a negative grading" -- "$HJBENCH" solve "${a[@]}" --grid.grading 0,-1,0,0 --output.file bad.h5
expect 2 "graded axes are for the MDP solvers" "graded axes for the time-dependent schemes" -- "$HJBENCH" solve \
  --problem.name cartpole_swingup --grid.shape 7,6,8,7 --time.horizon 0.1 --grid.grading 0,1,0,0 --output.file bad.h5
expect 2 "grading is for tensor grids" "graded axes on a sparse grid" -- "$HJBENCH" solve --problem.name cartpole_swingup \
  --grid.type sparse --grid.level 3 --solve.algorithm finite_horizon --grid.grading 0,1,0,0 --output.file bad.h5
expect 2 "problem.track_limit" "a non-positive track limit" -- "$HJBENCH" solve "${a[@]}" --problem.track_limit 0 \
  --output.file bad.h5

finish
