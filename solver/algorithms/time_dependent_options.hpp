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

/// How the tensor time-dependent solver steps: the method of lines (upwind derivatives, a
/// Lax–Friedrichs Hamiltonian and TVD Runge–Kutta, CFL <= 1) or the semi-Lagrangian scheme
/// (solver/algorithms/semi_lagrangian_time.hpp: interpolation at the characteristics' foot points,
/// stable at any step, CFL >> 1).
enum class TimeMethod { method_of_lines, semi_lagrangian };
/// The semi-Lagrangian scheme's interpolation of V at a foot point: multilinear (monotone) or
/// tensor-product cubic Lagrange limited to the range of the cell's corners.
enum class SlInterpolation { linear, cubic };

struct TimeDependentOptions {
  static constexpr int max_snapshots = 4000;  ///< per table (HDF5 dimension-scale reference lists)
  DerivativeScheme derivative = DerivativeScheme::weno5;
  TimeIntegrator integrator = TimeIntegrator::rk3;
  Dissipation dissipation = Dissipation::local;
  BoundaryCondition boundary = BoundaryCondition::extrapolate_away_from_zero;
  ReachMode mode = ReachMode::set;
  TimeMethod method = TimeMethod::method_of_lines;
  SlInterpolation interpolation = SlInterpolation::cubic;  ///< semi-Lagrangian only
  int inputs_per_axis = 2;  ///< semi-Lagrangian only: values per axis of box-shaped input sets
  /// Method of lines: fraction (<= 1) of the stable step 1 / max_x sum_i alpha_i / h_i;
  /// semi-Lagrangian: the step in units of that one (any positive number; >> 1 for large steps).
  double cfl = 0.75;
  double horizon = 1.0;  ///< tau_final: the table holds V(x, t) for t in [-horizon, 0]
  int snapshots = 1;     ///< number of equal intervals; snapshots + 1 tables including t = 0
  /// Explicit snapshot times as tau = -t > 0, increasing; when given they replace `snapshots`
  /// and the horizon is the last of them.
  std::vector<double> snapshot_taus;
  double progress_seconds = 10.0;  ///< rank-0 progress line period (0: every step)
  long max_steps = 1000000;        ///< refuse a run needing more steps (estimated before it starts)
  /// Method of lines, problems declared autonomous: evaluate the dynamics once per node and keep
  /// them (solver/schemes/dynamics_cache.hpp; same values, more memory) instead of in every stage.
  bool cache_dynamics = true;

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
TimeMethod parse_time_method(const std::string& s);
SlInterpolation parse_sl_interpolation(const std::string& s);
std::string to_string(DerivativeScheme s);
std::string to_string(TimeIntegrator s);
std::string to_string(Dissipation s);
std::string to_string(BoundaryCondition s);
std::string to_string(ReachMode s);
std::string to_string(TimeMethod s);
std::string to_string(SlInterpolation s);

}  // namespace hjb
