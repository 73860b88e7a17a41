// Continuous-time stationary problems with closed-form value functions, for the Markov chain
// approximations (solver/schemes/markov_chain_approximation.hpp): discounted LQR in D dimensions,
// the minimum-time double integrator (exit time) and Merton's consumption-investment problem (a
// controlled diffusion). Each states drift, noise, cost rate, discount rate, control box and its
// exact value. Header-only, no MPI, no PETSc.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <tuple>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"
#include "core/sets.hpp"

namespace hjb::problems {

/// dx_i/dt = a x_i + u_i, cost rate sum_i (q x_i^2 + r u_i^2), discount rate rho, |u_i| <= bound.
/// V(x) = P |x|^2 with P = r [(a - rho/2) + sqrt((a - rho/2)^2 + q/r)] (the discounted scalar
/// Riccati equation q + 2 a P - rho P - P^2 / r = 0), optimal u = -P x / r (not binding while
/// P |x_i| / r <= bound).
template <int D>
struct DiscountedLqr {
  static constexpr int dim = D, control_dim = D;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.validate = true};
  static std::string name() { return "discounted_lqr"; }
  static std::string description() {
    return "discounted LQR dx/dt = a x + u (continuous time, Markov chain approximation), V = P|x|^2";
  }
  double a = 0.0, q = 1.0, r = 1.0, rho = 1.0, bound = 1.0, half_width = 2.0;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("a", a);
    f("q", q);
    f("r", r);
    f("rho", rho);
    f("bound", bound);
    f("half_width", half_width);
  }
  void validate() const {
    require_nonnegative("q", q);
    require_positive("r", r);
    require_positive("rho", rho);
    require_positive("bound", bound);
    require_positive("half_width", half_width);
  }
  std::array<AxisDomain, D> domain() const {
    std::array<AxisDomain, D> d;
    d.fill({-half_width, half_width, false});
    return d;
  }

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

/// Single-input LQR in D dimensions: dx/dt = A x + b u, cost rate x^T x + r u^2, discount rate
/// rho, |u| <= bound. V(x) = x^T P x with P the stabilising solution of the discounted algebraic
/// Riccati equation (A - rho/2 I)^T P + P (A - rho/2 I) - P b b^T P / r + I = 0, computed by
/// Newton-Kleinman iteration (riccati()); the optimal control -b^T P x / r.
template <int D>
struct SingleInputLqr {
  static constexpr int dim = D, control_dim = 1;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.validate = true};
  static std::string name() { return "lqr_single_input"; }
  static std::string description() {
    return "discounted single-input LQR (a chain of lags driven at its end), V = x'Px from the Riccati "
           "equation";
  }
  std::array<std::array<double, D>, D> a{};
  std::array<double, D> b{};
  double r = 1.0, rho = 1.0, bound = 1.5, half_width = 2.0;
  std::array<std::array<double, D>, D> p{};  ///< set by riccati()
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("r", r);
    f("rho", rho);
    f("bound", bound);
    f("half_width", half_width);
  }
  /// Checks the parameters and recomputes P for them (called after parameters are applied).
  void validate() {
    require_positive("r", r);
    require_positive("rho", rho);
    require_positive("bound", bound);
    require_positive("half_width", half_width);
    riccati();
  }
  std::array<AxisDomain, D> domain() const {
    std::array<AxisDomain, D> d;
    d.fill({-half_width, half_width, false});
    return d;
  }

  /// A chain of first-order lags driven at its end: A = -I + superdiagonal, b = e_{D-1}.
  SingleInputLqr() {
    for (int i = 0; i < D; ++i) {
      a[i][i] = -1.0;
      if (i + 1 < D) a[i][i + 1] = 1.0;
    }
    b[D - 1] = 1.0;
    riccati();
  }
  std::array<double, D> drift(const std::array<double, D>& x, const Point<1>& u) const {
    std::array<double, D> f{};
    for (int i = 0; i < D; ++i) {
      for (int j = 0; j < D; ++j) f[i] += a[i][j] * x[j];
      f[i] += b[i] * u[0];
    }
    return f;
  }
  std::array<double, D> noise(const std::array<double, D>&, const Point<1>&) const { return {}; }
  double cost_rate(const std::array<double, D>& x, const Point<1>& u) const {
    double c = r * u[0] * u[0];
    for (double xi : x) c += xi * xi;
    return c;
  }
  double discount_rate() const { return rho; }
  Box<1> action_box() const { return {{-bound}, {bound}}; }
  double exact(const std::array<double, D>& x) const {
    double v = 0.0;
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j) v += x[i] * p[i][j] * x[j];
    return v;
  }
  /// max |residual| of the discounted Riccati equation at p.
  double riccati_residual() const {
    double worst = 0.0;
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j) {
        double e = (i == j ? 1.0 : 0.0), pb_i = 0.0, pb_j = 0.0;
        for (int k = 0; k < D; ++k) {
          const double ak_i = a[k][i] - (k == i ? 0.5 * rho : 0.0),
                       ak_j = a[k][j] - (k == j ? 0.5 * rho : 0.0);
          e += ak_i * p[k][j] + p[i][k] * ak_j;
          pb_i += p[i][k] * b[k];
          pb_j += p[j][k] * b[k];
        }
        worst = std::max(worst, std::abs(e - pb_i * pb_j / r));
      }
    return worst;
  }
  /// Newton-Kleinman from the zero gain (A - rho/2 I must be stable): each step solves the
  /// Lyapunov equation F^T P + P F + I + K^T r K = 0, F = A - rho/2 I - b K, as a D^2 linear
  /// system by Gaussian elimination, then K = b^T P / r.
  void riccati() {
    std::array<double, D> k{};
    for (int it = 0; it < 100; ++it) {
      double f[D][D];
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) f[i][j] = a[i][j] - (i == j ? 0.5 * rho : 0.0) - b[i] * k[j];
      constexpr int n = D * D;
      double m[n][n + 1] = {};
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) {
          const int row = i * D + j;  // equation (i, j): sum_k f[k][i] P[k][j] + P[i][k] f[k][j]
          for (int q = 0; q < D; ++q) {
            m[row][q * D + j] += f[q][i];
            m[row][i * D + q] += f[q][j];
          }
          m[row][n] = -((i == j ? 1.0 : 0.0) + r * k[i] * k[j]);
        }
      for (int c = 0; c < n; ++c) {  // elimination with partial pivoting
        int piv = c;
        for (int row = c + 1; row < n; ++row)
          if (std::abs(m[row][c]) > std::abs(m[piv][c])) piv = row;
        for (int col = 0; col <= n; ++col) std::swap(m[c][col], m[piv][col]);
        for (int row = 0; row < n; ++row) {
          if (row == c) continue;
          const double factor = m[row][c] / m[c][c];
          for (int col = c; col <= n; ++col) m[row][col] -= factor * m[c][col];
        }
      }
      double change = 0.0;
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) {
          const double value = m[i * D + j][n] / m[i * D + j][i * D + j];
          change = std::max(change, std::abs(value - p[i][j]));
          p[i][j] = value;
        }
      for (int j = 0; j < D; ++j) {
        k[j] = 0.0;
        for (int q = 0; q < D; ++q) k[j] += b[q] * p[q][j] / r;
      }
      if (change < 1e-15) break;
    }
  }
};

/// dx/dt = v, dv/dt = u, |u| <= 1, cost rate 1 (time), no discount; target: the sublevel set
/// {T <= tau0} of the minimum time T to the origin, so the exact value is T(x, v) - tau0 outside
/// it (and 0 inside). T = v + 2 sqrt(x + v^2/2) above the switching curve x = -v|v|/2,
/// -v + 2 sqrt(-x + v^2/2) below it.
struct MinTimeDoubleIntegrator {
  static constexpr int dim = 2, control_dim = 1;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true, .validate = true};
  static std::string name() { return "min_time_double_integrator"; }
  static std::string description() {
    return "minimum time of x'' = u, |u| <= 1, to the set {T <= tau0} (exit time, closed form T - tau0)";
  }
  static std::array<const char*, 2> axis_names() { return {"x", "v"}; }
  double tau0 = 1.0, half_width = 2.0;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("tau0", tau0);
    f("half_width", half_width);
  }
  void validate() const {
    require_positive("tau0", tau0);
    require_positive("half_width", half_width);
    HJB_CHECK(
        half_width <= 1e3, UsageError,
        "--problem.half_width must be at most 1000 (the minimum time grows like its square root and the "
        "value iteration like the time over the step), got "
            << half_width);
  }
  std::array<AxisDomain, 2> domain() const {
    return {{{-half_width, half_width, false}, {-half_width, half_width, false}}};
  }

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
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.axis_names = true, .validate = true};
  static std::string name() { return "merton"; }
  static std::string description() {
    return "Merton consumption-investment, CRRA utility, wealth diffusion (1-D, 2 controls, closed form)";
  }
  static std::array<const char*, 1> axis_names() { return {"wealth"}; }
  double r = 0.03, mu = 0.07, sigma = 0.3, p = 0.5, rho = 0.1, max_kappa = 0.3, max_wealth = 2.0;
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("r", r);
    f("mu", mu);
    f("sigma", sigma);
    f("p", p);
    f("rho", rho);
    f("max_kappa", max_kappa);
    f("max_wealth", max_wealth);
  }
  void validate() const {
    HJB_CHECK(sigma > 0 && std::isfinite(sigma), UsageError,
              "--problem.sigma: the volatility must be positive, got "
                  << sigma
                  << " (without volatility the optimal risky fraction is unbounded and the value infinite)");
    HJB_CHECK(p > 0 && p < 1, UsageError,
              "--problem.p: the relative risk aversion must be in (0, 1), got " << p);
    require_positive("rho", rho);
    require_positive("max_kappa", max_kappa);
    require_positive("max_wealth", max_wealth);
    HJB_CHECK(consumption_rate() > 0, UsageError,
              "--problem.rho: too small for these returns (the optimal consumption rate "
                  << consumption_rate() << " must be positive: the value would be infinite)");
  }
  std::array<AxisDomain, 1> domain() const { return {{{0.0, max_wealth, false}}}; }

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
