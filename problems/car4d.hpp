// A 4-D car game: the vehicle steers toward a disc while a bounded position disturbance opposes it.
#pragma once
#include <cmath>
#include <numbers>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (x, y, v, q): dx/dt = v cos q + b1, dy/dt = v sin q + b2, dv/dt = a1, dq/dt = v a2,
/// a in [-1, 1]^2 (minimises), b in the disc of radius `disturbance_radius` (maximises).
/// V(x, 0) = |(x, y)| - target_radius.
struct Car4D {
  static constexpr int dim = 4, control_dim = 2, disturbance_dim = 2;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true, .validate = true, .autonomous = true};
  static std::array<const char*, 4> axis_names() { return {"x", "y", "v", "q"}; }
  static std::string name() { return "car4d"; }
  static std::string description() { return "4-D car with a disc-shaped position disturbance"; }

  double max_acceleration = 1.0, max_curvature = 1.0, disturbance_radius = 0.25, target_radius = 1.0;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("max_acceleration", max_acceleration);
    f("max_curvature", max_curvature);
    f("disturbance_radius", disturbance_radius);
    f("target_radius", target_radius);
  }

  /// Throws UsageError naming --problem.NAME for a value outside the model's range.
  void validate() const {
    require_nonnegative("max_acceleration", max_acceleration);
    require_nonnegative("max_curvature", max_curvature);
    require_nonnegative("disturbance_radius", disturbance_radius);
    require_positive("target_radius", target_radius);
  }

  AffineDynamics<4, 2, 2> affine(const State<4>& s, double) const {
    AffineDynamics<4, 2, 2> f;
    f.drift = {s[2] * std::cos(s[3]), s[2] * std::sin(s[3]), 0.0, 0.0};
    f.control = {{{0.0, 0.0}, {0.0, 0.0}, {1.0, 0.0}, {0.0, s[2]}}};
    f.disturbance = {{{1.0, 0.0}, {0.0, 1.0}, {0.0, 0.0}, {0.0, 0.0}}};
    return f;
  }
  Box<2> control_set() const {
    return {{-max_acceleration, -max_curvature}, {max_acceleration, max_curvature}};
  }
  Ball<2> disturbance_set() const { return {{0.0, 0.0}, disturbance_radius}; }
  double target(const State<4>& s) const { return std::hypot(s[0], s[1]) - target_radius; }
  std::array<AxisDomain, 4> domain() const {
    return {{{-5.0, 5.0, false},
             {-5.0, 5.0, false},
             {-1.0, 1.0, false},
             {-std::numbers::pi, std::numbers::pi, true}}};
  }
};

}  // namespace hjb::problems
