// Double integrator x'' = a, |a| <= 1: reach a small ball around the origin.
#pragma once
#include <cmath>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (position, velocity): dx/dt = v, dv/dt = a, a in [-max_acceleration, max_acceleration]
/// (minimises). V(x, 0) = |(x, v)| - target_radius; with `time_cost` = c > 0 the running cost c
/// is added (minimum-time flavour). Closed form of the minimum time to the origin (bang-bang with
/// one switch on the curve x = -v|v|/2):  T(x, v) = v + 2 sqrt(x + v^2/2) if x > -v|v|/2,
/// T = -v + 2 sqrt(-x + v^2/2) otherwise (for unit acceleration).
struct DoubleIntegrator {
  static constexpr int dim = 2, control_dim = 1, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{
      .axis_names = true, .validate = true, .running_cost = true, .autonomous = true};
  static std::array<const char*, 2> axis_names() { return {"position", "velocity"}; }
  static std::string name() { return "double_integrator"; }
  static std::string description() { return "double integrator reaching a ball (2-D)"; }

  double max_acceleration = 1.0, target_radius = 0.25, time_cost = 0.0;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("max_acceleration", max_acceleration);
    f("target_radius", target_radius);
    f("time_cost", time_cost);
  }

  /// Throws UsageError naming --problem.NAME for a value outside the model's range.
  void validate() const {
    require_positive("max_acceleration", max_acceleration);
    require_positive("target_radius", target_radius);
    require_nonnegative("time_cost", time_cost);
  }

  AffineDynamics<2, 1, 0> affine(const State<2>& s, double) const {
    AffineDynamics<2, 1, 0> f;
    f.drift = {s[1], 0.0};
    f.control = {{{0.0}, {1.0}}};
    return f;
  }
  Box<1> control_set() const { return {{-max_acceleration}, {max_acceleration}}; }
  Box<0> disturbance_set() const { return {}; }
  double running_cost(const State<2>&, double) const { return time_cost; }
  double target(const State<2>& s) const { return std::hypot(s[0], s[1]) - target_radius; }
  std::array<AxisDomain, 2> domain() const { return {{{-2.0, 2.0, false}, {-2.0, 2.0, false}}}; }

  /// Minimum time to reach the origin exactly (unit acceleration scaled by max_acceleration).
  double minimum_time_to_origin(const State<2>& s) const {
    const double u = max_acceleration, x = s[0], v = s[1];
    if (x > -v * std::abs(v) / (2.0 * u)) return (v + 2.0 * std::sqrt(u * x + 0.5 * v * v)) / u;
    return (-v + 2.0 * std::sqrt(-u * x + 0.5 * v * v)) / u;
  }
};

}  // namespace hjb::problems
