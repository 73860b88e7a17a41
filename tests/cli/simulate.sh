#!/usr/bin/env bash
# `hjbench simulate`: a stationary table's feedback in closed loop on the problem's own step,
# checked by numbers computed independently here: from given starts, the table value V(x0) by an
# h5py + NumPy multilinear interpolation (periodic theta) and the achieved discounted cost J(x0) by
# a NumPy closed loop of Gymnasium's Pendulum-v1 step under the interpolated /policy/action_0
# (discount 0.99, until 0.99^k < 1e-10); at the upright equilibrium both are 0 to the printed 6
# decimals (V to within the solve's tolerance 1e-8 / (1 - 0.99), so possibly -0.000000); from sampled starts
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
  PYTHONPATH="$here/.." "$PYTHON" - "$x0" "$j" "$v" <<'PY' && ok "--x0 $x0: J and V equal an independent NumPy closed loop and interpolation" || fail "--x0 $x0: J/V differ"
import math, sys
from numpy_reference import interpolator, pendulum_step
x0 = [float(t) for t in sys.argv[1].split(",")]; j_printed, v_printed = float(sys.argv[2]), float(sys.argv[3])
gamma = 0.99
steps = math.ceil(math.log(1e-10) / math.log(gamma))
th, om = x0; J, disc = 0.0, 1.0
feedback = interpolator("p.h5", "policy/action_0")
for k in range(steps):   # the closed loop under the interpolated table feedback
    u = feedback((th, om))
    th, om, cost = pendulum_step(th, om, u)
    J += disc * cost
    disc *= gamma
v = interpolator("p.h5")(x0)
print(f"x0 {x0}: J printed {j_printed:.6f}, NumPy {J:.6f}; V printed {v_printed:.6f}, NumPy {v:.6f}")
sys.exit(0 if abs(J - j_printed) <= 1e-5 * max(1.0, abs(J)) and abs(v - v_printed) <= 2e-6 else 1)
PY
done
"$HJBENCH" simulate p.h5 --x0 0,0 > log 2>&1
[[ $? -eq 0 ]] && grep -q "achieved cost J.*mean 0.000000" log && grep -q "table value V .*mean -\?0.000000" log \
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
