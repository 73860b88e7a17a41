// Gymnasium's Acrobot-v1, exactly: its RK4 step, wrapping and velocity limits, three torques,
// termination and reward, start distribution and observation; plus the continuous-time model.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (theta1, theta2, omega1, omega2): theta1 = 0 hanging down, theta2 relative to link 1.
/// MDP (Gymnasium 0.29 `AcrobotEnv`, book dynamics): torque a in {-1, 0, +1} on the second joint;
/// one RK4 step of dt = 0.2 of the equations of motion (with the torque held), then both angles
/// wrapped into [-pi, pi] and the velocities clipped to +-4 pi and +-9 pi; terminated when
/// -cos(theta1) - cos(theta1 + theta2) > 1 (the tip above the bar by one link length); reward -1
/// per step and 0 on the terminating step; 500 steps per episode; start uniform on [-0.1, 0.1]^4.
/// Here the cost is 1 per step and the terminal reward 1 (so the terminating step costs 0).
/// Continuous model: the same equations of motion, control-affine in the torque, |a| <= 1, with the
/// goal region as the target (negative inside).
struct Acrobot {
  static constexpr int dim = 4, control_dim = 1, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true,
                                            .validate = true,
                                            .discrete_step = true,
                                            .environment = true,
                                            .terminal_states = true,
                                            .discrete_actions = true,
                                            .enclosures = true};
  static std::string name() { return "acrobot"; }
  static std::string description() {
    return "Gymnasium Acrobot-v1: minimum time to swing the tip above the bar (4-D, 3 torques)";
  }
  static std::array<const char*, 4> axis_names() { return {"theta1", "theta2", "omega1", "omega2"}; }

  static constexpr double link_length = 1.0, link_mass = 1.0, link_com = 0.5, link_moi = 1.0, g = 9.8;
  static constexpr double max_velocity_1 = 4 * std::numbers::pi, max_velocity_2 = 9 * std::numbers::pi;
  double dt = 0.2, episode_steps = 500, discount = 0.99;
  Optimize control_mode = Optimize::minimize;
  /// A discrete action set: the torques -1, 0, +1 (the action grid of 3 over the action box).
  static constexpr int discrete_actions = 3;

  template <class F>
  void visit_parameters(F&& f) {
    f("dt", dt);
    f("episode_steps", episode_steps);
    f("discount", discount);
  }
  void validate() const {
    require_in_range("dt", dt, 1.0);  // RK4 on these dynamics: NaN states long before dt = 1e3
    require_whole_positive("episode_steps", episode_steps);
    require_discount("discount", discount);
  }

  /// d/dt (theta1, theta2, omega1, omega2) under torque a (Gymnasium's `_dsdt`, book variant). T is
  /// double (the step) or Interval (its enclosure: the same operations, core/interval.hpp).
  template <class T = double>
  static std::array<T, 4> derivatives(const std::array<T, 4>& s, const T& a) {
    using std::cos, std::sin;  // double: std's; Interval: hjb's (argument-dependent lookup)
    constexpr double m1 = link_mass, m2 = link_mass, l1 = link_length, lc1 = link_com, lc2 = link_com,
                     i1 = link_moi, i2 = link_moi;
    const T theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
    const T d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos(theta2)) + i1 + i2;
    const T d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(theta2)) + i2;
    const T phi2 = m2 * lc2 * g * cos(theta1 + theta2 - std::numbers::pi / 2.0);
    const T phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * sin(theta2) -
                   2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2) +
                   (m1 * lc1 + m2 * l1) * g * cos(theta1 - std::numbers::pi / 2) + phi2;
    const T ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * sin(theta2) - phi2) /
                       (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
    const T ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    return {dtheta1, dtheta2, ddtheta1, ddtheta2};
  }
  /// Gymnasium's `wrap(x, -pi, pi)`: whole periods added or removed until x is inside.
  static double wrap(double x) {
    constexpr double m = -std::numbers::pi, big = std::numbers::pi, diff = big - m;
    while (x > big) x -= diff;
    while (x < m) x += diff;
    return x;
  }

  // --- the continuous model (time-dependent solvers) ---
  AffineDynamics<4, 1, 0> affine(const State<4>& s, double) const {
    const auto f0 = derivatives(s, 0.0), f1 = derivatives(s, 1.0);
    AffineDynamics<4, 1, 0> f;
    for (int i = 0; i < 4; ++i) {
      f.drift[i] = f0[i];
      f.control[i][0] = f1[i] - f0[i];
    }
    return f;
  }
  Box<1> control_set() const { return {{-1.0}, {1.0}}; }
  Box<0> disturbance_set() const { return {}; }
  double target(const State<4>& s) const { return 1.0 - (-std::cos(s[0]) - std::cos(s[0] + s[1])); }
  std::array<AxisDomain, 4> domain() const {
    return {{{-std::numbers::pi, std::numbers::pi, true},
             {-std::numbers::pi, std::numbers::pi, true},
             {-max_velocity_1, max_velocity_1, false},
             {-max_velocity_2, max_velocity_2, false}}};
  }

  // --- the MDP (shared by the RL environment and the discrete-time solvers) ---
  double time_step() const { return dt; }
  /// Gymnasium's RK4 step (before wrapping and clipping), for T = double or Interval.
  template <class T>
  std::array<T, 4> rk4(const std::array<T, 4>& s, const T& a) const {
    const double h = dt, h2 = dt / 2.0;
    auto add = [](const std::array<T, 4>& y, double c, const std::array<T, 4>& k) {
      return std::array<T, 4>{y[0] + c * k[0], y[1] + c * k[1], y[2] + c * k[2], y[3] + c * k[3]};
    };
    const auto k1 = derivatives<T>(s, a);
    const auto k2 = derivatives<T>(add(s, h2, k1), a);
    const auto k3 = derivatives<T>(add(s, h2, k2), a);
    const auto k4 = derivatives<T>(add(s, h, k3), a);
    std::array<T, 4> n;
    for (int i = 0; i < 4; ++i) n[i] = s[i] + h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    return n;
  }
  State<4> discrete_step(const State<4>& s, const Point<1>& action) const {
    State<4> n = rk4<double>(s, action[0]);
    n[0] = wrap(n[0]);
    n[1] = wrap(n[1]);
    n[2] = std::clamp(n[2], -max_velocity_1, max_velocity_1);
    n[3] = std::clamp(n[3], -max_velocity_2, max_velocity_2);
    return n;
  }
  /// Enclosures (core/interval.hpp) of discrete_step, step_cost and is_terminal. The angles are
  /// enclosed before wrapping: the box holds the step's image modulo 2 pi on the periodic axes 0 and 1
  /// (which the box DP wraps), the velocities after clipping.
  Box<4> step_enclosure(const Box<4>& x, const Box<1>& a) const {
    std::array<Interval, 4> s;
    for (int i = 0; i < 4; ++i) s[i] = axis_interval(x, i);
    std::array<Interval, 4> n = rk4<Interval>(s, axis_interval(a, 0));
    n[2] = clamp(n[2], -max_velocity_1, max_velocity_1);
    n[3] = clamp(n[3], -max_velocity_2, max_velocity_2);
    Box<4> e;
    for (int i = 0; i < 4; ++i) {
      e.lo[i] = std::isfinite(n[i].lo) ? n[i].lo : -std::numeric_limits<double>::infinity();
      e.hi[i] = std::isfinite(n[i].hi) ? n[i].hi : std::numeric_limits<double>::infinity();
    }
    return e;
  }
  double step_cost_lower(const Box<4>&, const Box<1>&) const { return 1.0; }
  /// Terminal when -cos(t1) - cos(t1 + t2) > 1, over a box of angles.
  Interval terminal_indicator(const Box<4>& x) const {
    const Interval t1 = axis_interval(x, 0), height = -cos(t1) - cos(t1 + axis_interval(x, 1));
    if (height.lo > 1.0) return {1.0, 1.0};
    if (height.hi > 1.0) return {0.0, 1.0};
    return {0.0, 0.0};
  }
  double step_cost(const State<4>&, const Point<1>&) const { return 1.0; }
  bool is_terminal(const State<4>& s) const { return -std::cos(s[0]) - std::cos(s[1] + s[0]) > 1.0; }
  double terminal_reward(const State<4>&) const { return 1.0; }
  Box<4> start_box() const { return {{-0.1, -0.1, -0.1, -0.1}, {0.1, 0.1, 0.1, 0.1}}; }
  template <class Rng>
  State<4> sample_start(Rng& rng) const {
    const Box<4> b = start_box();
    State<4> s;
    for (int i = 0; i < 4; ++i) s[i] = std::uniform_real_distribution<double>(b.lo[i], b.hi[i])(rng);
    return s;
  }
  static constexpr int observation_dim = 6;
  std::array<double, 6> observe(const State<4>& s) const {
    return {std::cos(s[0]), std::sin(s[0]), std::cos(s[1]), std::sin(s[1]), s[2], s[3]};
  }
  /// Gymnasium's observation space: cosines and sines in [-1, 1], the clipped velocities.
  Box<6> observation_box() const {
    return {{-1.0, -1.0, -1.0, -1.0, -max_velocity_1, -max_velocity_2},
            {1.0, 1.0, 1.0, 1.0, max_velocity_1, max_velocity_2}};
  }
  Box<1> action_box() const { return {{-1.0}, {1.0}}; }
};

}  // namespace hjb::problems
