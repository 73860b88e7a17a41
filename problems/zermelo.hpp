// Zermelo's navigation problem: a boat crossing a river with a parabolic current (the worked
// example of docs/adding_a_problem.md; examples/zermelo.cpp solves it against its closed form).
#pragma once
#include <cmath>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (x, y); control a in the unit ball (heading and throttle); the control minimises the
/// time to the landing disc:
///     dx/dt = current (1 - (y / half_width)^2) + speed a_1,   dy/dt = speed a_2,   |a| <= 1,
///     V(x, 0) = |(x, y) - (landing_x, 0)| - radius.
/// Without current the value is the eikonal (Hopf–Lax) one: V(x, -tau) = |x - landing| - radius - speed tau.
struct Zermelo {
  static constexpr int dim = 2, control_dim = 2, disturbance_dim = 0;
  static constexpr ProblemFeatures features{.axis_names = true, .validate = true, .autonomous = true};
  static std::string name() { return "zermelo"; }
  static std::string description() { return "Zermelo's boat in a parabolic river current (2-D)"; }
  static std::array<const char*, 2> axis_names() { return {"x", "y"}; }

  double speed = 1.0, current = 0.5, half_width = 2.0, landing_x = 1.0, radius = 0.2;
  Optimize control_mode = Optimize::minimize;

  // Every tunable number, once: --problem.NAME, table attributes and run identities use this list.
  template <class F>
  void visit_parameters(F&& f) {
    f("speed", speed);
    f("current", current);
    f("half_width", half_width);
    f("landing_x", landing_x);
    f("radius", radius);
  }
  void validate() const {
    require_positive("speed", speed);
    require_nonnegative("current", current);
    require_positive("half_width", half_width);
    require_positive("radius", radius);
  }

  // The dynamics in affine form f0(x) + G(x) a (+ K(x) b for a disturbance).
  AffineDynamics<2, 2, 0> affine(const State<2>& s, double) const {
    AffineDynamics<2, 2, 0> f;
    f.drift = {current * (1.0 - (s[1] / half_width) * (s[1] / half_width)), 0.0};
    f.control = {{{speed, 0.0}, {0.0, speed}}};
    return f;
  }
  Ball<2> control_set() const { return {{0.0, 0.0}, 1.0}; }
  Box<0> disturbance_set() const { return {}; }
  double target(const State<2>& s) const { return std::hypot(s[0] - landing_x, s[1]) - radius; }
  std::array<AxisDomain, 2> domain() const {
    return {{{-2.0, 2.0, false}, {-half_width, half_width, false}}};
  }
};

}  // namespace hjb::problems
