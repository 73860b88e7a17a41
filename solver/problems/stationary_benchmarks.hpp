// Continuous-time stationary problems with closed-form value functions, for the Markov chain
// approximations (solver/schemes/markov_chain_approximation.hpp): discounted LQR in D dimensions,
// the minimum-time double integrator (exit time) and Merton's consumption-investment problem (a
// controlled diffusion). Each states drift, noise, cost rate, discount rate, control box and its
// exact value. Header-only, no MPI, no PETSc.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>

#include "solver/core/sets.hpp"

namespace hjb::problems {

/// dx_i/dt = a x_i + u_i, cost rate sum_i (q x_i^2 + r u_i^2), discount rate rho, |u_i| <= bound.
/// V(x) = P |x|^2 with P = r [(a - rho/2) + sqrt((a - rho/2)^2 + q/r)] (the discounted scalar
/// Riccati equation q + 2 a P - rho P - P^2 / r = 0), optimal u = -P x / r (not binding while
/// P |x_i| / r <= bound).
template <int D>
struct DiscountedLqr {
  static constexpr int dim = D, control_dim = D;
  double a = 0.0, q = 1.0, r = 1.0, rho = 1.0, bound = 1.0, half_width = 1.0;

  std::array<double, D> drift(const std::array<double, D>& x, const Point<D>& u) const {
    std::array<double, D> f;
    for (int i = 0; i < D; ++i) f[i] = a * x[i] + u[i];
    return f;
  }
  std::array<double, D> noise(const std::array<double, D>&, const Point<D>&) const { return {}; }
  double cost_rate(const std::array<double, D>& x, const Point<D>& u) const {
    double c = 0.0;
    for (int i = 0; i < D; ++i) c += q * x[i] * x[i] + r * u[i] * u[i];
    return c;
  }
  double discount_rate() const { return rho; }
  Box<D> action_box() const {
    Box<D> b;
    b.lo.fill(-bound);
    b.hi.fill(bound);
    return b;
  }
  double riccati() const {
    const double s = a - 0.5 * rho;
    return r * (s + std::sqrt(s * s + q / r));
  }
  double exact(const std::array<double, D>& x) const {
    double n2 = 0.0;
    for (double xi : x) n2 += xi * xi;
    return riccati() * n2;
  }
};

/// dx/dt = v, dv/dt = u, |u| <= 1, cost rate 1 (time), no discount; target: the sublevel set
/// {T <= tau0} of the minimum time T to the origin, so the exact value is T(x, v) - tau0 outside
/// it (and 0 inside). T = v + 2 sqrt(x + v^2/2) above the switching curve x = -v|v|/2,
/// -v + 2 sqrt(-x + v^2/2) below it.
struct MinTimeDoubleIntegrator {
  static constexpr int dim = 2, control_dim = 1;
  double tau0 = 1.0, half_width = 2.0;

  std::array<double, 2> drift(const std::array<double, 2>& s, const Point<1>& u) const {
    return {s[1], u[0]};
  }
  std::array<double, 2> noise(const std::array<double, 2>&, const Point<1>&) const { return {}; }
  double cost_rate(const std::array<double, 2>&, const Point<1>&) const { return 1.0; }
  double discount_rate() const { return 0.0; }
  Box<1> action_box() const { return {{-1.0}, {1.0}}; }
  static double minimum_time(const std::array<double, 2>& s) {
    const double x = s[0], v = s[1], curve = x + 0.5 * v * std::abs(v);
    if (curve > 0) return v + 2.0 * std::sqrt(x + 0.5 * v * v);
    if (curve < 0) return -v + 2.0 * std::sqrt(-x + 0.5 * v * v);
    return std::abs(v);
  }
  /// Distance-like measure of how close s is to the switching curve (where V has a kink).
  static double switching_gap(const std::array<double, 2>& s) {
    return std::abs(s[0] + 0.5 * s[1] * std::abs(s[1]));
  }
  bool in_target(const std::array<double, 2>& s) const { return minimum_time(s) <= tau0; }
  double exit_cost(const std::array<double, 2>&) const { return 0.0; }
  double exact(const std::array<double, 2>& s) const { return std::max(minimum_time(s) - tau0, 0.0); }
};

/// Merton: wealth w, fraction pi in the risky asset, consumption c = kappa w;
/// dw = [r w + pi (mu - r) w - kappa w] dt + pi sigma w dW, utility of consumption
/// c^(1-p) / (1-p) discounted at rho, maximised (the cost rate is minus the utility).
/// V(w) = K^(-p) w^(1-p) / (1-p) with K = [rho - (1-p)(r + (mu-r)^2 / (2 p sigma^2))] / p, optimal
/// pi = (mu - r) / (p sigma^2) and kappa = K (inside the control box for the defaults).
struct Merton {
  static constexpr int dim = 1, control_dim = 2;
  double r = 0.03, mu = 0.07, sigma = 0.3, p = 0.5, rho = 0.1, max_kappa = 0.3, max_wealth = 2.0;

  std::array<double, 1> drift(const std::array<double, 1>& w, const Point<2>& c) const {
    return {(r + c[0] * (mu - r) - c[1]) * w[0]};
  }
  std::array<double, 1> noise(const std::array<double, 1>& w, const Point<2>& c) const {
    return {c[0] * sigma * w[0]};
  }
  double cost_rate(const std::array<double, 1>& w, const Point<2>& c) const {
    return -std::pow(c[1] * std::max(w[0], 0.0), 1.0 - p) / (1.0 - p);
  }
  double discount_rate() const { return rho; }
  Box<2> action_box() const { return {{0.0, 0.0}, {1.0, max_kappa}}; }
  double consumption_rate() const {
    return (rho - (1.0 - p) * (r + (mu - r) * (mu - r) / (2.0 * p * sigma * sigma))) / p;
  }
  /// The value as a cost (minus the optimal utility).
  double exact(const std::array<double, 1>& w) const {
    return -std::pow(consumption_rate(), -p) * std::pow(w[0], 1.0 - p) / (1.0 - p);
  }
};

}  // namespace hjb::problems
