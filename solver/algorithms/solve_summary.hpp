// What every solve returns: how it ended, how far it got, what it cost (after Ceres' Summary).
#pragma once
#include <limits>
#include <string>
#include <vector>

namespace hjb {

/// Why a solve ended.
enum class Termination {
  converged,          ///< stationary: the Bellman residual reached the tolerance (or the policy is stable)
  horizon_reached,    ///< time-dependent: marched to the horizon
  stopped_by_signal,  ///< SIGUSR1/SIGTERM: a checkpoint was written
  wall_time,          ///< the --walltime limit: a checkpoint was written
  iteration_limit,    ///< stationary: the iteration limit came first (the table says converged = no)
  numerical_failure,  ///< NaN/Inf or a linear solver failure (no table)
};
std::string to_string(Termination t);

/// Where a time-dependent run is: used to resume from a checkpoint.
struct SolveProgress {
  double tau = 0.0;       ///< time-to-go reached
  long steps = 0;         ///< steps taken so far
  int next_snapshot = 1;  ///< index of the next snapshot to emit (0 is t = 0)
};

struct SolveSummary {
  std::string algorithm;  ///< time_dependent, value_iteration or policy_iteration
  Termination termination = Termination::horizon_reached;
  std::string message;  ///< what the user should know about the ending (stop reason, checkpoint path)
  long iterations = 0;  ///< time steps, or outer (value/policy) iterations, counted from the run's start
  long linear_iterations = 0;  ///< Krylov iterations of policy evaluation
  long polish_sweeps = 0;      ///< fixed-policy sweeps of the bit-identical final evaluation
  int coarse_levels = 0;       ///< stationary: coarser grids solved first for the start values
  long coarse_iterations = 0;  ///< their outer iterations (not in `iterations`)
  double final_time = 0.0;     ///< time-dependent: t = -tau reached
  double residual = std::numeric_limits<double>::quiet_NaN();  ///< stationary: max-norm Bellman residual
  double wall_seconds = 0.0;
  double node_stage_updates = 0.0;   ///< time-dependent: global nodes x stages, summed over steps
  double peak_resident_bytes = 0.0;  ///< largest peak resident memory over ranks (set by the driver)
  bool dry_run = false;              ///< only planned (nothing computed or written)
  SolveProgress progress;            ///< time-dependent: where to resume
  std::vector<double> step_times, step_sizes, step_wall;  ///< per step: t reached, dt, elapsed seconds

  bool interrupted() const {
    return termination == Termination::stopped_by_signal || termination == Termination::wall_time;
  }
  /// A time-marching solve (steps and node-stage updates) rather than an iteration to a fixed point.
  bool marches_in_time() const;
  /// One line: termination, iterations, residual or time, wall time, throughput.
  std::string brief() const;
  /// Several lines with every field that applies to the algorithm.
  std::string full() const;
};

}  // namespace hjb
