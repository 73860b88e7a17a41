// Front propagation with closed forms in D dimensions: the ball under controls in a ball (Eikonal,
// H = ±speed |p|) and the cross-polytope under controls in a box (Diamond, H = ±speed |p|_1).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

namespace detail {
/// dx/dt = a (the control drives every coordinate directly): the dynamics of both fronts.
template <int D>
AffineDynamics<D, D, 0> direct_control() {
  AffineDynamics<D, D, 0> f;
  for (int i = 0; i < D; ++i) f.control[i][i] = 1.0;
  return f;
}
}  // namespace detail

/// dx/dt = a, a in the ball of radius `speed`. V(x, 0) = |x| - radius. With the control
/// maximising, H = speed |p| and the zero level set (a sphere) shrinks: by Hopf–Lax,
/// V(x, -tau) = |x| + speed tau - radius; minimising, it expands: V = |x| - speed tau - radius
/// (away from the origin, where |x| has its kink).
template <int D>
struct Eikonal {
  static constexpr int dim = D, control_dim = D, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.validate = true, .autonomous = true};
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

  AffineDynamics<D, D, 0> affine(const State<D>&, double) const { return detail::direct_control<D>(); }
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

/// dx/dt = a, a in the box [-speed, speed]^D. V(x, 0) = |x - c|_1 - radius with the centre
/// c = (offset, ..., offset) (a cross-polytope target; offset 0.1 keeps its kinks off the dyadic
/// grid nodes of the default box). Each coordinate moves independently, so V stays a sum of 1-D
/// functions: maximising, V(x, -tau) = |x - c|_1 + D speed tau - radius; minimising,
/// V = sum_i max(|x_i - c_i| - speed tau, 0) - radius. Exact everywhere, kinks included: the
/// problem where a sparse grid's structure fits the solution (it represents sums of 1-D functions
/// as well as a 1-D grid of its level), next to the ball, where it does not.
template <int D>
struct Diamond {
  static constexpr int dim = D, control_dim = D, disturbance_dim = 0;
  static std::string name() { return "diamond"; }
  static std::string description() { return "cross-polytope front under box controls, closed form"; }

  double speed = 1.0, radius = 1.0, offset = 0.1, half_width = 2.0;
  Optimize control_mode = Optimize::maximize;

  template <class F>
  void visit_parameters(F&& f) {
    f("speed", speed);
    f("radius", radius);
    f("offset", offset);
    f("half_width", half_width);
  }
  void validate() const {
    require_nonnegative("speed", speed);
    require_positive("radius", radius);
    require_positive("half_width", half_width);
  }

  AffineDynamics<D, D, 0> affine(const State<D>&, double) const { return detail::direct_control<D>(); }
  Box<D> control_set() const {
    Box<D> b;
    for (int i = 0; i < D; ++i) {
      b.lo[i] = -speed;
      b.hi[i] = speed;
    }
    return b;
  }
  Box<0> disturbance_set() const { return {}; }
  double target(const State<D>& x) const {
    double r = 0.0;
    for (double c : x) r += std::abs(c - offset);
    return r - radius;
  }
  /// The exact solution at time-to-go tau.
  double exact(const State<D>& x, double tau) const {
    if (control_mode == Optimize::maximize) return target(x) + D * speed * tau;
    double r = 0.0;
    for (double c : x) r += std::max(std::abs(c - offset) - speed * tau, 0.0);
    return r - radius;
  }
  std::array<AxisDomain, D> domain() const {
    std::array<AxisDomain, D> d;
    for (auto& ax : d) ax = {-half_width, half_width, false};
    return d;
  }
};

}  // namespace hjb::problems
