#!/bin/bash
# Example Slurm job: solve Air3D, stop cleanly before the time limit, resubmit until done.
#
# hjbench stops at a step boundary with a checkpoint and exit code 5 when it receives SIGUSR1 or
# SIGTERM, or when --walltime is reached; `--restart` resumes on any number of ranks and produces
# the same table as an uninterrupted run. Slurm sends SIGUSR1 to every task 120 s before the limit
# (--signal) and SIGTERM at the limit; --walltime is a second line of defence.
#
#SBATCH --job-name=hjbench-air3d
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=64
#SBATCH --time=01:00:00
#SBATCH --signal=USR1@120
#SBATCH --output=hjbench-%j.log
set -u
config=data/configs/air3d.ini
table=out/air3d.h5
checkpoint=$table.ckpt
restart=()
[[ -e $checkpoint ]] && restart=(--restart "$checkpoint")

srun build/hjbench solve "$config" --output.file "$table" --checkpoint.every_seconds 600 \
  --walltime $((60 * 60 - 180)) "${restart[@]}"
code=$?
case $code in
  0) echo "done: $table" ;;
  5) echo "stopped with a checkpoint; resubmitting"; sbatch "$0" ;;
  *) echo "failed with exit code $code (2/3: bad input, 4: NaN/Inf)"; exit "$code" ;;
esac
