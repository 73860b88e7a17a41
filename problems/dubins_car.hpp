// Dubins car reaching a disc, with an optional bounded position disturbance (wind).
#pragma once
#include <cmath>
#include <numbers>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (x, y, theta); dx/dt = v cos theta + b1, dy/dt = v sin theta + b2, dtheta/dt = w a,
/// a in [-1, 1] (minimises: reach the target), b in the disc of radius `disturbance_radius`.
/// V(x, 0) = |(x, y)| - target_radius. An optional disc obstacle must be avoided (reach-avoid).
struct DubinsCar {
  static constexpr int dim = 3, control_dim = 1, disturbance_dim = 2;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{
      .axis_names = true, .validate = true, .obstacle = true, .autonomous = true};
  static std::array<const char*, 3> axis_names() { return {"x", "y", "theta"}; }
  static std::string name() { return "dubins_car"; }
  static std::string description() { return "Dubins car reaching a disc, optional wind disturbance (3-D)"; }

  double speed = 1.0, max_turn_rate = 1.0, disturbance_radius = 0.0, target_radius = 1.0;
  double obstacle_x = 0.0, obstacle_y = 0.0, obstacle_radius = 0.0;  ///< radius 0: no obstacle
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("speed", speed);
    f("max_turn_rate", max_turn_rate);
    f("disturbance_radius", disturbance_radius);
    f("target_radius", target_radius);
    f("obstacle_x", obstacle_x);
    f("obstacle_y", obstacle_y);
    f("obstacle_radius", obstacle_radius);
  }

  /// Throws UsageError naming --problem.NAME for a value outside the model's range.
  void validate() const {
    require_nonnegative("speed", speed);
    require_nonnegative("max_turn_rate", max_turn_rate);
    require_nonnegative("disturbance_radius", disturbance_radius);
    require_positive("target_radius", target_radius);
    require_nonnegative("obstacle_radius", obstacle_radius);
  }

  AffineDynamics<3, 1, 2> affine(const State<3>& s, double) const {
    AffineDynamics<3, 1, 2> f;
    f.drift = {speed * std::cos(s[2]), speed * std::sin(s[2]), 0.0};
    f.control = {{{0.0}, {0.0}, {max_turn_rate}}};
    f.disturbance = {{{1.0, 0.0}, {0.0, 1.0}, {0.0, 0.0}}};
    return f;
  }
  Box<1> control_set() const { return {{-1.0}, {1.0}}; }
  Ball<2> disturbance_set() const { return {{0.0, 0.0}, disturbance_radius}; }
  double target(const State<3>& s) const { return std::hypot(s[0], s[1]) - target_radius; }
  /// Signed distance to the disc obstacle (negative inside); +infinity without an obstacle.
  double obstacle(const State<3>& s) const {
    return obstacle_radius > 0.0 ? std::hypot(s[0] - obstacle_x, s[1] - obstacle_y) - obstacle_radius
                                 : INFINITY;
  }
  std::array<AxisDomain, 3> domain() const {
    return {{{-5.0, 5.0, false}, {-5.0, 5.0, false}, {-std::numbers::pi, std::numbers::pi, true}}};
  }
};

}  // namespace hjb::problems
