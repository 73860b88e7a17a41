#!/usr/bin/env bash
# Reference runs for refactoring: solves and trains a fixed set of small but representative jobs and
# prints a fingerprint of every table and policy file they write (bench/fingerprint.py: SHA-256 of
# every dataset and attribute except those naming the build, the command line or the time). Run it
# before and after a change that must not change behaviour and diff the two files:
#
#   bench/reference_runs.sh OUTDIR [BUILD_DIR]     -> OUTDIR/fingerprints.txt
#   diff before/fingerprints.txt after/fingerprints.txt && echo bit-identical
#
# Jobs (2 ranks where MPI matters): Air3D WENO5 BRT 31x31x30 (snapshots), Car4D 20x20x16x16 first order,
# Pendulum MDP 101^2 policy iteration, Pendulum finite horizon 81^2, MountainCar finite horizon 61^2,
# merton Kushner-Dupuis policy iteration, sparse semi-Lagrangian (regular and adaptive) and the
# combination technique on the 2-D eikonal front, a sparse stationary LQR, PPO 20k and SAC 2k steps
# on Pendulum-v1 and PPO on Acrobot (seeded). About 2 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/reference_runs.sh OUTDIR [BUILD_DIR]}
build=${2:-$root/build}
hj="$build/hjbench"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$out"
rm -f "$out"/*.h5
q=(--output.quiet)
run() { local name=$1; shift; echo "reference run: $name"; "$@" > "$out/$name.log" 2>&1 || { cat "$out/$name.log"; exit 1; }; }
run air3d mpirun -n 2 "$hj" solve "$root/data/configs/air3d.ini" --grid.shape 31,31,30 --time.horizon 1 --time.snapshots 2 --output.file "$out/air3d.h5" "${q[@]}"
run car4d mpirun -n 2 "$hj" solve "$root/data/configs/car4d.ini" --grid.shape 20,20,16,16 --time.horizon 0.5 --output.file "$out/car4d.h5" "${q[@]}"
run pendulum_pi mpirun -n 2 "$hj" solve --problem.name pendulum --grid.shape 101,101 --solve.algorithm policy_iteration --output.file "$out/pendulum_pi.h5" "${q[@]}"
run pendulum_fh mpirun -n 2 "$hj" solve --problem.name pendulum --grid.shape 81,81 --solve.algorithm finite_horizon --finite_horizon.stages 0,100,200 --output.file "$out/pendulum_fh.h5" "${q[@]}"
run mountain_car_fh mpirun -n 2 "$hj" solve --problem.name mountain_car --grid.shape 61,61 --solve.algorithm finite_horizon --finite_horizon.stages 0 --output.file "$out/mountain_car_fh.h5" "${q[@]}"
run merton mpirun -n 2 "$hj" solve --problem.name merton --grid.shape 101 --solve.algorithm policy_iteration --stationary.scheme kushner_dupuis --output.file "$out/merton.h5" "${q[@]}"
run sparse_sl mpirun -n 2 "$hj" solve --problem.name eikonal --grid.type sparse --grid.level 5 --grid.levels 5,5 --sparse.method semi_lagrangian --time.horizon 0.5 --output.file "$out/sparse_sl.h5" "${q[@]}"
run sparse_adaptive mpirun -n 2 "$hj" solve --problem.name eikonal --grid.type sparse --grid.level 5 --grid.levels 5,5 --grid.adaptive 1e-3 --grid.max_level 8 --time.horizon 0.5 --output.file "$out/sparse_adaptive.h5" "${q[@]}"
run combination mpirun -n 2 "$hj" solve --problem.name eikonal --grid.type sparse --grid.level 4 --grid.levels 4,4 --time.horizon 0.5 --output.file "$out/combination.h5" "${q[@]}"
run sparse_stationary mpirun -n 2 "$hj" solve --problem.name discounted_lqr --grid.type sparse --grid.level 5 --grid.levels 5,5 --solve.algorithm policy_iteration --output.file "$out/sparse_stationary.h5" "${q[@]}"
run sample "$hj" sample "$out/sparse_sl.h5" --grid.shape 21,21 --output.file "$out/sampled.h5"
run ppo "$hj" train --algo ppo --problem pendulum --seed 3 --steps 20000 --output "$out/ppo.h5"
run sac "$hj" train --algo sac --problem pendulum --seed 3 --steps 2000 --output "$out/sac.h5"
run ppo_acrobot "$hj" train --algo ppo --problem acrobot --seed 2 --steps 10000 --output "$out/ppo_acrobot.h5"
# The agents' optional paths: model-based residuals, warm starts, value clipping, state-dependent
# noise, entropy bonus, temporally correlated noise (MountainCar's defaults), a 3-D state.
run ppo_options "$hj" train --algo ppo --problem pendulum --seed 4 --steps 8192 --ppo.model_batch 32 --ppo.value_clip 0.2 \
  --ppo.state_dependent_std true --ppo.entropy_coefficient 0.01 --ppo.warm_start_table "$out/pendulum_pi.h5" \
  --ppo.warm_start_steps 20 --evaluate.episodes 5 --output "$out/ppo_options.h5"
run ppo_mountain_car "$hj" train --algo ppo --problem mountain_car --seed 5 --steps 8192 --evaluate.episodes 2 --output "$out/ppo_mc.h5"
run ppo_lqr3 "$hj" train --algo ppo --problem lqr_mdp --dim 3 --seed 6 --steps 8192 --evaluate.episodes 5 --output "$out/ppo_lqr3.h5"
run sac_options "$hj" train --algo sac --problem pendulum --seed 7 --steps 1500 --sac.learning_starts 500 --sac.model_batch 16 \
  --sac.warm_start_table "$out/pendulum_pi.h5" --sac.warm_start_steps 20 --evaluate.episodes 5 --output "$out/sac_options.h5"
run sac_mountain_car "$hj" train --algo sac --problem mountain_car --seed 8 --steps 1500 --sac.learning_starts 500 --evaluate.episodes 2 --output "$out/sac_mc.h5"
# What the commands print about tables and policies (timings removed), fingerprinted line by line.
run simulate "$hj" simulate "$out/pendulum_fh.h5" --starts 200
run rollout "$hj" rollout "$out/ppo.h5" --episodes 20 --episodic-table "$out/pendulum_fh.h5"
run evaluate "$hj" evaluate --table "$out/pendulum_pi.h5" --policy "$out/ppo.h5" --starts 20 --output.json "$out/evaluate.json"
run info "$hj" info "$out/sparse_adaptive.h5"
{
  /usr/bin/python3 "$root/bench/fingerprint.py" "$out"/*.h5
  for f in simulate rollout evaluate info ppo ppo_options ppo_mountain_car ppo_lqr3 sac sac_options sac_mountain_car; do
    grep -v -E "[0-9.]+ s( |$|\)|,|;)|wall|wrote|command_line|_version" "$out/$f.log" | sed "s|$out/||g; s|^|$f.log: |"
  done
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('table',None); d.pop('policy',None); d.pop('seconds',None); print('evaluate.json:', json.dumps(d, sort_keys=True))" "$out/evaluate.json"
} > "$out/fingerprints.txt"
echo "$(wc -l < "$out/fingerprints.txt") fingerprints of $(ls "$out"/*.h5 | wc -l) files and 5 outputs in $out/fingerprints.txt"
