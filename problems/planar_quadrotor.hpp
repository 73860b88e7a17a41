// A planar quadrotor (a 2-D "birotor") that must reach and hold hover at the origin: 6-D state, two
// thrust inputs. Stated exactly below; shared by the solvers, the RL environments and the Python
// module.
#pragma once
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "core/control_problem.hpp"
#include "core/interval.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (x, z, theta, x_dot, z_dot, theta_dot): position in the vertical plane, pitch angle (0
/// level), their rates. Actions a in [-1, 1]^2 (clipped): rotor thrusts u_i = hover_thrust (1 + a_i)
/// with hover_thrust = m g / 2, so a = 0 hovers and each rotor gives between 0 and m g. Equations:
///     x_acc = -(u_1 + u_2) sin theta / m,  z_acc = (u_1 + u_2) cos theta / m - g,
///     theta_acc = arm (u_1 - u_2) / inertia.
/// One step of dt (semi-implicit Euler, in this order): each rate += dt acc and is clipped (speeds
/// to +-max_speed, the pitch rate to +-max_pitch_rate); each position += dt rate; a position past
/// +-room (the walls of a square room) is set to the wall and its speed to 0; theta is wrapped into
/// [-pi, pi]. So every reachable state lies in the box domain() (no axis of the solvers' grids is
/// truncated). Cost of a step from the pre-step state and the clipped action (reward = -cost):
///     c = x^2 + z^2 + 0.1 (x_dot^2 + z_dot^2) + 0.2 (1 - cos theta) + 0.01 theta_dot^2 + 0.01 |a|^2,
/// zero exactly when hovering at the origin. No termination; 100 steps per episode (5 s). Start:
/// x, z uniform on [-1, 1], theta on [-0.2, 0.2], the rates 0. Observation (x, z, cos theta,
/// sin theta, x_dot, z_dot, theta_dot). Continuous model: the same equations (affine in the thrusts)
/// with the hover ball |(x, z)| < target_radius as the target.
struct PlanarQuadrotor {
  static constexpr int dim = 6, control_dim = 2, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true,
                                            .validate = true,
                                            .discrete_step = true,
                                            .environment = true,
                                            .enclosures = true,
                                            .separable_step_cost = true,
                                            .autonomous = true};
  static std::string name() { return "planar_quadrotor"; }
  static std::string description() {
    return "planar quadrotor reaching and holding hover at the origin (6-D, two thrusts, 100 steps)";
  }
  static std::array<const char*, 6> axis_names() {
    return {"x", "z", "theta", "x_dot", "z_dot", "theta_dot"};
  }

  double mass = 1.0, gravity = 9.8, arm = 0.25, inertia = 0.125, dt = 0.05;
  double room = 2.0, max_speed = 3.0, max_pitch_rate = 6.0;
  double episode_steps = 100, discount = 0.99, target_radius = 0.1;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("mass", mass);
    f("gravity", gravity);
    f("arm", arm);
    f("inertia", inertia);
    f("dt", dt);
    f("room", room);
    f("max_speed", max_speed);
    f("max_pitch_rate", max_pitch_rate);
    f("episode_steps", episode_steps);
    f("discount", discount);
    f("target_radius", target_radius);
  }
  void validate() const {
    require_positive("mass", mass);
    require_nonnegative("gravity", gravity);
    require_positive("arm", arm);
    require_positive("inertia", inertia);
    require_in_range("dt", dt, 1.0);
    require_positive("room", room);
    require_positive("max_speed", max_speed);
    require_positive("max_pitch_rate", max_pitch_rate);
    require_whole_positive("episode_steps", episode_steps);
    require_discount("discount", discount);
    require_positive("target_radius", target_radius);
  }

  /// (x_acc, z_acc, theta_acc) under actions (a_1, a_2) already clipped, for T = double or Interval.
  template <class T>
  std::array<T, 3> accelerations(const T& theta, const T& a1, const T& a2) const {
    using std::cos, std::sin;  // double: std's; Interval: hjb's (argument-dependent lookup)
    const double hover = mass * gravity / 2.0;
    const T u1 = hover * (1.0 + a1), u2 = hover * (1.0 + a2), total = u1 + u2;
    return {-(total * sin(theta)) / mass, total * cos(theta) / mass - gravity, arm * (u1 - u2) / inertia};
  }
  static double wrap(double theta) { return std::remainder(theta, 2 * std::numbers::pi); }

  // --- the continuous model (time-dependent solvers) ---
  /// The same accelerations, affine in the actions: the drift at a = 0 (hover thrust), one column per rotor.
  AffineDynamics<6, 2, 0> affine(const State<6>& s, double) const {
    const auto a0 = accelerations<double>(s[2], 0.0, 0.0), a1 = accelerations<double>(s[2], 1.0, 0.0),
               a2 = accelerations<double>(s[2], 0.0, 1.0);
    AffineDynamics<6, 2, 0> f;
    f.drift = {s[3], s[4], s[5], a0[0], a0[1], a0[2]};
    for (int i = 0; i < 3; ++i) f.control[3 + i] = {a1[i] - a0[i], a2[i] - a0[i]};
    return f;
  }
  Box<2> control_set() const { return {{-1.0, -1.0}, {1.0, 1.0}}; }
  Box<0> disturbance_set() const { return {}; }
  double target(const State<6>& s) const { return std::hypot(s[0], s[1]) - target_radius; }
  std::array<AxisDomain, 6> domain() const {
    return {{{-room, room, false},
             {-room, room, false},
             {-std::numbers::pi, std::numbers::pi, true},
             {-max_speed, max_speed, false},
             {-max_speed, max_speed, false},
             {-max_pitch_rate, max_pitch_rate, false}}};
  }

  // --- the MDP (shared by the RL environment and the discrete-time solvers) ---
  double time_step() const { return dt; }
  State<6> discrete_step(const State<6>& s, const Point<2>& action) const {
    const double a1 = std::clamp(action[0], -1.0, 1.0), a2 = std::clamp(action[1], -1.0, 1.0);
    const auto acc = accelerations<double>(s[2], a1, a2);
    State<6> n;
    for (int i = 0; i < 2; ++i) {
      n[3 + i] = std::clamp(s[3 + i] + dt * acc[i], -max_speed, max_speed);
      n[i] = s[i] + dt * n[3 + i];
      if (n[i] > room || n[i] < -room) {
        n[i] = std::clamp(n[i], -room, room);
        n[3 + i] = 0.0;
      }
    }
    n[5] = std::clamp(s[5] + dt * acc[2], -max_pitch_rate, max_pitch_rate);
    n[2] = wrap(s[2] + dt * n[5]);
    return n;
  }
  /// The state part plus the thrusts' part, in that order.
  double step_cost(const State<6>& s, const Point<2>& action) const {
    return state_step_cost(s) + action_step_cost(action);
  }
  double state_step_cost(const State<6>& s) const {
    return s[0] * s[0] + s[1] * s[1] + 0.1 * (s[3] * s[3] + s[4] * s[4]) + 0.2 * (1.0 - std::cos(s[2])) +
           0.01 * s[5] * s[5];
  }
  double action_step_cost(const Point<2>& action) const {
    const double a1 = std::clamp(action[0], -1.0, 1.0), a2 = std::clamp(action[1], -1.0, 1.0);
    return 0.01 * (a1 * a1 + a2 * a2);
  }
  /// Enclosures (core/interval.hpp) of discrete_step and step_cost: the same operations in the same
  /// order; the angle enclosed before wrapping (the box DP wraps the periodic axis 2).
  Box<6> step_enclosure(const Box<6>& s, const Box<2>& action) const {
    const Interval a1 = clamp(axis_interval(action, 0), -1.0, 1.0),
                   a2 = clamp(axis_interval(action, 1), -1.0, 1.0);
    const auto acc = accelerations<Interval>(axis_interval(s, 2), a1, a2);
    Box<6> e;
    for (int i = 0; i < 2; ++i) {
      Interval v = clamp(axis_interval(s, 3 + i) + Interval(dt) * acc[i], -max_speed, max_speed);
      Interval p = axis_interval(s, i) + Interval(dt) * v;
      if (p.hi > room || p.lo < -room) {  // some states stop at a wall
        p = clamp(p, -room, room);
        v = hull(v, Interval(0.0));
      }
      e.lo[i] = p.lo, e.hi[i] = p.hi, e.lo[3 + i] = v.lo, e.hi[3 + i] = v.hi;
    }
    const Interval w = clamp(axis_interval(s, 5) + Interval(dt) * acc[2], -max_pitch_rate, max_pitch_rate);
    const Interval theta = axis_interval(s, 2) + Interval(dt) * w;
    e.lo[2] = theta.lo, e.hi[2] = theta.hi, e.lo[5] = w.lo, e.hi[5] = w.hi;
    return e;
  }
  double step_cost_lower(const Box<6>& s, const Box<2>& action) const {
    const Interval a1 = clamp(axis_interval(action, 0), -1.0, 1.0),
                   a2 = clamp(axis_interval(action, 1), -1.0, 1.0);
    const auto q = [&](int i) { return sqr(axis_interval(s, i)); };
    const double lower = (q(0) + q(1) + Interval(0.1) * (q(3) + q(4)) +
                          Interval(0.2) * (Interval(1.0) - cos(axis_interval(s, 2))) + Interval(0.01) * q(5) +
                          Interval(0.01) * (sqr(a1) + sqr(a2)))
                             .lo;
    return std::max(0.0, lower - 1e-12 * (1.0 + std::abs(lower)));
  }
  Box<6> start_box() const { return {{-1.0, -1.0, -0.2, 0.0, 0.0, 0.0}, {1.0, 1.0, 0.2, 0.0, 0.0, 0.0}}; }
  template <class Rng>
  State<6> sample_start(Rng& rng) const {
    const Box<6> b = start_box();
    State<6> s{};
    for (int i = 0; i < 3; ++i) s[i] = std::uniform_real_distribution<double>(b.lo[i], b.hi[i])(rng);
    return s;
  }
  static constexpr int observation_dim = 7;
  std::array<double, 7> observe(const State<6>& s) const {
    return {s[0], s[1], std::cos(s[2]), std::sin(s[2]), s[3], s[4], s[5]};
  }
  Box<7> observation_box() const {
    return {{-room, -room, -1.0, -1.0, -max_speed, -max_speed, -max_pitch_rate},
            {room, room, 1.0, 1.0, max_speed, max_speed, max_pitch_rate}};
  }
  Box<2> action_box() const { return {{-1.0, -1.0}, {1.0, 1.0}}; }
};

}  // namespace hjb::problems
