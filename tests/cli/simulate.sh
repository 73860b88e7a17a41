#!/usr/bin/env bash
# `hjbench simulate`: a stationary table's feedback in closed loop on the problem's own step. At the
# upright equilibrium of Pendulum-v1 the optimal cost is 0 (rest with zero torque): the achieved
# cost and the table's value (theta = 0 and omega = 0 are nodes of the 60 x 61 grid) must both be 0
# there; from sampled starts J - V is printed with a
# paired standard error; bad inputs are refused.
# Usage: simulate.sh PATH/TO/hjbench
set -u
HJBENCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
passed=0 failed=0
check() { if eval "$2"; then echo "ok   $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); cat log; fi; }
"$HJBENCH" solve --problem.name pendulum --grid.shape 60,61 --solve.algorithm policy_iteration --output.file p.h5 \
  --output.quiet > /dev/null || { echo "FAIL solve"; exit 1; }
"$HJBENCH" simulate p.h5 --x0 0,0 > log 2>&1
check "at the upright equilibrium J = V = 0" \
  '[[ $? -eq 0 ]] && grep -q "achieved cost J.*mean 0.000000" log && grep -q "table value V .*mean 0.000000" log'
"$HJBENCH" simulate p.h5 --starts 200 --seed 5 > log 2>&1
check "200 sampled starts: J, V and the paired gap with its standard error" \
  '[[ $? -eq 0 ]] && grep -q "200 starts" log && grep -q "standard error" log'
"$HJBENCH" solve --problem.name pendulum --grid.shape 21,21 --time.horizon 0.1 --output.file t.h5 --output.quiet > /dev/null
"$HJBENCH" simulate t.h5 > log 2>&1
check "a time-dependent table: exit 3" '[[ $? -eq 3 ]] && grep -q "not a stationary table" log'
"$HJBENCH" simulate p.h5 --x0 1,2,3 > log 2>&1
check "--x0 of the wrong length: exit 2" '[[ $? -eq 2 ]] && grep -q -- "--x0 has 3 components" log'
"$HJBENCH" simulate p.h5 --x0 0,100 > log 2>&1
check "--x0 outside a bounded axis: exit 3" '[[ $? -eq 3 ]] && grep -q "outside" log'
"$HJBENCH" simulate p.h5 --starts 0 > log 2>&1
check "--starts 0: exit 2" '[[ $? -eq 2 ]]'
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
