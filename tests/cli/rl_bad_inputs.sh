#!/usr/bin/env bash
# Bad inputs to `hjbench train` / `hjbench rollout`: expected exit code (2 usage, 3 validation) and a
# message naming the input. Usage: rl_bad_inputs.sh PATH/TO/hjbench
set -u
HJBENCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 cases=0
expect() {  # expect CODE NEEDLE -- COMMAND...
  local code=$1 needle=$2; shift 3
  cases=$((cases + 1))
  local stderr actual
  stderr=$("$@" 2>&1 >/dev/null)
  actual=$?
  if [[ $actual -ne $code ]]; then echo "FAIL [$needle]: exit $actual, expected $code: $stderr"; failures=$((failures + 1))
  elif [[ "$stderr" != *"$needle"* ]]; then echo "FAIL [$needle]: message does not name it: $stderr"; failures=$((failures + 1))
  else echo "ok   exit $actual  $stderr"; fi
}
# A small real policy on mountain_car, to be refused on pendulum.
"$HJBENCH" train --algo ppo --problem mountain_car --steps 512 --ppo.rollout_steps 128 --ppo.minibatch 64 \
  --evaluate.episodes 0 --output "$work/car.h5" > /dev/null || { echo "FAIL: training the fixture"; exit 1; }
printf 'not a policy\n' > "$work/corrupt.h5"

expect 2 "--algo"            -- "$HJBENCH" train --algo dqn --output "$work/x.h5"
expect 2 "--algo"            -- "$HJBENCH" train --output "$work/x.h5"
expect 2 "--steps"           -- "$HJBENCH" train --algo ppo --steps 0 --output "$work/x.h5"
expect 2 "--steps"           -- "$HJBENCH" train --algo sac --steps -5 --output "$work/x.h5"
expect 2 "cartpole"          -- "$HJBENCH" train --algo sac --problem cartpole --output "$work/x.h5"
expect 2 "--ppo.hidden"      -- "$HJBENCH" train --algo ppo --ppo.hidden 64,x --output "$work/x.h5"
expect 3 "/nonexistent"      -- "$HJBENCH" train --algo ppo --output /nonexistent/p.h5
expect 3 "mountain_car"      -- "$HJBENCH" rollout "$work/car.h5" --problem pendulum
expect 3 "corrupt.h5"        -- "$HJBENCH" rollout "$work/corrupt.h5"
expect 3 "missing.h5"        -- "$HJBENCH" rollout "$work/missing.h5"
expect 2 "--episodes"        -- "$HJBENCH" rollout "$work/car.h5" --episodes 0
[[ -e "$work/x.h5" ]] && { echo "FAIL: a refused command left $work/x.h5"; failures=$((failures + 1)); }
# The valid policy evaluates.
"$HJBENCH" rollout "$work/car.h5" --episodes 2 | grep -q "mean return" || { echo "FAIL: rollout of a valid policy"; failures=$((failures + 1)); }
cases=$((cases + 2))
echo "$((cases - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
