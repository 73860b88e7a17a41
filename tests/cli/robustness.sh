#!/usr/bin/env bash
# Defects an adversarial user found (issue 21), each a case that failed before its fix: inputs that
# are FIFOs (a read would block for ever), an INI file with a UTF-8 byte-order mark, negative seeds,
# a finite horizon longer than a table holds (refused before the solve, also by --dry-run), options
# an algorithm would silently ignore, an unbounded --slice, a diverging training run (exit 4, no
# policy published), NaN in a table's feedback, and a history output that is a symlink to the table.
# Usage: robustness.sh HJBENCH PYTHON
set -u
HJBENCH=$1 PYTHON=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkfifo pipe.ini pipe.h5
# Each refused command must come back (timeout: a blocking read would hang the test, not pass it).
t() { timeout 60 "$@"; }
expect 3 "named pipe (FIFO)" "a config file that is a FIFO (solve)" -- t "$HJBENCH" solve pipe.ini
expect 3 "named pipe (FIFO)" "a config file that is a FIFO (train)" -- t "$HJBENCH" train --algo ppo --config pipe.ini --output p.h5
expect 3 "policy file pipe.h5: a named pipe" "a policy file that is a FIFO (rollout)" -- t "$HJBENCH" rollout pipe.h5
expect 3 "checkpoint pipe.h5: a named pipe" "--restart from a FIFO" -- t "$HJBENCH" solve --problem.name eikonal --grid.shape 11,11 --restart pipe.h5 --output.file r.h5
printf 'algo = ppo\nseed = -3\n' > seed.ini
expect 2 "argument ('-3') for option 'seed' is invalid" "seed = -3 in a train config file" -- "$HJBENCH" train --config seed.ini --output p.h5
printf '\xef\xbb\xbf[problem]\nname = eikonal\n[grid]\nshape = 11,11\n' > bom.ini
"$HJBENCH" solve bom.ini --output.file bom.h5 --output.quiet > log 2>&1 && [[ -f bom.h5 ]] \
  && ok "an INI file with a UTF-8 byte-order mark is read" || { fail "BOM"; cat log; }
expect 2 "the argument ('-1') for option '--seed' is invalid" "train --seed -1" -- "$HJBENCH" train --algo ppo --seed -1 --output p.h5
expect 2 "argument ('-5') for option '--seed' is invalid" "rollout --seed -5" -- "$HJBENCH" rollout pipe.h5 --seed -5
fh=(--problem.name pendulum --solve.algorithm finite_horizon --grid.shape 11,11 --output.file fh.h5 --output.quiet)
expect 2 "5001 stored stages, more than the 4000 a table holds" "--finite_horizon.steps 5000 (refused before solving)" -- "$HJBENCH" solve "${fh[@]}" --finite_horizon.steps 5000
expect 2 "5001 stored stages" "the same with --dry-run" -- "$HJBENCH" solve "${fh[@]}" --finite_horizon.steps 5000 --dry-run
"$HJBENCH" solve "${fh[@]}" --finite_horizon.steps 5000 --finite_horizon.stages 0,2500 > log 2>&1 && ok "5000 steps storing 3 stages runs" || { fail "5000 steps, 3 stages"; cat log; }
expect 2 "finite-horizon recursion is undiscounted" "finite_horizon with --stationary.discount" -- "$HJBENCH" solve "${fh[@]}" --stationary.discount 0.9
expect 2 "a finite-horizon table counts steps" "finite_horizon with --time.horizon" -- "$HJBENCH" solve "${fh[@]}" --time.horizon 3
expect 2 "discounts at its rate --problem.rho" "merton with --stationary.discount" -- "$HJBENCH" solve --problem.name merton --grid.shape 41 --solve.algorithm value_iteration --stationary.discount 0.9 --output.file m.h5
"$HJBENCH" solve --problem.name pendulum --grid.shape 21,21 --solve.algorithm policy_iteration --output.file v.h5 --output.quiet > /dev/null
"$HJBENCH" train --algo ppo --steps 4096 --output weak.h5 --evaluate.episodes 0 > /dev/null
expect 2 "--slice must be 0 or in \[2, 1001\]" "evaluate --slice 1000000000" -- t "$HJBENCH" evaluate --table v.h5 --policy weak.h5 --slice 1000000000
expect 4 "training diverged" "train --ppo.learning_rate 1e300 (exit 4)" -- "$HJBENCH" train --algo ppo --steps 4096 --ppo.learning_rate 1e300 --output nan.h5 --evaluate.episodes 0
[[ ! -e nan.h5 && ! -e nan_curve.csv ]] && ok "nothing published by the diverged run" || fail "a diverged run published files"
cp v.h5 nan_feedback.h5
"$PYTHON" -c "import h5py; f = h5py.File('nan_feedback.h5', 'r+'); d = f['policy/action_0']; a = d[...]; a.flat[7] = float('nan'); d[...] = a"
expect 3 "/policy/action_0 holds a non-finite value" "NaN in a table's feedback (info)" -- "$HJBENCH" info nan_feedback.h5
expect 3 "/policy/action_0 holds a non-finite value" "NaN in a table's feedback (simulate)" -- "$HJBENCH" simulate nan_feedback.h5 --starts 3
PYTHONPATH="$(dirname "$HJBENCH")/python" "$PYTHON" -c "
import hjbench, sys
try:
    hjbench.Table('nan_feedback.h5')
except Exception as e:
    sys.exit(0 if 'non-finite' in str(e) else 1)
sys.exit(1)" && ok "NaN in a table's feedback (Python Table)" || fail "Python Table accepted NaN feedback"
head -c $(( $(stat -c %s v.h5) / 2 )) v.h5 > truncated.h5
expect 3 "truncated or corrupt" "a truncated table says so (was 'cannot open for reading')" -- "$HJBENCH" info truncated.h5
ln -s hist.h5 link.csv
expect 3 "is the same file as" "--output.history a symlink to the table" -- "$HJBENCH" solve --problem.name eikonal --grid.shape 11,11 --output.file hist.h5 --output.history link.csv
expect 2 "unknown problem 'pendulm'" "a misspelt problem is named before the missing --grid.shape (was: '--grid.shape is required')" -- "$HJBENCH" solve --problem.name pendulm --output.file m.h5
expect 2 "capture_radius must be positive, got -2.5" "a parameter is quoted as typed (was -2.500000)" -- "$HJBENCH" solve --problem.name air3d --grid.shape 11,11,10 --problem.capture_radius -2.5 --output.file m.h5
expect 2 "volatility must be positive" "merton --problem.sigma 0 names sigma (not rho)" -- "$HJBENCH" solve --problem.name merton --grid.shape 41 --solve.algorithm value_iteration --problem.sigma 0 --output.file m.h5
expect 2 "time_step_factor 1e+06 gives the semi-Lagrangian step" "merton --stationary.time_step_factor 1e6 (was: converged to a wrong table)" -- "$HJBENCH" solve --problem.name merton --grid.shape 201 --solve.algorithm policy_iteration --stationary.time_step_factor 1e6 --output.file m.h5
expect 2 "time_step_factor 1e+06 gives the semi-Lagrangian step" "merton on a sparse grid, --stationary.time_step_factor 1e6" -- "$HJBENCH" solve --problem.name merton --grid.type sparse --grid.level 6 --solve.algorithm value_iteration --stationary.time_step_factor 1e6 --output.file m.h5
expect 2 "sparse.min_level 9 exceeds --grid.level 4" "--sparse.min_level 9 with --grid.level 4 (was: 4.2M nodes accepted)" -- "$HJBENCH" solve --problem.name eikonal --grid.type sparse --grid.level 4 --grid.levels 4,4 --sparse.min_level 9 --output.file m.h5 --dry-run
expect 2 "also needs its level --grid.level" "--grid.levels 3,3 without --grid.level" -- "$HJBENCH" solve --problem.name eikonal --grid.type sparse --grid.levels 3,3 --output.file m.h5
"$HJBENCH" solve --problem.name merton --solve.algorithm policy_iteration --grid.shape 41 --output.file mpi.h5 --output.quiet > /dev/null
expect 3 "no discrete-time environment to simulate" "simulate on a Merton policy-iteration table (was: 'written by policy_iteration')" -- "$HJBENCH" simulate mpi.h5
expect 2 "half_width must be at most 1000" "min_time_double_integrator --problem.half_width 1e300" -- "$HJBENCH" solve --problem.name min_time_double_integrator --grid.shape 11,11 --solve.algorithm value_iteration --problem.half_width 1e300 --output.file m.h5
"$HJBENCH" solve --problem.name eikonal --grid.shape 11,11 --output.file unused.h5 --output.quiet -- -bogus_option 3 > log 2>&1
[[ $? -eq 0 ]] && grep -q "PETSc option(s) after -- not used by any object: -bogus_option 3" log \
  && ok "an unused PETSc option is reported" || { fail "unused PETSc option"; cat log; }
long=$(printf 'x%.0s' {1..235}).h5
expect 3 "is too long (238 characters" "an output name of 238 characters (Open MPI aborted on it)" -- "$HJBENCH" solve --problem.name eikonal --grid.shape 11,11 --output.file "$long"
[[ -z "$(ls ./*.lock 2>/dev/null)" ]] && ok "no lock file left behind" || fail "a lock file was left"
PYTHONPATH="$(dirname "$HJBENCH")/python" "$PYTHON" - <<'PY' && ok "Python evaluate refuses a policy returning None or NaN" || fail "Python evaluate accepted None/NaN actions"
import math, sys
import hjbench
t = hjbench.Table("v.h5")
for bad in (lambda o: None, lambda o: [math.nan]):
    try:
        hjbench.evaluate(t, bad, starts=2, domain_points=0, slice=0)
    except (ValueError, TypeError) as e:
        print("refused:", e)
        continue
    sys.exit(1)
PY
# A restart must not consume another output's partial table; a moved run directory still resumes.
mkdir run1
a=(--problem.name air3d --grid.shape 41,41,40 --time.horizon 2.8 --time.snapshots 4 --solve.mode brt --output.quiet)
"$HJBENCH" solve "${a[@]}" --output.file run1/A.h5 --walltime 0.1 > log 2>&1; code=$?  # the run: 0.42 s
if [[ $code -eq 5 && -e run1/A.h5.ckpt ]]; then
  partial=$(ls run1/A.h5.*.tmp 2>/dev/null | head -1)
  expect 3 "continues the run of another output" "--restart A.ckpt --output.file other.h5" -- "$HJBENCH" solve "${a[@]}" --restart run1/A.h5.ckpt --output.file run1/other.h5
  [[ -n "$partial" && -e "$partial" && -e run1/A.h5.ckpt && ! -e run1/other.h5 ]] && ok "A's checkpoint and partial table untouched" || fail "A's run was changed"
  "$HJBENCH" info "$partial" > info.log 2>&1; code=$?
  [[ $code -eq 3 ]] && grep -q PARTIAL info.log && grep -q "values not summarised" info.log && ! grep -q "min  *0  *max" info.log \
    && ok "info on a partial table: described, no statistics of unwritten snapshots, exit 3" || { fail "info on a partial table: exit $code"; cat info.log; }
  mv run1 moved
  "$HJBENCH" solve "${a[@]}" --restart moved/A.h5.ckpt --output.file moved/A.h5 > log 2>&1 && [[ -e moved/A.h5 && ! -e moved/A.h5.ckpt ]] \
    && ok "a moved run directory resumes (its partial table found beside the checkpoint)" || { fail "moved run directory"; cat log; }
else
  fail "the wall-time stop that sets up the restart cases (exit $code)"; cat log
fi
# Policy evaluation's default GMRES falls back to BiCGStab (that solve from zero) when it fails: GMRES(1)
# stalls at its 1000-iteration limit, the run still converges to the default run's table.
pe=(--problem.name pendulum --grid.shape 101,101 --solve.algorithm policy_iteration --output.quiet)
"$HJBENCH" solve "${pe[@]}" --output.file pe.h5 > /dev/null \
  && "$HJBENCH" solve "${pe[@]}" --output.file pe1.h5 -- -ksp_gmres_restart 1 -ksp_converged_reason > log 2>&1 \
  && grep -q "DIVERGED_ITS iterations 1000" log \
  && "$PYTHON" -c 'import h5py, numpy as np, sys
a, b = (h5py.File(f)["value/final"][...] for f in ("pe.h5", "pe1.h5"))
d = np.abs(a - b).max(); print("max |V_fallback - V| =", d); sys.exit(0 if d < 1e-8 / (1 - 0.99) else 1)' \
  && ok "a stalled GMRES evaluation is redone by BiCGStab: the same table within tolerance / (1 - gamma)" \
  || { fail "GMRES fallback"; cat log; }
# The default preconditioner is hjbench's block-Jacobi ILU(0) (single-precision factor, a shell
# product on one rank); PETSc's own (`-pc_type bjacobi`: its ILU(0) on an assembled AIJ matrix) and
# another kind (`-pc_type sor`) reach the same table within the tolerance's bound, and -ksp_view names
# which one ran.
"$HJBENCH" solve "${pe[@]}" --output.file pe2.h5 -- -pc_type bjacobi -ksp_view > log 2>&1 \
  && grep -q "type: bjacobi" log \
  && "$HJBENCH" solve "${pe[@]}" --output.file pe3.h5 -- -pc_type sor > /dev/null 2>&1 \
  && "$HJBENCH" solve "${pe[@]}" --output.file pe4.h5 -- -ksp_view > log4 2>&1 \
  && grep -q "hjbench LocalIlu0" log4 \
  && "$PYTHON" -c 'import h5py, numpy as np, sys
a, b, c = (h5py.File(f)["value/final"][...] for f in ("pe.h5", "pe2.h5", "pe3.h5"))
d = max(np.abs(a - b).max(), np.abs(a - c).max()); print("max |V_petsc_pc - V| =", d)
sys.exit(0 if d < 1e-8 / (1 - 0.99) else 1)' \
  && ok "PETSc's ILU(0) and SOR instead of hjbench's ILU(0): the same table within tolerance / (1 - gamma)" \
  || { fail "-pc_type"; cat log log4; }
# MountainCar's chain at 201^2: BiCGStab, the default before GMRES, broke down there (KSP reason -5,
# exit 4; `-- -ksp_type bcgs` still shows it); the default converges.
"$HJBENCH" solve --problem.name mountain_car --grid.shape 201,201 --solve.algorithm policy_iteration \
  --output.file mc.h5 --output.quiet > log 2>&1 && [[ -f mc.h5 ]] && grep -q "^converged: policy_iteration" log \
  && ok "MountainCar 201^2 policy iteration converges with the default GMRES" || { fail "MountainCar GMRES"; cat log; }
finish
