// The outer loop every explicit time-marching solver on a tensor grid shares (the method of lines,
// solver/algorithms/time_dependent.hpp, and the second-order scheme, second_order.hpp): steps cut to
// land on the snapshot times, the step budget, the per-step record, the snapshot callbacks, and the
// hook that may stop the run (checkpoints, signals, wall time). MPI-free itself: the solver's step is
// collective and returns the same step on every rank.
#pragma once
#include <petscvec.h>

#include <algorithm>
#include <functional>

#include "core/error.hpp"
#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/solve_summary.hpp"
#include "solver/algorithms/time_dependent_options.hpp"

namespace hjb {

using SnapshotCallback = std::function<void(int index, double time, Vec values)>;
/// Called after every step; returning anything but horizon_reached (stopped_by_signal, wall_time)
/// stops the solve with that termination (the caller has written a checkpoint). Its decision must
/// be the same on every rank.
using StepHook = std::function<Termination(const SolveProgress&, Vec values)>;

/// Marches v from the progress `from` (t = 0 for a new run) to t = -horizon: `step(tau, max_dt)`
/// advances v by at most max_dt and returns the step taken; `checked(steps, tau)` runs after each
/// step (a NaN guard). Calls on_snapshot(k, t_k, v) at t = 0 (a new run) and at each time of
/// options.snapshot_schedule(). `stages` counts node-stage updates per node and step.
template <class Step, class Checked>
SolveSummary march(const char* algorithm, const TimeDependentOptions& options, MPI_Comm comm, double nodes,
                   int stages, Vec v, const SnapshotCallback& on_snapshot, const SolveProgress& from,
                   const StepHook& after_step, Step&& step, Checked&& checked) {
  SolveSummary summary;
  summary.algorithm = algorithm;
  const double start = MPI_Wtime();
  const auto schedule = options.snapshot_schedule();
  ProgressReporter progress(comm, options.progress_seconds, schedule.back());
  double tau = from.tau;
  summary.iterations = from.steps;
  summary.progress = from;
  if (from.next_snapshot <= 1 && from.steps == 0) on_snapshot(0, 0.0, v);
  for (int k = std::max(1, from.next_snapshot); k <= static_cast<int>(schedule.size()); ++k) {
    const double tau_next = schedule[k - 1];
    while (tau < tau_next) {
      HJB_CHECK(
          summary.iterations < options.max_steps, UsageError,
          "--time.max_steps: " << options.max_steps << " steps taken at t = " << -tau
                               << " before reaching the horizon (the speeds grew); raise --time.max_steps or "
                                  "check the problem");
      const double dt = step(tau, tau_next - tau);
      HJB_CHECK(dt > 0.0 && tau + dt > tau, NumericalError,
                "time step " << dt << " at t = " << -tau << " no longer advances time; no table is written");
      tau = (tau_next - tau <= dt) ? tau_next : tau + dt;
      ++summary.iterations;
      summary.node_stage_updates += nodes * stages;
      checked(summary.iterations, tau);
      summary.step_times.push_back(-tau);
      summary.step_sizes.push_back(dt);
      summary.step_wall.push_back(MPI_Wtime() - start);
      progress.report_step(summary.iterations, tau, dt);
      summary.progress = {tau, summary.iterations, k};
      if (after_step) {
        const Termination stop = after_step(summary.progress, v);
        if (stop != Termination::horizon_reached) {
          summary.termination = stop;
          break;
        }
      }
    }
    if (summary.interrupted()) break;
    on_snapshot(k, -tau, v);
    summary.progress.next_snapshot = k + 1;
  }
  summary.final_time = -tau;
  summary.wall_seconds = MPI_Wtime() - start;
  return summary;
}

}  // namespace hjb
