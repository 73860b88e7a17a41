#!/usr/bin/env bash
# Bad inputs to `hjbench train` / `hjbench rollout`: expected exit code (2 usage, 3 validation) and a
# message naming the input. Usage: rl_bad_inputs.sh PATH/TO/hjbench
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A small real policy on mountain_car, to be refused on pendulum.
"$HJBENCH" train --algo ppo --problem mountain_car --steps 512 --ppo.rollout_steps 128 --ppo.minibatch 64 \
  --evaluate.episodes 0 --output "$work/car.h5" > /dev/null || { echo "FAIL: training the fixture"; exit 1; }
printf 'not a policy\n' > "$work/corrupt.h5"

refuse 2 "--algo"            -- "$HJBENCH" train --algo dqn --output "$work/x.h5"
refuse 2 "--algo"            -- "$HJBENCH" train --output "$work/x.h5"
refuse 2 "--steps"           -- "$HJBENCH" train --algo ppo --steps 0 --output "$work/x.h5"
refuse 2 "--steps"           -- "$HJBENCH" train --algo sac --steps -5 --output "$work/x.h5"
refuse 2 "cartpole"          -- "$HJBENCH" train --algo sac --problem cartpole --output "$work/x.h5"
refuse 2 "--ppo.hidden"      -- "$HJBENCH" train --algo ppo --ppo.hidden 64,x --output "$work/x.h5"
refuse 3 "/nonexistent"      -- "$HJBENCH" train --algo ppo --output /nonexistent/p.h5
refuse 3 "mountain_car"      -- "$HJBENCH" rollout "$work/car.h5" --problem pendulum
refuse 3 "corrupt.h5"        -- "$HJBENCH" rollout "$work/corrupt.h5"
refuse 3 "missing.h5"        -- "$HJBENCH" rollout "$work/missing.h5"
refuse 2 "--episodes"        -- "$HJBENCH" rollout "$work/car.h5" --episodes 0
[[ -e "$work/x.h5" ]] && fail "a refused command left $work/x.h5" || ok "no policy file from a refused command"
# The valid policy evaluates.
"$HJBENCH" rollout "$work/car.h5" --episodes 2 | grep -q "mean return" && ok "rollout of a valid policy" || fail "rollout of a valid policy"
finish
