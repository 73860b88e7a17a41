// The Föllmer sampler as a stochastic optimal control problem (Föllmer 1985; Tzen & Raginsky 2019;
// Zhang & Chen 2022, "path integral sampler"): on [0, 1],
//
//   dX = u dt + sigma dW,  X_0 = 0,  cost  J(u) = E[ integral |u|^2 / (2 sigma^2) dt + g(X_1) ],
//   g = -log(p / phi),  phi = N(0, sigma^2 I),  p = the target density (a Gaussian mixture).
//
// J(u) = KL(P^u || P^0) + E g(X_1) (Girsanov), minimised by the law P* whose end point has law p:
// the optimally controlled diffusion samples p exactly at s = 1. Its HJB equation is
//   V_s + sigma^2/2 Lap V - sigma^2/2 |grad V|^2 = 0,  V(1, x) = g(x),  u* = -sigma^2 grad V,
// and V = -log h with h(s, x) = E[exp(-g(x + sigma (W_1 - W_s)))] (Cole–Hopf: h solves the
// backward heat equation h_s + sigma^2/2 Lap h = 0), in closed form for a mixture
// (GaussianMixture::heat_ratio with tau = sigma^2 (1 - s)). V(0, 0) = 0 and, for any drift u,
// J(u) - V(0, 0) = KL(P^u || P*) = E_u integral |u - u*|^2 / (2 sigma^2) ds.
//
// Targets: one preset per dimension (1, 2 and 4), well-separated anisotropic modes (below).
#pragma once
#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"
#include "problems/gaussian_mixture.hpp"

namespace hjb::problems {

/// The target mixture of each dimension (weights, means, covariances), the one definition used by
/// the solver, the sampler harness (`hjbench diffusion`) and the tests.
template <int D>
GaussianMixture<D> follmer_target();

template <>
inline GaussianMixture<1> follmer_target<1>() {
  return GaussianMixture<1>({{0.35, {-2.5}, {{{0.25}}}}, {0.65, {2.0}, {{{0.49}}}}});
}

/// Covariance R(angle) diag(s1^2, s2^2) R(angle)^T.
inline SmallMatrix<2> rotated_covariance(double angle_degrees, double s1, double s2) {
  const double a = angle_degrees * std::numbers::pi / 180.0, c = std::cos(a), s = std::sin(a);
  const double v1 = s1 * s1, v2 = s2 * s2;
  return {{{c * c * v1 + s * s * v2, c * s * (v1 - v2)}, {c * s * (v1 - v2), s * s * v1 + c * c * v2}}};
}

template <>
inline GaussianMixture<2> follmer_target<2>() {
  return GaussianMixture<2>({{0.30, {-3.0, 2.0}, rotated_covariance(30.0, 0.9, 0.3)},
                             {0.25, {2.5, 2.5}, rotated_covariance(0.0, 0.4, 0.4)},
                             {0.25, {2.0, -2.5}, rotated_covariance(-45.0, 0.8, 0.25)},
                             {0.20, {-2.5, -2.5}, rotated_covariance(0.0, 0.3, 0.7)}});
}

template <>
inline GaussianMixture<4> follmer_target<4>() {
  SmallMatrix<4> a{}, b{}, c{};
  const double sa[4] = {0.5, 0.7, 0.6, 0.8}, sb[4] = {0.8, 0.5, 0.6, 0.5}, sc[4] = {0.6, 0.6, 0.9, 0.5};
  for (int i = 0; i < 4; ++i) {
    a[i][i] = sa[i] * sa[i];
    b[i][i] = sb[i] * sb[i];
    c[i][i] = sc[i] * sc[i];
  }
  a[0][1] = a[1][0] = 0.6 * sa[0] * sa[1];  // correlated pairs: anisotropic, not axis-aligned
  b[2][3] = b[3][2] = -0.5 * sb[2] * sb[3];
  c[0][2] = c[2][0] = 0.4 * sc[0] * sc[2];
  return GaussianMixture<4>(
      {{0.4, {2.0, 2.0, 0.0, 0.0}, a}, {0.3, {-2.0, 0.0, 2.0, -1.0}, b}, {0.3, {0.0, -2.0, -2.0, 1.5}, c}});
}

template <int D>
struct Follmer {
  static constexpr int dim = D;
  static constexpr ProblemFeatures features{.validate = true};
  static std::string name() { return "follmer"; }
  static std::string description() {
    return "Foellmer sampler: dX = u dt + sigma dW from 0, cost |u|^2/(2 sigma^2) + g(X_1) transports 0 to a "
           "Gaussian mixture (1-, 2-, 4-D; Cole-Hopf closed form)";
  }

  double sigma = 1.0;     ///< noise scale of the reference Brownian motion
  double half_width = 7;  ///< the grid box [-half_width, half_width]^D
  Optimize control_mode = Optimize::minimize;

  template <class F>
  void visit_parameters(F&& f) {
    f("sigma", sigma);
    f("half_width", half_width);
  }
  void validate() const {
    require_positive("sigma", sigma);
    require_positive("half_width", half_width);
  }
  std::array<AxisDomain, D> domain() const {
    std::array<AxisDomain, D> d;
    d.fill({-half_width, half_width, false});
    return d;
  }
  const GaussianMixture<D>& target() const {
    static const GaussianMixture<D> mixture = follmer_target<D>();
    return mixture;
  }

  // SecondOrderProblem (core/problem_interface.hpp): b = 0, q = 0, g = -log(p / phi).
  double noise_scale() const { return sigma; }
  double horizon() const { return 1.0; }
  std::array<double, D> reference_drift(const std::array<double, D>&) const { return {}; }
  double state_cost(const std::array<double, D>&) const { return 0.0; }
  double terminal_cost(const std::array<double, D>& x) const {
    double xx = 0.0;
    for (double c : x) xx += c * c;
    const double log_phi =
        -0.5 * xx / (sigma * sigma) - 0.5 * D * std::log(2.0 * std::numbers::pi * sigma * sigma);
    return log_phi - target().log_density(x);
  }

  /// The closed form V(s, x) and u*(s, x) = -sigma^2 grad V (Cole–Hopf), s in [0, 1].
  double exact_value(double s, const std::array<double, D>& x) const {
    if (s >= 1.0) return terminal_cost(x);
    double log_h;
    std::array<double, D> grad;
    target().heat_ratio(x, sigma * sigma * (1.0 - s), sigma * sigma, log_h, grad);
    return -log_h;
  }
  std::array<double, D> exact_drift(double s, const std::array<double, D>& x) const {
    HJB_CHECK(s < 1.0, ValidationError, "the Foellmer drift is defined for s < 1");
    double log_h;
    std::array<double, D> grad;
    target().heat_ratio(x, sigma * sigma * (1.0 - s), sigma * sigma, log_h, grad);
    for (double& g : grad) g *= sigma * sigma;  // u* = -sigma^2 grad V = sigma^2 grad log h
    return grad;
  }
};

}  // namespace hjb::problems
