// Gymnasium's Pendulum-v1, exactly: its step map, costs, start distribution and observation,
// plus the continuous-time model it discretises (for the HJB solvers).
#pragma once
#include <cmath>
#include <numbers>
#include <random>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (theta, omega), theta = 0 upright. Continuous model: dtheta/dt = omega,
/// domega/dt = 3g/(2l) sin theta + 3/(m l^2) u, |u| <= max_torque, cost rate
/// (angle_normalize(theta)^2 + 0.1 omega^2 + 0.001 u^2) / dt. The MDP (Gymnasium 0.29
/// `PendulumEnv.step`): semi-implicit Euler with omega clipped to +-max_speed, reward = -cost of
/// the step computed from the pre-step state and the clipped torque, 200 steps per episode.
struct Pendulum {
  static constexpr int dim = 2, control_dim = 1, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true,
                                            .validate = true,
                                            .running_cost = true,
                                            .discrete_step = true,
                                            .environment = true,
                                            .enclosures = true,
                                            .separable_step_cost = true};
  static std::string name() { return "pendulum"; }
  static std::string description() {
    return "Gymnasium Pendulum-v1: continuous-time model (finite horizon) or its exact MDP (stationary)";
  }
  static std::array<const char*, 2> axis_names() { return {"theta", "omega"}; }

  double g = 10.0, m = 1.0, l = 1.0, dt = 0.05, max_speed = 8.0, max_torque = 2.0;
  double episode_steps = 200, discount = 0.99;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("g", g);
    f("m", m);
    f("l", l);
    f("dt", dt);
    f("max_speed", max_speed);
    f("max_torque", max_torque);
    f("episode_steps", episode_steps);
    f("discount", discount);
  }

  /// Throws UsageError naming --problem.NAME for a value outside the model's range.
  void validate() const {
    require_positive("m", m);
    require_positive("l", l);
    require_positive("dt", dt);
    require_positive("max_speed", max_speed);
    require_nonnegative("max_torque", max_torque);
    require_whole_positive("episode_steps", episode_steps);
    require_discount("discount", discount);
  }

  static double angle_normalize(double x) {
    return std::fmod(std::fmod(x + std::numbers::pi, 2 * std::numbers::pi) + 2 * std::numbers::pi,
                     2 * std::numbers::pi) -
           std::numbers::pi;
  }

  AffineDynamics<2, 1, 0> affine(const State<2>& s, double) const {
    AffineDynamics<2, 1, 0> f;
    f.drift = {s[1], 3.0 * g / (2.0 * l) * std::sin(s[0])};
    f.control = {{{0.0}, {3.0 / (m * l * l)}}};
    return f;
  }
  QuadraticCostBox<1> control_set() const { return {{0.001 / dt}, {max_torque}}; }
  Box<0> disturbance_set() const { return {}; }
  double running_cost(const State<2>& s, double) const {
    const double th = angle_normalize(s[0]);
    return (th * th + 0.1 * s[1] * s[1]) / dt;
  }
  double target(const State<2>&) const { return 0.0; }
  std::array<AxisDomain, 2> domain() const {
    return {{{-std::numbers::pi, std::numbers::pi, true}, {-max_speed, max_speed, false}}};
  }

  // --- the MDP (shared by the RL environment and the discrete-time solvers) ---
  double time_step() const { return dt; }
  double clip_action(double u) const { return std::clamp(u, -max_torque, max_torque); }
  State<2> discrete_step(const State<2>& s, const Point<1>& a) const {
    const double u = clip_action(a[0]);
    double omega = s[1] + (3.0 * g / (2.0 * l) * std::sin(s[0]) + 3.0 / (m * l * l) * u) * dt;
    omega = std::clamp(omega, -max_speed, max_speed);
    return {s[0] + omega * dt, omega};
  }
  /// th^2 + 0.1 omega^2 + 0.001 u^2, summed in Gymnasium's order: (th^2 + 0.1 omega^2) + 0.001 u^2.
  double step_cost(const State<2>& s, const Point<1>& a) const {
    return state_step_cost(s) + action_step_cost(a);
  }
  double state_step_cost(const State<2>& s) const {
    const double th = angle_normalize(s[0]);
    return th * th + 0.1 * s[1] * s[1];
  }
  double action_step_cost(const Point<1>& a) const {
    const double u = clip_action(a[0]);
    return 0.001 * u * u;
  }
  /// Enclosures (core/interval.hpp) of discrete_step and step_cost over a box of states and torques,
  /// the same operations in the same order: every image of the exact step lies inside.
  Box<2> step_enclosure(const Box<2>& x, const Box<1>& a) const {
    const Interval th = axis_interval(x, 0), u = clamp(axis_interval(a, 0), -max_torque, max_torque);
    Interval omega =
        axis_interval(x, 1) +
        (Interval(3.0 * g / (2.0 * l)) * sin(th) + Interval(3.0 / (m * l * l)) * u) * Interval(dt);
    omega = clamp(omega, -max_speed, max_speed);
    const Interval theta = th + omega * Interval(dt);
    return {{theta.lo, omega.lo}, {theta.hi, omega.hi}};
  }
  double step_cost_lower(const Box<2>& x, const Box<1>& a) const {
    const Interval u = clamp(axis_interval(a, 0), -max_torque, max_torque);
    const double lower = normalized_angle_square_lower(x.lo[0], x.hi[0]) + 0.1 * sqr(axis_interval(x, 1)).lo +
                         0.001 * sqr(u).lo;
    return lower - 1e-12 * (1.0 + lower);  // the rounding of the double evaluation, generously
  }
  /// min of angle_normalize(theta)^2 over [lo, hi].
  static double normalized_angle_square_lower(double lo, double hi) {
    constexpr double pi = std::numbers::pi;
    if (hi - lo >= 2 * pi) return 0.0;
    const double shift = 2 * pi * std::floor((lo + pi) / (2 * pi));
    const double a = lo - shift, b = hi - shift;  // a in [-pi, pi)
    if (a <= 0.0 && b >= 0.0) return 0.0;
    if (b <= pi) return std::min(a * a, b * b);
    // Wraps past pi to -pi: the part beyond is [-pi, b - 2 pi].
    const double c = b - 2 * pi;
    if (c >= 0.0) return 0.0;
    return std::min(std::min(a * a, pi * pi), c * c);
  }
  /// Gymnasium's start distribution: uniform on this box (theta in [-pi, pi], omega in [-1, 1]).
  Box<2> start_box() const { return {{-std::numbers::pi, -1.0}, {std::numbers::pi, 1.0}}; }
  template <class Rng>
  State<2> sample_start(Rng& rng) const {
    const Box<2> b = start_box();
    return {std::uniform_real_distribution<double>(b.lo[0], b.hi[0])(rng),
            std::uniform_real_distribution<double>(b.lo[1], b.hi[1])(rng)};
  }
  static constexpr int observation_dim = 3;
  std::array<double, 3> observe(const State<2>& s) const { return {std::cos(s[0]), std::sin(s[0]), s[1]}; }
  /// Gymnasium's observation space: cos and sin in [-1, 1], |omega| <= max_speed.
  Box<3> observation_box() const { return {{-1.0, -1.0, -max_speed}, {1.0, 1.0, max_speed}}; }
  Box<1> action_box() const { return {{-max_torque}, {max_torque}}; }
};

}  // namespace hjb::problems
