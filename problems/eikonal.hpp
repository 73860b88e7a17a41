// Front propagation at unit speed (H = ±speed |p|): the Hopf–Lax closed-form benchmark in D dimensions.
#pragma once
#include <cmath>
#include <string>

#include "core/control_problem.hpp"

namespace hjb::problems {

/// dx/dt = a, a in the ball of radius `speed`. V(x, 0) = |x| - radius. With the control
/// maximising, H = speed |p| and the zero level set (a sphere) shrinks: by Hopf–Lax,
/// V(x, -tau) = |x| + speed tau - radius; minimising, it expands: V = |x| - speed tau - radius
/// (away from the origin, where |x| has its kink).
template <int D>
struct Eikonal {
  static constexpr int dim = D, control_dim = D, disturbance_dim = 0;
  static std::string name() { return "eikonal"; }
  static std::string description() { return "unit-speed front propagation, Hopf-Lax closed form"; }

  double speed = 1.0, radius = 1.0, half_width = 2.0;
  Optimize control_mode = Optimize::maximize;

  template <class F>
  void visit_parameters(F&& f) {
    f("speed", speed);
    f("radius", radius);
    f("half_width", half_width);
  }

  /// Throws UsageError naming --problem.NAME for a value outside the model's range.
  void validate() const {
    require_nonnegative("speed", speed);
    require_positive("radius", radius);
    require_positive("half_width", half_width);
  }

  AffineDynamics<D, D, 0> affine(const State<D>&, double) const {
    AffineDynamics<D, D, 0> f;
    for (int i = 0; i < D; ++i) f.control[i][i] = 1.0;
    return f;
  }
  Ball<D> control_set() const { return {{}, speed}; }
  Box<0> disturbance_set() const { return {}; }
  double target(const State<D>& x) const {
    double r2 = 0.0;
    for (double c : x) r2 += c * c;
    return std::sqrt(r2) - radius;
  }
  /// The exact solution at time-to-go tau (valid where the front has not reached the origin).
  double exact(const State<D>& x, double tau) const {
    const double sign = control_mode == Optimize::maximize ? 1.0 : -1.0;
    return target(x) + sign * speed * tau;
  }
  std::array<AxisDomain, D> domain() const {
    std::array<AxisDomain, D> d;
    for (auto& ax : d) ax = {-half_width, half_width, false};
    return d;
  }
};

}  // namespace hjb::problems
