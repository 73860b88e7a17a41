// The cart-pole swing-up with a continuous force: Gymnasium's CartPole physics (its equations of
// motion and its semi-implicit Euler integrator), the pole starting down, a track with end stops,
// speed limits and a swing-up cost. Stated exactly below; shared by the solvers, the RL
// environments and the Python module.
#pragma once
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <type_traits>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// State (x, x_dot, phi, phi_dot): cart position and speed, pole angle phi with phi = 0 hanging
/// down and phi = +-pi upright (Gymnasium's theta = phi + pi), pole angular speed. Action a in
/// [-1, 1] (clipped), force F = force_mag a on the cart. One step of dt (Gymnasium CartPole-v1's
/// constants and equations, with cos theta = -cos phi and sin theta = -sin phi):
///     temp    = (F + m_p l phi_dot^2 sin theta) / (m_c + m_p)
///     phi_acc = (g sin theta - cos theta temp) / (l (4/3 - m_p cos^2 theta / (m_c + m_p)))
///     x_acc   = temp - m_p l phi_acc cos theta / (m_c + m_p)
/// then, in this order (Gymnasium's "semi-implicit euler"): x_dot += dt x_acc, clipped to
/// +-max_cart_speed; x += dt x_dot; at the track's ends (|x| > track_limit) the cart stops there
/// (x = +-track_limit, x_dot = 0); phi_dot += dt phi_acc, clipped to +-max_pole_speed;
/// phi += dt phi_dot, wrapped into [-pi, pi]. So every state the task reaches lies in the box
/// domain() (the solvers' grid covers it: no axis is truncated).
/// Cost of a step, from the pre-step state and the clipped action (reward = -cost):
///     c = 1 + cos phi + 0.01 x^2 + 0.01 a^2      (0 upright and still at the centre, 2 hanging)
/// No termination; 100 steps per episode (5 s); start uniform on x, x_dot, phi, phi_dot in
/// [-0.05, 0.05] (CartPole's start box, the pole hanging). Observation (x, x_dot, cos phi, sin phi,
/// phi_dot). Continuous model: the same equations, affine in the force, with the upright band
/// 1 + cos phi < upright_band as the target.
struct CartPoleSwingUp {
  static constexpr int dim = 4, control_dim = 1, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true,
                                            .validate = true,
                                            .discrete_step = true,
                                            .environment = true,
                                            .enclosures = true,
                                            .separable_step_cost = true,
                                            .autonomous = true};
  static std::string name() { return "cartpole_swingup"; }
  static std::string description() {
    return "cart-pole swing-up with a continuous force (CartPole-v1 physics, 4-D, 100 steps)";
  }
  static std::array<const char*, 4> axis_names() { return {"x", "x_dot", "phi", "phi_dot"}; }

  double gravity = 9.8, masscart = 1.0, masspole = 0.1, length = 0.5, force_mag = 10.0, dt = 0.05;
  double track_limit = 2.4, max_cart_speed = 5.0, max_pole_speed = 10.0;
  double episode_steps = 100, discount = 0.99, upright_band = 0.02;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("gravity", gravity);
    f("masscart", masscart);
    f("masspole", masspole);
    f("length", length);
    f("force_mag", force_mag);
    f("dt", dt);
    f("track_limit", track_limit);
    f("max_cart_speed", max_cart_speed);
    f("max_pole_speed", max_pole_speed);
    f("episode_steps", episode_steps);
    f("discount", discount);
    f("upright_band", upright_band);
  }
  void validate() const {
    require_nonnegative("gravity", gravity);
    require_positive("masscart", masscart);
    require_positive("masspole", masspole);
    require_positive("length", length);
    require_nonnegative("force_mag", force_mag);
    require_in_range("dt", dt, 1.0);
    require_positive("track_limit", track_limit);
    require_positive("max_cart_speed", max_cart_speed);
    require_positive("max_pole_speed", max_pole_speed);
    require_whole_positive("episode_steps", episode_steps);
    require_discount("discount", discount);
    require_positive("upright_band", upright_band);
  }

  /// (x_acc, phi_acc) under force F (Gymnasium's expressions), for T = double or Interval.
  template <class T>
  std::array<T, 2> accelerations(const T& phi, const T& phi_dot, const T& force) const {
    using std::cos, std::sin;  // double: std's; Interval: hjb's (argument-dependent lookup)
    const double total_mass = masspole + masscart, polemass_length = masspole * length;
    const T costheta = -cos(phi), sintheta = -sin(phi);
    const T temp = (force + polemass_length * square(phi_dot) * sintheta) / total_mass;
    const T phi_acc = (gravity * sintheta - costheta * temp) /
                      (length * (4.0 / 3.0 - masspole * square(costheta) / total_mass));
    const T x_acc = temp - polemass_length * phi_acc * costheta / total_mass;
    return {x_acc, phi_acc};
  }
  /// x^2: a product for doubles, the tight square for intervals (x * x with 0 inside is wider).
  template <class T>
  static T square(const T& x) {
    if constexpr (std::is_same_v<T, Interval>)
      return sqr(x);
    else
      return x * x;
  }
  static double wrap(double phi) { return std::remainder(phi, 2 * std::numbers::pi); }

  // --- the continuous model (time-dependent solvers) ---
  AffineDynamics<4, 1, 0> affine(const State<4>& s, double) const {
    const auto f0 = accelerations<double>(s[2], s[3], 0.0), f1 = accelerations<double>(s[2], s[3], force_mag);
    AffineDynamics<4, 1, 0> f;
    f.drift = {s[1], f0[0], s[3], f0[1]};
    f.control = {{{0.0}, {f1[0] - f0[0]}, {0.0}, {f1[1] - f0[1]}}};
    return f;
  }
  Box<1> control_set() const { return {{-1.0}, {1.0}}; }
  Box<0> disturbance_set() const { return {}; }
  double target(const State<4>& s) const { return 1.0 + std::cos(s[2]) - upright_band; }
  std::array<AxisDomain, 4> domain() const {
    return {{{-track_limit, track_limit, false},
             {-max_cart_speed, max_cart_speed, false},
             {-std::numbers::pi, std::numbers::pi, true},
             {-max_pole_speed, max_pole_speed, false}}};
  }

  // --- the MDP (shared by the RL environment and the discrete-time solvers) ---
  double time_step() const { return dt; }
  State<4> discrete_step(const State<4>& s, const Point<1>& action) const {
    const double a = std::clamp(action[0], -1.0, 1.0);
    const auto acc = accelerations<double>(s[2], s[3], force_mag * a);
    double x_dot = std::clamp(s[1] + dt * acc[0], -max_cart_speed, max_cart_speed);
    double x = s[0] + dt * x_dot;
    if (x > track_limit || x < -track_limit) {
      x = std::clamp(x, -track_limit, track_limit);
      x_dot = 0.0;
    }
    const double phi_dot = std::clamp(s[3] + dt * acc[1], -max_pole_speed, max_pole_speed);
    return {x, x_dot, wrap(s[2] + dt * phi_dot), phi_dot};
  }
  /// (1 + cos phi + 0.01 x^2) + 0.01 a^2, in that order.
  double step_cost(const State<4>& s, const Point<1>& action) const {
    return state_step_cost(s) + action_step_cost(action);
  }
  double state_step_cost(const State<4>& s) const { return 1.0 + std::cos(s[2]) + 0.01 * s[0] * s[0]; }
  double action_step_cost(const Point<1>& action) const {
    const double a = std::clamp(action[0], -1.0, 1.0);
    return 0.01 * a * a;
  }
  /// Enclosures (core/interval.hpp) of discrete_step and step_cost: the same operations in the same
  /// order. The angle is enclosed before wrapping (the box holds the image modulo 2 pi on the
  /// periodic axis 2, which the box DP wraps).
  Box<4> step_enclosure(const Box<4>& s, const Box<1>& action) const {
    const Interval a = clamp(axis_interval(action, 0), -1.0, 1.0);
    const auto acc =
        accelerations<Interval>(axis_interval(s, 2), axis_interval(s, 3), Interval(force_mag) * a);
    Interval x_dot = clamp(axis_interval(s, 1) + Interval(dt) * acc[0], -max_cart_speed, max_cart_speed);
    Interval x = axis_interval(s, 0) + Interval(dt) * x_dot;
    if (x.hi > track_limit || x.lo < -track_limit) {  // some states stop at an end
      x = clamp(x, -track_limit, track_limit);
      x_dot = hull(x_dot, Interval(0.0));
    }
    const Interval phi_dot =
        clamp(axis_interval(s, 3) + Interval(dt) * acc[1], -max_pole_speed, max_pole_speed);
    const Interval phi = axis_interval(s, 2) + Interval(dt) * phi_dot;
    return {{x.lo, x_dot.lo, phi.lo, phi_dot.lo}, {x.hi, x_dot.hi, phi.hi, phi_dot.hi}};
  }
  double step_cost_lower(const Box<4>& s, const Box<1>& action) const {
    const Interval a = clamp(axis_interval(action, 0), -1.0, 1.0);
    const double lower = (Interval(1.0) + cos(axis_interval(s, 2)) +
                          Interval(0.01) * sqr(axis_interval(s, 0)) + Interval(0.01) * sqr(a))
                             .lo;
    return std::max(0.0, lower - 1e-12 * (1.0 + std::abs(lower)));
  }
  Box<4> start_box() const { return {{-0.05, -0.05, -0.05, -0.05}, {0.05, 0.05, 0.05, 0.05}}; }
  template <class Rng>
  State<4> sample_start(Rng& rng) const {
    const Box<4> b = start_box();
    State<4> s;
    for (int i = 0; i < 4; ++i) s[i] = std::uniform_real_distribution<double>(b.lo[i], b.hi[i])(rng);
    return s;
  }
  static constexpr int observation_dim = 5;
  std::array<double, 5> observe(const State<4>& s) const {
    return {s[0], s[1], std::cos(s[2]), std::sin(s[2]), s[3]};
  }
  Box<5> observation_box() const {
    return {{-track_limit, -max_cart_speed, -1.0, -1.0, -max_pole_speed},
            {track_limit, max_cart_speed, 1.0, 1.0, max_pole_speed}};
  }
  Box<1> action_box() const { return {{-1.0}, {1.0}}; }
};

}  // namespace hjb::problems
