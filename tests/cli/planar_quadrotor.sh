#!/usr/bin/env bash
# The planar quadrotor (problems/planar_quadrotor.hpp, 6-D) and the table-free lower end: `hjbench
# simulate --problem` (iLQR per start on the exact step) gives the same returns on 1 and 2 ranks, beats
# the hover-thrust sequence from given starts (computed here with an independent NumPy step), and lies
# below the certified box-DP bound; PPO and SAC train on the same problem and replay; bad input is
# refused with the option named.
# Usage: planar_quadrotor.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
s=(--problem planar_quadrotor --starts 12 --trajopt.restarts 2)
"$HJBENCH" simulate "${s[@]}" --output.json one.json > one.log || { fail "simulate --problem on 1 rank"; cat one.log; }
mpirun -n 2 "$HJBENCH" simulate "${s[@]}" --output.json two.json > two.log || { fail "simulate --problem on 2 ranks"; cat two.log; }
"$PYTHON" -c 'import json, sys; a, b = (json.load(open(f))["returns"] for f in ("one.json", "two.json")); sys.exit(0 if a == b and len(a) == 12 else 1)' \
  && ok "trajectory optimisation: the same returns on 1 and 2 ranks" || fail "rank independence of simulate --problem"
for x0 in "0.9,0.3,-0.1,0,0,0" "-1,-1,0.2,0,0,0" "0.5,-0.8,0,0,0,0"; do
  "$HJBENCH" simulate --problem planar_quadrotor --x0 "$x0" --trajopt.restarts 1 --output.json "x0_$x0.json" > /dev/null \
    || fail "simulate --problem --x0 $x0"
done
"$PYTHON" - <<'PY' && ok "iLQR beats holding the hover thrust from each given start (NumPy step)" || fail "iLQR vs hover thrust"
import json
import numpy as np
m, g, arm, inertia, dt = 1.0, 9.8, 0.25, 0.125, 0.05

def step(s, a):  # the documented step: semi-implicit Euler, clipped rates, walls, wrapped angle
    x, z, th, vx, vz, w = s
    u = m * g / 2 * (1 + np.clip(a, -1, 1))
    vx = np.clip(vx + dt * (-(u[0] + u[1]) * np.sin(th) / m), -3, 3)
    vz = np.clip(vz + dt * ((u[0] + u[1]) * np.cos(th) / m - g), -3, 3)
    x, z = x + dt * vx, z + dt * vz
    if abs(x) > 2: x, vx = np.clip(x, -2, 2), 0.0
    if abs(z) > 2: z, vz = np.clip(z, -2, 2), 0.0
    w = np.clip(w + dt * arm * (u[0] - u[1]) / inertia, -6, 6)
    return (x, z, (th + dt * w + np.pi) % (2 * np.pi) - np.pi, vx, vz, w)

def cost(s, a):
    x, z, th, vx, vz, w = s
    return x**2 + z**2 + 0.1 * (vx**2 + vz**2) + 0.2 * (1 - np.cos(th)) + 0.01 * w**2 + 0.01 * float(a @ a)

worse = 0
for x0 in ("0.9,0.3,-0.1,0,0,0", "-1,-1,0.2,0,0,0", "0.5,-0.8,0,0,0,0"):
    s, hover = tuple(float(v) for v in x0.split(",")), 0.0
    for k in range(100):
        hover -= cost(s, np.zeros(2)); s = step(s, np.zeros(2))
    achieved = json.load(open(f"x0_{x0}.json"))["lower"]
    print(f"x0 = ({x0}): iLQR {achieved:.4f}, hover thrust {hover:.4f}")
    worse += achieved <= hover
raise SystemExit(int(worse))
PY
"$HJBENCH" bound --problem planar_quadrotor --cells 4,4,4,4,4,4 --actions 2 --output.json upper.json > bound.log \
  || { fail "bound in 6-D"; cat bound.log; }
"$PYTHON" -c 'import json, sys; l, u = json.load(open("one.json")), json.load(open("upper.json")); print(l["lower"], u["upper"]); sys.exit(0 if l["lower"] <= u["upper"] else 1)' \
  && ok "achieved lower end <= certified box-DP bound (6-D)" || fail "quadrotor bracket order"
trains_and_replays planar_quadrotor ppo 20000
trains_and_replays planar_quadrotor sac 2000
expect 2 "discrete action set" "trajectory optimisation on discrete actions" -- "$HJBENCH" simulate --problem acrobot --starts 2
expect 2 "give one" "a table and --problem together" -- "$HJBENCH" simulate ppo.h5 --problem planar_quadrotor
expect 2 "trajopt.restarts" "zero restarts" -- "$HJBENCH" simulate --problem planar_quadrotor --trajopt.restarts 0
expect 2 "go with --problem" "--trajopt.* with a table" -- "$HJBENCH" simulate ppo.h5 --trajopt.restarts 3
expect 2 "problem.room" "a non-positive room" -- "$HJBENCH" solve --problem.name planar_quadrotor --grid.type sparse \
  --grid.level 3 --solve.algorithm finite_horizon --problem.room 0 --output.file bad.h5

finish
