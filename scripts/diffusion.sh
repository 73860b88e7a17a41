#!/usr/bin/env bash
# The Föllmer sampler as ground truth for diffusion models (issue 22), in one command:
#
#   scripts/diffusion.sh OUTDIR      writes OUTDIR/diffusion.json, OUTDIR/diffusion.png (target
#                                    density, exact samples, learned samples) and
#                                    OUTDIR/diffusion_curve.png (the learned drift's path KL, drift
#                                    error and sample distance against training steps)
#   HJB_RANKS=N     MPI ranks of the solves (default: all cores)
#   HJB_QUICK=1     small settings (tests): coarse grids, few samples and training steps
#   HJB_HJBENCH=P   the hjbench binary (default: build/hjbench)
#
# 1. Convergence: the 1-D and 2-D tables at three or four resolutions (spacing halved) against the
#    Cole-Hopf closed form, mean error over |x_i| <= 4.5 at every stored time; observed orders.
# 2. 2-D (4 anisotropic modes): the finest table's feedback drives the SDE (Euler-Maruyama, 50 steps)
#    — its samples against a target sample next to the noise floor of two target samples — and an
#    MLP drift (64-64 tanh) trained by denoising score matching on 10,000 target samples is scored
#    along its own paths against the exact drift: path KL (= its cost's excess over V(0, 0)), drift
#    L2 error, energy distance, with bootstrap CIs, and as a learning curve; then retrained with
#    training seeds 2..5 (quick: 2) for the spread over seeds.
# 3. 4-D (3 correlated modes): the same on a 33^4 table with 25 stored times (4 Euler-Maruyama steps
#    per stored interval, the feedback linear in time between).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[[ $# -eq 1 ]] || { echo "usage: scripts/diffusion.sh OUTDIR" >&2; exit 2; }
out=$1
hjbench=${HJB_HJBENCH:-$root/build/hjbench}  # the tests point it at the build under test
[[ -x "$hjbench" ]] || { echo "diffusion.sh: $hjbench not built (scripts/build.sh)" >&2; exit 3; }
ranks=${HJB_RANKS:-$(nproc)}
[[ "$ranks" =~ ^[1-9][0-9]*$ ]] || { echo "diffusion.sh: HJB_RANKS must be a positive integer, got '$ranks'" >&2; exit 2; }
quick=${HJB_QUICK:-0}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$out/tables"
python=/usr/bin/python3

if [[ $quick == 1 ]]; then
  sizes1=(71 141 281) sizes2=(36 71 141) shape4=17 samples=500 steps=2000 samples4=300 steps4=1000 seeds=2
else
  sizes1=(141 281 561 1121) sizes2=(71 141 281) shape4=33 samples=2000 steps=50000 samples4=2000 steps4=50000 seeds=5
fi
solve() {  # solve OUTPUT ARGS...
  local file=$1; shift
  mpirun -n "$ranks" "$hjbench" solve --problem.name follmer --output.quiet --overwrite --output.file "$file" "$@" \
    > "$file.log" 2>&1 || { echo "diffusion.sh: solve failed, see $file.log" >&2; exit 4; }
}
start=$(date +%s)
for d in 1 2; do
  eval "sizes=(\"\${sizes$d[@]}\")"
  for n in "${sizes[@]}"; do
    shape=$n; [[ $d == 2 ]] && shape=$n,$n
    solve "$out/tables/follmer${d}d_$n.h5" --grid.shape "$shape" --time.snapshots 50
    "$hjbench" diffusion "$out/tables/follmer${d}d_$n.h5" --samples 0 --output.json "$out/tables/follmer${d}d_$n.json" > /dev/null
    echo "  ${d}-D $shape: $(grep -o '"mean": [^,]*' "$out/tables/follmer${d}d_$n.json" | head -1)"
  done
done
finest=${sizes2[-1]}
echo "2-D: scoring the $finest^2 table and a score-matching drift ($steps steps)"
"$hjbench" diffusion "$out/tables/follmer2d_$finest.h5" --samples "$samples" --seed 1 --train.steps "$steps" \
  --train.curve 8 --train.seeds "$seeds" --output.json "$out/diffusion2d.json" --output.samples "$out/samples2d.h5" \
  | tee "$out/diffusion2d.log"
echo "4-D: solving $shape4^4 with 25 stored times and scoring ($steps4 steps)"
solve "$out/tables/follmer4d_$shape4.h5" --grid.shape "$shape4,$shape4,$shape4,$shape4" --problem.half_width 6 \
  --time.snapshots 25
"$hjbench" diffusion "$out/tables/follmer4d_$shape4.h5" --samples "$samples4" --seed 1 --substeps 4 --inner 4 \
  --train.steps "$steps4" --train.curve 8 --output.json "$out/diffusion4d.json" | tee "$out/diffusion4d.log"
"$python" "$root/scripts/diffusion_report.py" "$out" "$(($(date +%s) - start))" "${sizes1[*]}" "${sizes2[*]}"
