// A discounted linear–quadratic MDP in D = 2 or 3 dimensions: the chain of integrators driven at
// its end, Euler-discretised. Its exact value is quadratic (the discrete-time discounted Riccati
// equation), so learned critics and policies can be scored against a closed form as well as
// against a grid table.
#pragma once
#include <random>
#include <string>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// Continuous model: dx_i/dt = x_{i+1} (i < D), dx_D/dt = u, |u| <= max_action, cost rate
/// |x|^2 + r u^2. The MDP: x' = clip(x + dt (A x + b u)) with u clipped to the action box and the
/// state to the box [-half_width, half_width]^D (bounded, so an exploring agent cannot diverge),
/// step cost dt (|x|^2 + r u^2) from the pre-step state, discount gamma, episodes of episode_steps
/// steps from starts uniform on [-start_width, start_width]^D. Where neither clip acts along the
/// optimal trajectories (the start box, with the defaults) the value is the closed form
/// V(x) = x^T P x, P = dt I + gamma F^T P F - gamma^2 F^T P g (dt r + gamma g^T P g)^{-1} g^T P F,
/// F = I + dt A, g = dt b, and the optimal feedback is u = -K x, K = gamma (dt r + gamma g^T P g)^{-1} g^T P
/// F.
template <int D>
struct LqrMdp {
  static_assert(D >= 1 && D <= 3, "LqrMdp: 1 to 3 dimensions");
  static constexpr int dim = D, control_dim = 1, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{
      .validate = true, .running_cost = true, .discrete_step = true, .environment = true, .enclosures = true};
  static std::string name() { return "lqr_mdp"; }
  static std::string description() {
    return "discounted LQ MDP (chain of integrators, Euler step): discrete Riccati closed form, RL "
           "environment";
  }
  double dt = 0.1, r = 1.0, max_action = 5.0, half_width = 2.0, start_width = 1.0;
  double episode_steps = 200, discount = 0.99;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("dt", dt);
    f("r", r);
    f("max_action", max_action);
    f("half_width", half_width);
    f("start_width", start_width);
    f("episode_steps", episode_steps);
    f("discount", discount);
  }

  void validate() const {
    require_positive("dt", dt);
    require_positive("r", r);
    require_positive("max_action", max_action);
    require_positive("half_width", half_width);
    require_positive("start_width", start_width);
    HJB_CHECK(start_width <= half_width, UsageError,
              "--problem.start_width (" << start_width << ") must not exceed --problem.half_width ("
                                        << half_width << ")");
    require_whole_positive("episode_steps", episode_steps);
    require_discount("discount", discount);
  }

  AffineDynamics<D, 1, 0> affine(const State<D>& x, double) const {
    AffineDynamics<D, 1, 0> f;
    for (int i = 0; i + 1 < D; ++i) f.drift[i] = x[i + 1];
    f.control[D - 1][0] = 1.0;
    return f;
  }
  QuadraticCostBox<1> control_set() const { return {{r}, {max_action}}; }
  Box<0> disturbance_set() const { return {}; }
  double running_cost(const State<D>& x, double) const {
    double c = 0.0;
    for (double v : x) c += v * v;
    return c;
  }
  double target(const State<D>&) const { return 0.0; }
  std::array<AxisDomain, D> domain() const {
    std::array<AxisDomain, D> d;
    for (auto& ax : d) ax = {-half_width, half_width, false};
    return d;
  }

  // --- the MDP (shared by the RL environment and the discrete-time solvers) ---
  double time_step() const { return dt; }
  State<D> discrete_step(const State<D>& x, const Point<1>& a) const {
    const double u = std::clamp(a[0], -max_action, max_action);
    State<D> y = x;
    for (int i = 0; i + 1 < D; ++i) y[i] += dt * x[i + 1];
    y[D - 1] += dt * u;
    for (double& v : y) v = std::clamp(v, -half_width, half_width);  // a bounded MDP (as Pendulum's speed)
    return y;
  }
  double step_cost(const State<D>& x, const Point<1>& a) const {
    const double u = std::clamp(a[0], -max_action, max_action);
    return dt * (running_cost(x, 0.0) + r * u * u);
  }
  /// Enclosures (core/interval.hpp) of discrete_step and step_cost over a box of states and actions.
  Box<D> step_enclosure(const Box<D>& x, const Box<1>& a) const {
    const Interval u = clamp(axis_interval(a, 0), -max_action, max_action);
    Box<D> y;
    for (int i = 0; i < D; ++i) {
      Interval v = axis_interval(x, i);
      if (i + 1 < D) v = v + Interval(dt) * axis_interval(x, i + 1);
      if (i == D - 1) v = v + Interval(dt) * u;
      v = clamp(v, -half_width, half_width);
      y.lo[i] = v.lo;
      y.hi[i] = v.hi;
    }
    return y;
  }
  double step_cost_lower(const Box<D>& x, const Box<1>& a) const {
    const Interval u = clamp(axis_interval(a, 0), -max_action, max_action);
    double state = 0.0;
    for (int i = 0; i < D; ++i) state += sqr(axis_interval(x, i)).lo;
    const double lower = dt * (state + r * sqr(u).lo);
    return lower - 1e-12 * lower;
  }
  Box<D> start_box() const {
    Box<D> b;
    for (int i = 0; i < D; ++i) {
      b.lo[i] = -start_width;
      b.hi[i] = start_width;
    }
    return b;
  }
  template <class Rng>
  State<D> sample_start(Rng& rng) const {
    State<D> x;
    for (auto& v : x) v = std::uniform_real_distribution<double>(-start_width, start_width)(rng);
    return x;
  }
  static constexpr int observation_dim = D;
  std::array<double, D> observe(const State<D>& x) const { return x; }
  /// The state is clipped to [-half_width, half_width]^D by the step.
  Box<D> observation_box() const {
    Box<D> b;
    b.lo.fill(-half_width);
    b.hi.fill(half_width);
    return b;
  }
  Box<1> action_box() const { return {{-max_action}, {max_action}}; }
};

}  // namespace hjb::problems
