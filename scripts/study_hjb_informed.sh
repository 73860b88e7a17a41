#!/usr/bin/env bash
# The HJB-informed-training study: do critics that use the known dynamics need fewer environment
# interactions than plain SAC? Two informed variants: a critic that also fits the Bellman residual on
# synthetic transitions of the known dynamics (--sac.model_batch 128, --ppo.model_batch 64), and a
# critic warm-started from a coarse table (--sac/ppo.warm_start_table: 51^2 Pendulum, 21^2 LQ); for
# SAC and PPO. Pendulum-v1 (201^2
# policy-iteration table) and the 2-D LQ MDP (81^2 table), SEEDS seeds per variant, the gap to the
# optimum measured during training (--evaluate.table, 20 fixed starts). Writes
# docs/study_hjb_informed.md and its figures (or OUT_DIR).
#
#   scripts/study_hjb_informed.sh [SEEDS=10] [OUT_DIR=docs]      (about 12 minutes on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-10}
out=${2:-$root/docs}
H=$root/build/hjbench
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_study.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/figures"
"$H" solve --problem.name pendulum --solve.algorithm policy_iteration --grid.shape 201,201 \
  --output.file "$work/pendulum.h5" --output.quiet > /dev/null
"$H" solve --problem.name lqr_mdp --solve.algorithm policy_iteration --grid.shape 81,81 --stationary.actions 101 \
  --output.file "$work/lqr.h5" --output.quiet > /dev/null
"$H" solve --problem.name pendulum --solve.algorithm policy_iteration --grid.shape 51,51 \
  --output.file "$work/pendulum_coarse.h5" --output.quiet > /dev/null
"$H" solve --problem.name lqr_mdp --solve.algorithm policy_iteration --grid.shape 21,21 --stationary.actions 21 \
  --output.file "$work/lqr_coarse.h5" --output.quiet > /dev/null
run() {  # run ALGO TASK PROBLEM_ARGS STEPS EVERY VARIANT SEED
  local algo=$1 task=$2 args=$3 steps=$4 every=$5 variant=$6 seed=$7 extra=()
  case "$variant" in
    residual) extra=("--$algo.model_batch" "$([[ $algo == sac ]] && echo 128 || echo 64)") ;;
    warm_start) extra=("--$algo.warm_start_table" "$work/${task}_coarse.h5") ;;
  esac
  # shellcheck disable=SC2086
  "$H" train --algo "$algo" $args --seed "$seed" --steps "$steps" "${extra[@]}" \
    --output "$work/${algo}_${task}_${variant}_seed$seed.h5" --evaluate.table "$work/$task.h5" --evaluate.every "$every" \
    --evaluate.episodes 0 > "$work/${algo}_${task}_${variant}_seed$seed.log"
}
for seed in $(seq 1 "$seeds"); do
  for variant in baseline residual warm_start; do
    run sac pendulum "--problem pendulum" 12000 500 "$variant" "$seed"
    run sac lqr "--problem lqr_mdp --dim 2" 8000 250 "$variant" "$seed"
  done
  for variant in baseline residual warm_start; do
    run ppo pendulum "--problem pendulum" 150000 5000 "$variant" "$seed"
    run ppo lqr "--problem lqr_mdp --dim 2" 150000 5000 "$variant" "$seed"
  done
done
# The Pendulum-v1 optimum's episodic bracket for the figure (scripts/optimum.sh, about a minute).
HJB_RANKS=${HJB_RANKS:-2} "$root/scripts/optimum.sh" pendulum "$work/optimum" > /dev/null
/usr/bin/python3 "$root/scripts/study_report.py" "$work" "$seeds" "$out" \
  "scripts/study_hjb_informed.sh $seeds" "$work/optimum/optimum.json" > "$out/study_hjb_informed.md.tmp"
mv "$out/study_hjb_informed.md.tmp" "$out/study_hjb_informed.md"
echo "wrote $out/study_hjb_informed.md, $out/study_hjb_informed_seeds.csv and $out/figures/study_*.png"
