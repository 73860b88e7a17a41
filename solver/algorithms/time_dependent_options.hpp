// Options of the time-dependent (method-of-lines) HJ solver, with accuracy presets and validation.
#pragma once
#include <string>
#include <vector>

#include "grids/distributed/halo_exchange.hpp"
#include "solver/schemes/lax_friedrichs.hpp"
#include "solver/schemes/reachability.hpp"
#include "solver/schemes/tvd_runge_kutta.hpp"
#include "solver/schemes/upwind_derivatives.hpp"

namespace hjb {

struct TimeDependentOptions {
  static constexpr int max_snapshots = 4000;  ///< per table (HDF5 dimension-scale reference lists)
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
  long max_steps = 1000000;        ///< refuse a run needing more steps (estimated before it starts)

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

}  // namespace hjb
