#!/usr/bin/env bash
# The optimum of a task's expected return as a bracket [lower, upper] (issue 18), written to
# OUTDIR/optimum.json and stated in one line:
#
#   scripts/optimum.sh PROBLEM OUTDIR      PROBLEM: pendulum, mountain_car, acrobot (episode return
#                                          under Gymnasium's start distribution), cartpole_swingup
#                                          (episode return, problems/cartpole_swingup.hpp),
#                                          planar_quadrotor (episode return, 6-D: no table) or lqr_mdp
#                                          (discounted return, start uniform on [-1, 1]^2)
#   HJB_RANKS=N     MPI ranks (default: all cores)
#   HJB_QUICK=1     small settings (tests): coarse tables, few starts, few cells
#
# lower   the achieved mean return (standard error, number of seeded starts) of a feasible policy on
#         the exact environment step, `hjbench simulate --output.json` on the finest table: its greedy
#         lookahead over the stages (mountain_car), a beam search per start seeded by the stages
#         (pendulum, acrobot: every environment steps deterministically, so the sequence found is
#         replayed and its return achieved) or its interpolated feedback (lqr_mdp); planar_quadrotor,
#         for which no table is computed, by trajectory optimisation per start (`hjbench simulate
#         --problem`: iLQR on the exact step, its sequence replayed, the plain mean); the table's value
#         integrated exactly over the start box plus the paired mean of achieved - table over the
#         starts (a control variate; its standard error is the paired one).
# upper   `certified` when the box-DP bound (`hjbench bound`: every state's optimal return is below
#         its cell's W_0) is within the task's target width of the lower end; otherwise an `estimate`,
#         never below lower + 2 SE: Richardson extrapolation of the tables' values over three
#         refinements (grid and action set doubled), with the order it observed; for acrobot, whose
#         tables are pessimistic (about 6 below the achieved returns at 51^4, with the velocity axes
#         clamped or not: bench/acrobot_axes.sh), the extrapolation of the beam search over
#         three refinements (state-merging cell halved, width x4) on the first starts — the search
#         becomes exhaustive in the limit, so it converges to the optimum of each start; for
#         planar_quadrotor the same extrapolation over the trajectory optimiser's restarts (1, 2, 8 per
#         start: a local method; restarts that agree are evidence, not proof). The certified
#         bound and its width are reported either way (upper_certified); an extrapolation more than 2
#         standard errors below the achieved lower end (a refinement trend moving away from it) is
#         a warning, and then it is not used.
# Defaults (2-core machine): pendulum and mountain_car tables 101^2/201^2/401^2 with 11/21/41
# actions, 10,000 starts (pendulum: beam 64 wide, one state per 2x2 table cells), bound on 1024^2
# (mountain_car 512^2) cells and 16 action intervals; acrobot 31^4/41^4/51^4 (velocity axes over the
# whole clip ranges, graded: --grid.grading 0,0,2,2), 10,000 starts with a beam 4096 wide merging states within
# half a table cell, the estimate from widths 1024/4096/16384 and cells 1/0.5/0.25 on the first 300
# starts, bound on 32^4 cells (the RK4 step's enclosure; 67 s); cartpole_swingup 11^4/21^4/41^4 (the
# periodic angle 10/20/40 nodes) with 5/9/17 forces, 2,000 starts with a beam 256 wide merging states
# within a table cell, the estimate from widths 64/256/1024 and cells 2/1/0.5 on the first 200
# starts, bound on 32^4 cells (30 s); planar_quadrotor 2,000 starts with 2 iLQR restarts each, the
# estimate from 1/2/8 restarts on the first 200 starts, bound on 8^6 cells with 3 thrusts per rotor;
# lqr_mdp policy-iteration tables
# 41^2/81^2/161^2 with 21/41/81 actions, 2,000 starts, discounted bound on 512^2 cells, 32 actions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/optimum.sh PROBLEM OUTDIR   (PROBLEM: pendulum, mountain_car, acrobot, cartpole_swingup, planar_quadrotor, lqr_mdp)"
[[ $# -eq 2 ]] || { echo "$usage" >&2; exit 2; }
problem=$1 out=$2
hjbench="$root/build/hjbench"
[[ -x "$hjbench" ]] || { echo "optimum.sh: $hjbench not built (scripts/build.sh)" >&2; exit 3; }
ranks=${HJB_RANKS:-$(nproc)}
[[ "$ranks" =~ ^[1-9][0-9]*$ ]] || { echo "optimum.sh: HJB_RANKS must be a positive integer, got '$ranks'" >&2; exit 2; }
quick=${HJB_QUICK:-0}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
extra=() bound=() mode=finite_horizon search=(--lookahead 1) refine=() refine_starts=0
case "$problem" in
  pendulum | mountain_car)
    sizes=(101 201 401) actions=(11 21 41) starts=10000 bound=(--cells 1024,1024 --actions 16)
    [[ $problem == mountain_car ]] && bound=(--cells 512,512 --actions 16)  # 999 stages: 27 s
    # The beam gains 0.39 over the lookahead on Pendulum-v1 (the same 2,000 starts, docs/benchmarks.md);
    # on MountainCarContinuous-v0 it gains nothing (the lookahead is within 1e-5 of it).
    [[ $problem == pendulum ]] && search=(--beam 64 --beam.cell 2)
    target=$([[ $problem == pendulum ]] && echo 1.0 || echo 0.1)
    if [[ $quick == 1 ]]; then
      sizes=(21 41 81) actions=(5 9 17) starts=300 bound=(--cells 96,96 --actions 8)
      [[ $problem == pendulum ]] && search=(--beam 8 --beam.cell 2)
    fi ;;
  acrobot)
    sizes=(31 41 51) actions=(3 3 3) starts=10000 target=1.5 bound=(--cells 32,32,32,32)
    # The estimate extrapolates three refinements on the first starts: a coarser search, the lower
    # end's own (its returns from those starts) and a finer one.
    search=(--beam 4096 --beam.cell 0.5) refine_starts=300
    refine=("--beam 1024 --beam.cell 1" "--beam 16384 --beam.cell 0.25")
    # The velocity axes cover every velocity the environment reaches (its clip ranges), graded so that
    # the nodes near rest are as dense as on the half-range axes used before (which clamped the foot
    # points beyond them; the lower end is the same within its error, docs/benchmarks.md).
    extra=(--grid.grading 0,0,2,2
           --finite_horizon.stages 0)  # V_0 only: the lookahead uses it at every stage (V_k - V_0 ~ 1e-13)
    if [[ $quick == 1 ]]; then
      sizes=(11 13 15) starts=200 bound=(--cells 8,8,8,8) search=(--beam 16 --beam.cell 1) refine_starts=20
      refine=("--beam 4 --beam.cell 2" "--beam 64 --beam.cell 0.5")
    fi ;;
  cartpole_swingup)
    sizes=(11 21 41) actions=(5 9 17) starts=2000 target=1.0 bound=(--cells 32,32,32,32 --actions 16)
    # As for acrobot: the estimate extrapolates the beam search's refinements on the first starts.
    search=(--beam 256 --beam.cell 1) refine_starts=200
    refine=("--beam 64 --beam.cell 2" "--beam 1024 --beam.cell 0.5")
    if [[ $quick == 1 ]]; then
      sizes=(7 9 11) actions=(3 5 5) starts=100 bound=(--cells 8,8,8,8 --actions 4) search=(--beam 8 --beam.cell 1)
      refine_starts=20 refine=("--beam 4 --beam.cell 2" "--beam 32 --beam.cell 0.5")
    fi ;;
  planar_quadrotor)
    # 6-D: no table (tensor grids stop at 4-D, sparse episodic tables are unusable there); the lower
    # end and the estimate come from trajectory optimisation, the certified end from the box DP.
    mode=none sizes=() actions=() starts=2000 target=0.5 bound=(--cells 8,8,8,8,8,8 --actions 3)
    search=(--trajopt.restarts 2) refine_starts=200 refine=("--trajopt.restarts 1" "--trajopt.restarts 8")
    if [[ $quick == 1 ]]; then
      starts=40 bound=(--cells 4,4,4,4,4,4 --actions 2) refine_starts=10
      refine=("--trajopt.restarts 1 --trajopt.iterations 5" "--trajopt.restarts 3")
    fi ;;
  lqr_mdp)
    mode=policy_iteration sizes=(41 81 161) actions=(21 41 81) starts=2000 search=()
    bound=(--cells 512,512 --actions 32 --discounted) target=0.01  # relative to |lower|
    [[ $quick == 1 ]] && sizes=(21 41 81) actions=(11 21 41) starts=300 bound=(--cells 64,64 --actions 16 --discounted) ;;
  *) echo "optimum.sh: unknown problem '$problem'; $usage" >&2; exit 2 ;;
esac
mkdir -p "$out"
[[ -d "$out" && -w "$out" ]] || { echo "optimum.sh: cannot write to $out" >&2; exit 3; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_optimum.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$SECONDS
if [[ $mode == none ]]; then  # no table: trajectory optimisation from every start
  mpirun -n "$ranks" "$hjbench" simulate --problem "$problem" --starts "$starts" "${search[@]}" \
    --output.json "$work/t2.json" > "$work/simulate2.log"
  for j in "${!refine[@]}"; do
    # shellcheck disable=SC2086  # each refinement is a list of options
    mpirun -n "$ranks" "$hjbench" simulate --problem "$problem" --starts "$refine_starts" ${refine[$j]} \
      --output.json "$work/refine$j.json" > "$work/refine$j.log"
  done
fi
for i in 0 1 2; do
  [[ $mode == none ]] && break
  n=${sizes[$i]} shape=${sizes[$i]},${sizes[$i]}
  [[ $problem == acrobot ]] && shape=$n,$n,$n,$n
  [[ $problem == cartpole_swingup ]] && shape=$n,$n,$((n - 1)),$n  # the angle is periodic
  t0=$SECONDS
  mpirun -n "$ranks" "$hjbench" solve --problem.name "$problem" --solve.algorithm "$mode" --grid.shape "$shape" \
    --stationary.actions "${actions[$i]}" "${extra[@]}" --output.file "$work/t$i.h5" --output.quiet > "$work/solve$i.log"
  echo "$((SECONDS - t0))" > "$work/solve$i.seconds"
  how=()
  [[ $i -eq 2 ]] && how=("${search[@]}")  # the lower end: the finest table, searched harder
  mpirun -n "$ranks" "$hjbench" simulate "$work/t$i.h5" --starts "$starts" "${how[@]}" \
    --output.json "$work/t$i.json" > "$work/simulate$i.log"
  if [[ $i -eq 2 ]]; then
    for j in "${!refine[@]}"; do
      # shellcheck disable=SC2086  # each refinement is a list of options
      mpirun -n "$ranks" "$hjbench" simulate "$work/t$i.h5" --starts "$refine_starts" ${refine[$j]} \
        --output.json "$work/refine$j.json" > "$work/refine$j.log"
    done
  fi
  rm -f "$work/t$i.h5"
done
if [[ ${#bound[@]} -gt 0 ]]; then
  mpirun -n "$ranks" "$hjbench" bound --problem "$problem" "${bound[@]}" --output.json "$work/bound.json" \
    > "$work/bound.log"
fi
/usr/bin/python3 - "$problem" "$work" "$out/optimum.json" "$target" "$ranks" "$((SECONDS - start))" \
  "${sizes[*]}" "${actions[*]}" "${bound[*]}" "${search[*]}" "$refine_starts" "${refine[@]}" << 'EOF'
import json, math, os, sys
problem, work, path, target, ranks, seconds, sizes, actions, bound, search, refine_starts = sys.argv[1:12]
refine = sys.argv[12:]
target, ranks, seconds = float(target), int(ranks), int(seconds)
tableless = not sizes.split()  # planar_quadrotor: trajectory optimisation only
tables = [json.load(open(os.path.join(work, f"t{i}.json"))) for i in ([2] if tableless else range(3))]
finest = tables[-1]
lower, lower_se, lower_starts = finest["lower"], finest["lower_se"], finest["lower_starts"]
estimates = [t["estimate"] for t in tables]
warnings = []
# Richardson extrapolation over three refinements (each doubling grid and actions).
d1, d2 = (0.0, 0.0) if tableless else (estimates[1] - estimates[0], estimates[2] - estimates[1])
order, extrapolated = None, None
grid = [int(n) for n in sizes.split()]
if any(abs((b - 1) / (a - 1) - 2) > 0.05 for a, b in zip(grid, grid[1:])):
    warnings.append(f"the grids {grid} are not refined by a factor 2: the extrapolation (which assumes it) is rough")
if tableless:
    pass
elif d1 != 0 and d2 != 0 and d1 * d2 > 0 and abs(d2) < abs(d1):
    order = math.log2(abs(d1) / abs(d2))
    extrapolated = estimates[2] + d2 / (2 ** order - 1)
else:
    warnings.append(f"the tables' values {estimates} do not converge monotonically: no extrapolated estimate")
if extrapolated is not None and extrapolated < lower - 2 * lower_se:
    warnings.append(f"the extrapolated table estimate {extrapolated:.6f} lies below the achieved lower end "
                    f"{lower:.6f} (beyond 2 standard errors): the refinement trend moves away from it (the "
                    "tables are pessimistic); it is not used")
    extrapolated, order = None, None
method = "Richardson extrapolation of the tables' values" if extrapolated is not None else None
searched = None
if refine:
    # The beam search's refinements on the first starts (the same starts each time, so differences
    # of their means are paired): a search that becomes exhaustive converges to each start's optimum.
    # The middle refinement is the lower end's own search, its returns from those starts; Aitken's
    # extrapolation of the three means gives the improvement still to come beyond it, which the
    # estimate adds to the lower end.
    n = int(refine_starts)
    def mean(returns):
        return sum(returns[:n]) / n
    coarse, fine = (json.load(open(os.path.join(work, f"refine{j}.json")))["returns"] for j in (0, 1))
    searched = [mean(coarse), mean(finest["returns"]), mean(fine)]
    e1, e2 = searched[1] - searched[0], searched[2] - searched[1]
    what = "trajectory optimiser's" if tableless else "beam search's"
    agree = 1e-9 * (1.0 + abs(lower))  # differences of rounding (the optimiser's stopping test)
    if abs(e1) <= agree and abs(e2) <= agree:  # the refinements agree: no improvement seen to come
        extrapolated, order = lower, None
        method = (f"the {what} refinements ({refine[0]}; {search}; {refine[1]}) agree on the first "
                  f"{refine_starts} starts ({searched[0]:.6f}): no improvement seen to come (a local search "
                  "that keeps finding the same optimum; evidence, not a proof)")
    elif e1 > 0 and 0 <= e2 < e1:
        remaining = e2 + e2 * (e2 / e1) / (1 - e2 / e1)
        extrapolated, order = lower + remaining, None
        method = (f"Aitken extrapolation of the {what} mean return over its refinements "
                  f"({refine[0]}; {search}; {refine[1]}) "
                  f"on the first {refine_starts} starts: {', '.join(f'{v:.4f}' for v in searched)}; "
                  f"improvement still to come beyond the lower end's search {remaining:.4f}")
    else:
        warnings.append(f"the {what} refinements {searched} do not improve at a decreasing rate: "
                        "no estimate from them")
certified = None
if os.path.exists(os.path.join(work, "bound.json")):
    certified = json.load(open(os.path.join(work, "bound.json")))
upper_certified = certified["upper"] if certified else None
width_target = target * abs(lower) if problem == "lqr_mdp" else target
if upper_certified is not None and upper_certified - lower <= width_target:
    upper, kind = upper_certified, "certified"
elif extrapolated is not None and extrapolated >= lower - 2 * lower_se:
    # Never narrower than the lower end's own sampling error (2 standard errors).
    upper, kind = max(extrapolated, lower + 2 * lower_se), "estimate"
else:
    upper, kind = upper_certified, "certified"
result = {
    "problem": problem, "return": finest["return"], "lower": lower, "lower_se": lower_se,
    "lower_starts": lower_starts, "upper": upper, "upper_kind": kind,
    "estimate": extrapolated if extrapolated is not None else estimates[-1],
    "estimate_method": method or "none (the finest table's value, not an estimate of the optimum)",
    "search_refinements": searched,
    "upper_certified": upper_certified,
    "upper_certified_width": None if upper_certified is None else upper_certified - lower,
    "upper_certified_note": "box DP (hjbench bound)" if certified else None,
    "target_width": width_target, "table_estimates": estimates, "extrapolation_order": order,
    "warnings": warnings,
    "settings": {"grids": sizes.split(), "actions": actions.split(), "bound": bound, "ranks": ranks,
                 "search": search, "refinements": refine, "refinement_starts": int(refine_starts),
                 "wall_seconds": seconds,
                 "bound_seconds": certified["seconds"] if certified else None,
                 "bound_cells": certified["cells"] if certified else None},
}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
os.replace(tmp, path)
what = "expected episode return" if finest["return"] == "episode" else "expected discounted return"
print(f"optimum of {problem}'s {what} in [{lower:.4f}, {upper:.4f}] (upper {kind})"
      f"  lower: a feasible policy's mean over {lower_starts} starts, SE {lower_se:.4f}")
if kind == "estimate":
    print(f"  estimate: {method}")
if upper_certified is not None and kind != "certified":
    print(f"  certified upper end {upper_certified:.4f} (width {upper_certified - lower:.4f}, target {width_target:.4g})")
for w in warnings:
    print("  warning: " + w)
print(f"  wrote {path} ({seconds} s on {ranks} rank(s))")
EOF
