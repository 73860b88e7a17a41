// Gaussian mixtures in D <= 4 dimensions with full covariances, and the closed form of the heat
// semigroup applied to a mixture's density ratio (the Cole–Hopf solution behind the Föllmer
// sampler, problems/follmer.hpp). Header-only, no MPI, no PETSc, no Eigen: the matrices are at most
// 4 x 4, factored by a hand-written Cholesky.
#pragma once
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "core/error.hpp"

namespace hjb::problems {

template <int D>
using SmallMatrix = std::array<std::array<double, D>, D>;

/// Lower-triangular L with L L^T = A (A symmetric positive definite); throws ValidationError otherwise.
template <int D>
SmallMatrix<D> cholesky(const SmallMatrix<D>& a) {
  SmallMatrix<D> l{};
  for (int i = 0; i < D; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = a[i][j];
      for (int k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
      if (i == j) {
        HJB_CHECK(s > 0.0, ValidationError, "a covariance or precision matrix is not positive definite");
        l[i][i] = std::sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  return l;
}

/// Solves L L^T x = b for x.
template <int D>
std::array<double, D> cholesky_solve(const SmallMatrix<D>& l, std::array<double, D> b) {
  for (int i = 0; i < D; ++i) {
    for (int k = 0; k < i; ++k) b[i] -= l[i][k] * b[k];
    b[i] /= l[i][i];
  }
  for (int i = D - 1; i >= 0; --i) {
    for (int k = i + 1; k < D; ++k) b[i] -= l[k][i] * b[k];
    b[i] /= l[i][i];
  }
  return b;
}

template <int D>
double cholesky_log_det(const SmallMatrix<D>& l) {
  double s = 0.0;
  for (int i = 0; i < D; ++i) s += 2.0 * std::log(l[i][i]);
  return s;
}

/// One mode: weight (normalised by the mixture), mean and covariance.
template <int D>
struct MixtureMode {
  double weight;
  std::array<double, D> mean;
  SmallMatrix<D> covariance;
};

/// log sum_k exp(a_k), stable.
inline double log_sum_exp(const double* a, int n) {
  double m = -std::numeric_limits<double>::infinity();
  for (int k = 0; k < n; ++k) m = std::max(m, a[k]);
  if (!std::isfinite(m)) return m;
  double s = 0.0;
  for (int k = 0; k < n; ++k) s += std::exp(a[k] - m);
  return m + std::log(s);
}

template <int D>
class GaussianMixture {
 public:
  static constexpr int max_modes = 8;
  GaussianMixture() = default;
  explicit GaussianMixture(std::vector<MixtureMode<D>> modes) : m_modes(std::move(modes)) {
    HJB_CHECK(!m_modes.empty() && m_modes.size() <= max_modes, ValidationError,
              "a mixture needs 1 to " << max_modes << " modes");
    double total = 0.0;
    for (const auto& m : m_modes) total += m.weight;
    for (auto& m : m_modes) {
      HJB_CHECK(m.weight > 0.0, ValidationError, "a mixture's weights must be positive");
      m.weight /= total;
      m_covariance_factor.push_back(cholesky<D>(m.covariance));  // Sigma = F F^T
    }
  }
  const std::vector<MixtureMode<D>>& modes() const { return m_modes; }

  double log_density(const std::array<double, D>& x) const {
    double a[max_modes];
    const int n = static_cast<int>(m_modes.size());
    for (int k = 0; k < n; ++k) {
      std::array<double, D> r;
      for (int i = 0; i < D; ++i) r[i] = x[i] - m_modes[k].mean[i];
      const auto s = cholesky_solve<D>(m_covariance_factor[k], r);
      double q = 0.0;
      for (int i = 0; i < D; ++i) q += r[i] * s[i];
      a[k] = std::log(m_modes[k].weight) - 0.5 * q - 0.5 * cholesky_log_det<D>(m_covariance_factor[k]) -
             0.5 * D * std::log(2.0 * std::numbers::pi);
    }
    return log_sum_exp(a, n);
  }

  std::array<double, D> sample(std::mt19937_64& rng) const {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> z(0.0, 1.0);
    double pick = u(rng), acc = 0.0;
    std::size_t k = 0;
    for (; k + 1 < m_modes.size(); ++k) {
      acc += m_modes[k].weight;
      if (pick < acc) break;
    }
    std::array<double, D> e, x = m_modes[k].mean;
    for (int i = 0; i < D; ++i) e[i] = z(rng);
    for (int i = 0; i < D; ++i)
      for (int j = 0; j <= i; ++j) x[i] += m_covariance_factor[k][i][j] * e[j];
    return x;
  }

  /// log h and grad log h for h(x) = integral p(y) / phi(y) N(y; x, tau I) dy, phi = N(0, s2 I),
  /// tau in (0, s2]: per mode, with A = Sigma^-1 + (1/tau - 1/s2) I and b = Sigma^-1 mu + x / tau,
  /// h_k = w_k (s2 / tau)^(D/2) |Sigma|^-1/2 |A|^-1/2 exp(b^T A^-1 b / 2 - mu^T Sigma^-1 mu / 2 - |x|^2 / (2
  /// tau)) and grad log h_k = (A^-1 b - x) / tau.
  void heat_ratio(const std::array<double, D>& x, double tau, double s2, double& log_h,
                  std::array<double, D>& grad) const {
    const int n = static_cast<int>(m_modes.size());
    double a[max_modes];
    std::array<double, D> g[max_modes];
    double xx = 0.0;
    for (int i = 0; i < D; ++i) xx += x[i] * x[i];
    for (int k = 0; k < n; ++k) {
      const auto& mode = m_modes[k];
      const SmallMatrix<D>& sf = m_covariance_factor[k];
      SmallMatrix<D> prec{};  // Sigma^-1, column by column
      for (int j = 0; j < D; ++j) {
        std::array<double, D> e{};
        e[j] = 1.0;
        const auto c = cholesky_solve<D>(sf, e);
        for (int i = 0; i < D; ++i) prec[i][j] = c[i];
      }
      const auto sinv_mu = cholesky_solve<D>(sf, mode.mean);
      SmallMatrix<D> am = prec;
      std::array<double, D> b;
      double mu_q = 0.0;
      for (int i = 0; i < D; ++i) {
        am[i][i] += 1.0 / tau - 1.0 / s2;
        b[i] = sinv_mu[i] + x[i] / tau;
        mu_q += mode.mean[i] * sinv_mu[i];
      }
      const SmallMatrix<D> al = cholesky<D>(am);
      const auto ab = cholesky_solve<D>(al, b);
      double bab = 0.0;
      for (int i = 0; i < D; ++i) bab += b[i] * ab[i];
      a[k] = std::log(mode.weight) + 0.5 * D * std::log(s2 / tau) - 0.5 * cholesky_log_det<D>(sf) -
             0.5 * cholesky_log_det<D>(al) + 0.5 * bab - 0.5 * mu_q - 0.5 * xx / tau;
      for (int i = 0; i < D; ++i) g[k][i] = (ab[i] - x[i]) / tau;
    }
    log_h = log_sum_exp(a, n);
    grad.fill(0.0);
    for (int k = 0; k < n; ++k) {
      const double w = std::exp(a[k] - log_h);
      for (int i = 0; i < D; ++i) grad[i] += w * g[k][i];
    }
  }

 private:
  std::vector<MixtureMode<D>> m_modes;
  std::vector<SmallMatrix<D>> m_covariance_factor;
};

}  // namespace hjb::problems
