#!/usr/bin/env bash
# `hjbench solve ... -- -log_view` splits the time into hjbench's own stages and events, for a
# time-dependent and a stationary solve.
# Usage: log_view.sh PATH/TO/hjbench
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expect_events() {  # expect_events LOG NAME...
  local log=$1 name
  shift
  for name in "$@"; do
    if grep -q "^$name " "$log" || grep -q "$name:" "$log"; then ok "$name"; else fail "$name missing"; fi
  done
}
"$HJBENCH" solve --problem.name air3d --grid.shape 21,21,20 --time.horizon 0.2 --output.file "$work/a.h5" \
  --output.quiet --checkpoint.every_steps 5 -- -log_view > "$work/td.log" 2>&1 || { fail "time-dependent run"; finish; exit 1; }
expect_events "$work/td.log" "Time marching" HjbHaloExchange HjbRateEval HjbTableWrite HjbCheckpoint
"$HJBENCH" solve --problem.name pendulum --grid.shape 41,41 --solve.algorithm policy_iteration --stationary.polish \
  --output.file "$work/p.h5" --output.quiet -- -log_view > "$work/st.log" 2>&1 || { fail "stationary run"; finish; exit 1; }
expect_events "$work/st.log" Stationary HjbTransitions HjbBellman HjbPolicyEval HjbPolicySweep KSPSolve HjbTableWrite
finish
