#!/usr/bin/env bash
# Continuous-time stationary problems through `hjbench solve` (Markov chain approximations):
# Merton and discounted LQR tables against their closed forms (both schemes), 1 vs 3 ranks within
# the stopping tolerance, checkpoint on 2 ranks and restart on 3 (policy and value iteration),
# and bad input (negative diffusion, policy iteration on an exit-time problem, unknown scheme,
# non-positive time step, these tables where an MDP table is needed).
# Usage: continuous_stationary.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null' EXIT
cd "$work"

exact_error() {  # exact_error TABLE BOUND: max |V - exact| over the measured region <= BOUND
  "$PYTHON" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1]); V = f["value/final"][...]; pr = dict(f["problem"].attrs)
name = f.attrs["problem"]
if name == "merton":
    w = f["axes/wealth"][...]
    r, mu, s, p, rho = pr["r"], pr["mu"], pr["sigma"], pr["p"], pr["rho"]
    K = (rho - (1 - p) * (r + (mu - r) ** 2 / (2 * p * s * s))) / p
    exact = -K ** (-p) * w ** (1 - p) / (1 - p)   # minus the optimal discounted utility
    region = (w >= 0.25) & (w <= 1.0)
else:  # discounted_lqr, 2-D: V = P |x|^2, P the discounted Riccati root
    x = np.meshgrid(f["axes/x0"][...], f["axes/x1"][...], indexing="ij")
    sh = pr["a"] - pr["rho"] / 2
    P = pr["r"] * (sh + np.sqrt(sh * sh + pr["q"] / pr["r"]))
    exact = P * (x[0] ** 2 + x[1] ** 2)
    region = (np.abs(x[0]) <= 1) & (np.abs(x[1]) <= 1)
err = float(np.max(np.abs(V - exact)[region]))
print(f"{name} ({f.attrs['scheme']}): max error {err:.3e} (bound {sys.argv[2]})")
sys.exit(0 if err <= float(sys.argv[2]) else 1)
PY
}
same_within() {  # same_within A B BOUND
  "$PYTHON" -c 'import sys, h5py, numpy as np; a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2]); d = float(np.max(np.abs(a["value/final"][...] - b["value/final"][...]))); print(f"max |difference| {d:.2e}"); sys.exit(0 if d <= float(sys.argv[3]) else 1)' "$@"
}

m=(--problem.name merton --grid.shape 201 --solve.algorithm policy_iteration --output.quiet)
"$HJBENCH" solve "${m[@]}" --stationary.scheme kushner_dupuis --output.file kd1.h5 > /dev/null && exact_error kd1.h5 0.02 \
  && ok "Merton, Kushner-Dupuis, 201 nodes: within 0.02 of the closed form" || fail "Merton KD"
"$HJBENCH" solve "${m[@]}" --output.file sl.h5 > /dev/null && exact_error sl.h5 0.2 \
  && ok "Merton, semi-Lagrangian, 201 nodes: within 0.2 of the closed form" || fail "Merton SL"
mpirun -n 3 "$HJBENCH" solve "${m[@]}" --stationary.scheme kushner_dupuis --output.file kd3.h5 > /dev/null \
  && same_within kd1.h5 kd3.h5 1e-6 && ok "Merton on 3 ranks agrees with 1 rank within the tolerance bound" \
  || fail "Merton 3 ranks"

l=(--problem.name discounted_lqr --grid.shape 161,161 --solve.algorithm policy_iteration --output.quiet)
"$HJBENCH" solve "${l[@]}" --output.file lqr_full.h5 > /dev/null && exact_error lqr_full.h5 0.05 \
  && ok "2-D discounted LQR, semi-Lagrangian, 161^2: within 0.05 of P|x|^2" || fail "LQR"
mpirun -n 2 "$HJBENCH" solve "${l[@]}" --checkpoint.every_steps 1 --output.file lqr.h5 > lqr.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -e lqr.h5.ckpt ]] && break; sleep 0.02; done
kill -USR1 "$pid"; wait "$pid"; code=$?
[[ $code -eq 5 && -e lqr.h5.ckpt && ! -e lqr.h5 ]] && ok "SIGUSR1 on 2 ranks: exit 5 with a checkpoint" \
  || { fail "LQR SIGUSR1: exit $code"; cat lqr.log; }
mpirun -n 3 "$HJBENCH" solve "${l[@]}" --output.file lqr.h5 --restart lqr.h5.ckpt > lqr_restart.log 2>&1 \
  && grep -q resuming lqr_restart.log && same_within lqr_full.h5 lqr.h5 1e-6 \
  && ok "restarted on 3 ranks: agrees with the uninterrupted run within the tolerance bound" \
  || { fail "LQR restart"; cat lqr_restart.log; }

d=(--problem.name min_time_double_integrator --grid.shape 401,401 --stationary.actions 3 --solve.algorithm value_iteration --output.quiet)
"$HJBENCH" solve "${d[@]}" --output.file di_full.h5 > /dev/null || fail "min-time value iteration"
mpirun -n 2 "$HJBENCH" solve "${d[@]}" --walltime 0.1 --output.file di.h5 > di.log 2>&1; code=$?
if [[ $code -eq 5 && -e di.h5.ckpt ]]; then
  mpirun -n 3 "$HJBENCH" solve "${d[@]}" --output.file di.h5 --restart di.h5.ckpt > di_restart.log 2>&1 \
    && same_within di_full.h5 di.h5 1e-6 \
    && ok "exit-time value iteration: stopped by --walltime on 2 ranks, restarted on 3, same table within the tolerance" \
    || { fail "min-time restart"; cat di_restart.log; }
else
  fail "min-time --walltime: exit $code"; cat di.log
fi

expect 2 "volatility must be positive" "negative diffusion" -- "$HJBENCH" solve "${m[@]}" --problem.sigma -0.2 --output.file bad.h5
expect 2 "value_iteration" "policy iteration on an exit-time problem" -- "$HJBENCH" solve "${d[@]/value_iteration/policy_iteration}" --output.file bad.h5
expect 2 "unknown value 'upwind'" "unknown scheme" -- "$HJBENCH" solve "${m[@]}" --stationary.scheme upwind --output.file bad.h5
expect 2 "must be positive" "time step factor 0" -- "$HJBENCH" solve "${m[@]}" --stationary.time_step_factor 0 --output.file bad.h5
expect 3 "no discrete-time environment to simulate" "simulate on a continuous-time table" -- "$HJBENCH" simulate kd1.h5
[[ ! -e bad.h5 ]] && ok "no output file from a refused run" || fail "bad.h5 written"

finish
