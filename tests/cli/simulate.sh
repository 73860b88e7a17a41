#!/usr/bin/env bash
# `hjbench simulate`: a stationary table's feedback in closed loop on the problem's own step,
# checked by numbers computed independently here: from given starts, the table value V(x0) by an
# h5py + NumPy multilinear interpolation (periodic theta) and the achieved discounted cost J(x0) by
# a NumPy closed loop of Gymnasium's Pendulum-v1 step under the interpolated /policy/action_0
# (discount 0.99, until 0.99^k < 1e-10); at the upright equilibrium both are 0; from sampled starts
# the paired gap has a standard error; bad inputs are refused.
# Usage: simulate.sh PATH/TO/hjbench [PYTHON]
set -u
HJBENCH=$1 PYTHON=${2:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$HJBENCH" solve --problem.name pendulum --grid.shape 60,61 --solve.algorithm policy_iteration --output.file p.h5 \
  --output.quiet > /dev/null || { fail "solve"; finish; exit 1; }
number() { sed -nE "s/.*$1.*mean (-?[0-9.]+).*/\1/p" log | head -1; }
for x0 in 0,0 1.3,-0.4 -2.9,0.7 0.25,3.1; do
  "$HJBENCH" simulate p.h5 --x0 "$x0" > log 2>&1 || { fail "simulate --x0 $x0"; cat log; continue; }
  j=$(number "achieved cost J") v=$(number "table value V")
  "$PYTHON" - "$x0" "$j" "$v" <<'PY' && ok "--x0 $x0: J and V equal an independent NumPy closed loop and interpolation" || fail "--x0 $x0: J/V differ"
import math, sys
import h5py, numpy as np
x0 = [float(t) for t in sys.argv[1].split(",")]; j_printed, v_printed = float(sys.argv[2]), float(sys.argv[3])
f = h5py.File("p.h5")
names = f.attrs["axes"].split(",")
axes = [f["axes/" + n][...] for n in names]
periodic = [bool(f["axes/" + n].attrs["periodic"]) for n in names]
lo = [float(f["axes/" + n].attrs["lo"]) for n in names]
V, U = f["value/final"][...], f["policy/action_0"][...]
def interp(T, x):
    idx, w = [], []
    for k, a in enumerate(axes):
        n, h = len(a), a[1] - a[0]
        t = (x[k] - lo[k]) / h
        if periodic[k]:
            t = t % n; i = min(int(t), n - 1)
        else:
            t = min(max(t, 0.0), n - 1.0); i = min(int(t), n - 2)
        idx.append(i); w.append(t - i)
    v = 0.0
    for c in range(4):
        wt, ii = 1.0, []
        for k in range(2):
            up = (c >> k) & 1; g = idx[k] + up
            if g == len(axes[k]): g = 0
            ii.append(g); wt *= w[k] if up else 1 - w[k]
        v += wt * T[tuple(ii)]
    return v
def angle_normalize(x):
    return ((x + math.pi) % (2 * math.pi)) - math.pi
g, m, l, dt, gamma = 10.0, 1.0, 1.0, 0.05, 0.99
steps = math.ceil(math.log(1e-10) / math.log(gamma))
th, om = x0; J, disc = 0.0, 1.0
for k in range(steps):   # Gymnasium 0.29 PendulumEnv.step, written out again
    u = min(max(interp(U, (th, om)), -2.0), 2.0)
    J += disc * (angle_normalize(th) ** 2 + 0.1 * om ** 2 + 0.001 * u ** 2)
    om = min(max(om + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l * l) * u) * dt, -8.0), 8.0)
    th = th + om * dt
    disc *= gamma
v = interp(V, x0)
print(f"x0 {x0}: J printed {j_printed:.6f}, NumPy {J:.6f}; V printed {v_printed:.6f}, NumPy {v:.6f}")
sys.exit(0 if abs(J - j_printed) <= 1e-5 * max(1.0, abs(J)) and abs(v - v_printed) <= 2e-6 else 1)
PY
done
"$HJBENCH" simulate p.h5 --x0 0,0 > log 2>&1
[[ $? -eq 0 ]] && grep -q "achieved cost J.*mean 0.000000" log && grep -q "table value V .*mean 0.000000" log \
  && ok "at the upright equilibrium J = V = 0" || { fail "upright equilibrium"; cat log; }
"$HJBENCH" simulate p.h5 --starts 200 --seed 5 > log 2>&1
gap=$(sed -nE 's/.*J - V \(paired\) +mean (-?[0-9.]+) \+- ([0-9.]+).*/\1 \2/p' log)
j=$(number "achieved cost J") v=$(number "table value V")
read -r g se <<< "$gap"
# The paired gap is the difference of the two means (to the printed digits), with a positive SE.
awk "BEGIN{exit !(${se:-0} > 0 && (${g:-1e9} - ($j - $v))^2 < 4e-12)}" && grep -q "200 starts" log \
  && ok "200 sampled starts: paired gap $g +- $se = mean J - mean V" || { fail "sampled starts"; cat log; }
"$HJBENCH" solve --problem.name pendulum --grid.shape 21,21 --time.horizon 0.1 --output.file t.h5 --output.quiet > /dev/null
expect 3 "not a stationary table" "a time-dependent table" -- "$HJBENCH" simulate t.h5
expect 2 "--x0 has 3 components" "--x0 of the wrong length" -- "$HJBENCH" simulate p.h5 --x0 1,2,3
expect 3 "outside" "--x0 outside a bounded axis" -- "$HJBENCH" simulate p.h5 --x0 0,100
expect 2 "--starts must be positive" "--starts 0" -- "$HJBENCH" simulate p.h5 --starts 0
finish
