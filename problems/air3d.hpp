// Air3D: the pursuit–evasion game of two Dubins vehicles in relative coordinates (Mitchell 2005),
// the standard example of HJ reachability.
#pragma once
#include <cmath>
#include <numbers>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (x, y, psi): position of the pursuer relative to the evader and relative heading.
///   dx/dt = -v_e + v_p cos psi + a y,   dy/dt = v_p sin psi - a x,   dpsi/dt = b - a,
/// control a = evader turn rate (maximises: escape), disturbance b = pursuer turn rate.
/// Target (capture) set |(x, y)| <= capture_radius; V(x, 0) = |(x, y)| - capture_radius.
struct Air3D {
  static constexpr int dim = 3, control_dim = 1, disturbance_dim = 1;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true, .validate = true, .autonomous = true};
  static std::array<const char*, 3> axis_names() { return {"x", "y", "psi"}; }
  static std::string name() { return "air3d"; }
  static std::string description() { return "Air3D pursuit-evasion game (3-D, evader maximises)"; }

  double evader_speed = 5.0, pursuer_speed = 5.0;
  double evader_turn_rate = 1.0, pursuer_turn_rate = 1.0;
  double capture_radius = 5.0;
  Optimize control_mode = Optimize::maximize;

  template <class F>
  void visit_parameters(F&& f) {
    f("evader_speed", evader_speed);
    f("pursuer_speed", pursuer_speed);
    f("evader_turn_rate", evader_turn_rate);
    f("pursuer_turn_rate", pursuer_turn_rate);
    f("capture_radius", capture_radius);
  }

  /// Throws UsageError naming --problem.NAME for a value outside the model's range.
  void validate() const {
    require_nonnegative("evader_speed", evader_speed);
    require_nonnegative("pursuer_speed", pursuer_speed);
    require_nonnegative("evader_turn_rate", evader_turn_rate);
    require_nonnegative("pursuer_turn_rate", pursuer_turn_rate);
    require_positive("capture_radius", capture_radius);
  }

  AffineDynamics<3, 1, 1> affine(const State<3>& s, double) const {
    AffineDynamics<3, 1, 1> f;
    f.drift = {-evader_speed + pursuer_speed * std::cos(s[2]), pursuer_speed * std::sin(s[2]), 0.0};
    f.control = {{{s[1]}, {-s[0]}, {-1.0}}};
    f.disturbance = {{{0.0}, {0.0}, {1.0}}};
    return f;
  }
  Box<1> control_set() const { return {{-evader_turn_rate}, {evader_turn_rate}}; }
  Box<1> disturbance_set() const { return {{-pursuer_turn_rate}, {pursuer_turn_rate}}; }
  double target(const State<3>& s) const { return std::hypot(s[0], s[1]) - capture_radius; }
  std::array<AxisDomain, 3> domain() const {
    return {{{-6.0, 20.0, false}, {-10.0, 10.0, false}, {0.0, 2.0 * std::numbers::pi, true}}};
  }
};

}  // namespace hjb::problems
