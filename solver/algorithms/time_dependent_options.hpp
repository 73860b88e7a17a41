// Options of the time-dependent (method-of-lines) HJ solver, with accuracy presets and validation.
#pragma once
#include <string>
#include <vector>

#include "grids/halo_exchange.hpp"
#include "solver/schemes/upwind_derivatives.hpp"

namespace hjb {

enum class TimeIntegrator { rk1, rk2, rk3 };  ///< TVD Runge–Kutta of order 1, 2, 3 (Shu & Osher 1988)
enum class Dissipation { local, global };     ///< per-node or grid-wide Lax–Friedrichs coefficients
enum class ReachMode { set, tube };           ///< BRS (plain PDE) or BRT (Hamiltonian min(H, 0))

struct TimeDependentOptions {
  DerivativeScheme derivative = DerivativeScheme::weno5;
  TimeIntegrator integrator = TimeIntegrator::rk3;
  Dissipation dissipation = Dissipation::local;
  BoundaryCondition boundary = BoundaryCondition::extrapolate_away_from_zero;
  ReachMode mode = ReachMode::set;
  double cfl = 0.75;     ///< fraction of the stable step 1 / max_x sum_i alpha_i / h_i
  double horizon = 1.0;  ///< tau_final: the table holds V(x, t) for t in [-horizon, 0]
  int snapshots = 1;     ///< number of equal intervals; snapshots + 1 tables including t = 0
  /// Explicit snapshot times as tau = -t > 0, increasing; when given they replace `snapshots`
  /// and the horizon is the last of them.
  std::vector<double> snapshot_taus;
  double progress_seconds = 10.0;  ///< rank-0 progress line period (0: every step)

  /// Throws UsageError naming the offending option (its --long name) when a value is invalid.
  void validate() const;
  /// The tau values of the snapshots after t = 0 (increasing, the last one is the horizon).
  std::vector<double> snapshot_schedule() const;
};

/// Applies an accuracy preset: low (upwind1 + RK1), medium (ENO2 + RK2), high (WENO3 + RK3),
/// very_high (WENO5 + RK3). Throws UsageError for an unknown name.
void apply_accuracy_preset(const std::string& name, TimeDependentOptions& options);

DerivativeScheme parse_derivative_scheme(const std::string& s);
TimeIntegrator parse_time_integrator(const std::string& s);
Dissipation parse_dissipation(const std::string& s);
BoundaryCondition parse_boundary_condition(const std::string& s);
ReachMode parse_reach_mode(const std::string& s);
std::string to_string(DerivativeScheme s);
std::string to_string(TimeIntegrator s);
std::string to_string(Dissipation s);
std::string to_string(BoundaryCondition s);
std::string to_string(ReachMode s);

/// Where a run is: used to resume from a checkpoint and reported to the step hook.
struct SolveProgress {
  double tau = 0.0;       ///< time-to-go reached
  long steps = 0;         ///< steps taken so far
  int next_snapshot = 1;  ///< index of the next snapshot to emit (0 is t = 0)
};

/// What a solve did.
struct TimeDependentSummary {
  bool interrupted = false;  ///< the step hook asked to stop (checkpoint written by the caller)
  SolveProgress progress;
  long steps = 0;
  double final_time = 0.0;  ///< t = -tau reached
  double wall_seconds = 0.0;
  double node_stage_updates = 0;                          ///< global nodes x stages, summed over steps
  double peak_resident_bytes = 0;  ///< largest peak resident memory over ranks (set by the driver)
  bool dry_run = false;
  std::string message;  ///< replaces brief() when set (stationary solves)
  std::vector<double> step_times, step_sizes, step_wall;  ///< per step: t reached, dt, elapsed seconds
  std::string brief() const;
};

}  // namespace hjb
