// The Föllmer sampler's closed form and the diffusion harness against independent computations:
// the Cole–Hopf value satisfies its HJB equation (finite differences) and its terminal condition,
// the mixture sampler has the mixture's moments, the energy distance matches its closed form for two
// Gaussians, and the path KL is 0 for the exact drift and |c|^2 / (2 sigma^2) for a constant offset
// c — equal, by Girsanov, to the control cost's excess J(u* + c) - J(u*) measured by Monte Carlo.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>

#include "problems/follmer.hpp"
#include "rl_baselines/agents/diffusion.hpp"

using namespace hjb;
using namespace hjb::rl::diffusion;

namespace {

/// V_s + sigma^2/2 Lap V - sigma^2/2 |grad V|^2 at (s, x) by central differences of step h.
template <int D>
double hjb_residual(const problems::Follmer<D>& p, double s,
                    std::array<double, static_cast<std::size_t>(D)> x, double h) {
  const double v = p.exact_value(s, x);
  const double vs = (p.exact_value(s + h, x) - p.exact_value(s - h, x)) / (2 * h);
  double lap = 0.0, grad2 = 0.0;
  for (int a = 0; a < D; ++a) {
    auto xp = x, xm = x;
    xp[a] += h;
    xm[a] -= h;
    const double vp = p.exact_value(s, xp), vm = p.exact_value(s, xm);
    lap += (vp - 2 * v + vm) / (h * h);
    grad2 += std::pow((vp - vm) / (2 * h), 2);
  }
  const double s2 = p.sigma * p.sigma;
  return vs + 0.5 * s2 * lap - 0.5 * s2 * grad2;
}

template <int D>
void check_closed_form(double sigma) {
  problems::Follmer<D> p;
  p.sigma = sigma;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-3.0, 3.0), time(0.05, 0.95);
  for (int trial = 0; trial < 20; ++trial) {
    std::array<double, D> x;
    for (auto& c : x) c = u(rng);
    const double s = time(rng);
    // Each term is O(1-10); the central differences are accurate to ~h^2 * (4th derivatives).
    EXPECT_NEAR(hjb_residual(p, s, x, 1e-3), 0.0, 2e-3) << "s = " << s << ", x0 = " << x[0];
    // u* = -sigma^2 grad V.
    const auto drift = p.exact_drift(s, x);
    for (int a = 0; a < D; ++a) {
      auto xp = x, xm = x;
      xp[a] += 1e-5;
      xm[a] -= 1e-5;
      const double dv = (p.exact_value(s, xp) - p.exact_value(s, xm)) / 2e-5;
      EXPECT_NEAR(drift[a], -sigma * sigma * dv, 1e-4 * (1 + std::abs(drift[a])));
    }
    // V(s, x) -> g(x) as s -> 1.
    EXPECT_NEAR(p.exact_value(1.0 - 1e-9, x), p.terminal_cost(x), 1e-4 * (1 + std::abs(p.terminal_cost(x))));
  }
  // h(0, 0) = integral p = 1: V(0, 0) = 0.
  EXPECT_NEAR(p.exact_value(0.0, std::array<double, D>{}), 0.0, 1e-12);
}

TEST(FollmerClosedForm, SolvesItsHjbEquationIn1D2DAnd4D) {
  check_closed_form<1>(1.0);
  check_closed_form<2>(1.0);
  check_closed_form<2>(0.7);
  check_closed_form<4>(1.0);
}

TEST(FollmerClosedForm, MixtureSamplesHaveTheMixturesMoments) {
  problems::Follmer<2> p;
  std::mt19937_64 rng(3);
  const int n = 200000;
  double mean[2] = {0, 0}, m2[2] = {0, 0};
  for (int i = 0; i < n; ++i) {
    const auto y = p.target().sample(rng);
    for (int a = 0; a < 2; ++a) {
      mean[a] += y[a] / n;
      m2[a] += y[a] * y[a] / n;
    }
  }
  // The mixture's mean and second moments from its modes.
  double want[2] = {0, 0}, want2[2] = {0, 0};
  for (const auto& m : p.target().modes())
    for (int a = 0; a < 2; ++a) {
      want[a] += m.weight * m.mean[a];
      want2[a] += m.weight * (m.covariance[a][a] + m.mean[a] * m.mean[a]);
    }
  for (int a = 0; a < 2; ++a) {
    const double sd = std::sqrt(want2[a] - want[a] * want[a]);
    EXPECT_NEAR(mean[a], want[a], 4 * sd / std::sqrt(n));
    EXPECT_NEAR(m2[a], want2[a], 0.02 * want2[a]);
  }
  // The density integrates to 1 (a 2-D Riemann sum over a box holding the mass).
  double mass = 0.0;
  const double h = 0.02;
  for (double x = -8; x < 8; x += h)
    for (double y = -8; y < 8; y += h) mass += std::exp(p.target().log_density({x, y})) * h * h;
  EXPECT_NEAR(mass, 1.0, 1e-6);
}

/// E|N(mu, s^2)| in closed form.
double mean_abs_normal(double mu, double s) {
  const double phi = std::exp(-mu * mu / (2 * s * s)) / std::sqrt(2 * std::numbers::pi);
  const double cdf = 0.5 * std::erfc(mu / (s * std::sqrt(2.0)));  // P(N(0,1) > mu/s) = Phi(-mu/s)
  return 2 * s * phi + mu * (1 - 2 * cdf);
}

TEST(EnergyDistance, MatchesTheClosedFormForTwoGaussians) {
  // 1-D: X ~ N(0, 1), Y ~ N(delta, 1): 2 E|X - Y| - E|X - X'| - E|Y - Y'| with X - Y ~ N(-delta, 2).
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z(0.0, 1.0);
  for (double delta : {0.0, 0.3, 1.0}) {
    Samples a{1, {}}, b{1, {}};
    for (int i = 0; i < 3000; ++i) {
      a.x.push_back(z(rng));
      b.x.push_back(delta + z(rng));
    }
    const double exact =
        2 * mean_abs_normal(delta, std::sqrt(2.0)) - 2 * mean_abs_normal(0.0, std::sqrt(2.0));
    EXPECT_NEAR(energy_distance(a, b), exact, 0.01) << "delta " << delta;
  }
}

TEST(PathKl, ZeroForTheExactDriftAndHalfTheOffsetSquaredForAConstantOffset) {
  problems::Follmer<2> p;
  p.sigma = 0.8;
  const BatchDrift exact = [&](double s, const std::vector<double>& x, std::vector<double>& u) {
    u.resize(x.size());
    for (std::size_t i = 0; i < x.size() / 2; ++i) {
      const auto d = p.exact_drift(s, {x[2 * i], x[2 * i + 1]});
      u[2 * i] = d[0];
      u[2 * i + 1] = d[1];
    }
  };
  const double c[2] = {2.0, -1.2};
  const BatchDrift offset = [&](double s, const std::vector<double>& x, std::vector<double>& u) {
    exact(s, x, u);
    for (std::size_t i = 0; i < u.size(); ++i) u[i] += c[i % 2];
  };
  const int steps = 100;
  const std::size_t n = 16000;
  const Paths same = euler_maruyama(2, p.sigma, steps, n, 5, exact, &exact);
  for (double kl : same.kl) ASSERT_EQ(kl, 0.0);
  const double half_c2 = 0.5 * (c[0] * c[0] + c[1] * c[1]) / (p.sigma * p.sigma);
  const Paths moved = euler_maruyama(2, p.sigma, steps, n, 5, offset, &exact);
  for (double kl : moved.kl) ASSERT_NEAR(kl, half_c2, 1e-12);
  // Girsanov: J(u* + c) - J(u*) = KL(P^{u*+c} || P*) = |c|^2 / (2 sigma^2), J = E[energy + g(X_1)];
  // paired noise, so the difference's standard error is small.
  std::vector<double> diff(n);
  double mean = 0.0, j_exact = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double ge = p.terminal_cost({same.end.x[2 * i], same.end.x[2 * i + 1]});
    const double gm = p.terminal_cost({moved.end.x[2 * i], moved.end.x[2 * i + 1]});
    diff[i] = (moved.energy[i] + gm) - (same.energy[i] + ge);
    mean += diff[i] / n;
    j_exact += (same.energy[i] + ge) / n;
  }
  double var = 0.0, var_j = 0.0;
  for (double d : diff) var += (d - mean) * (d - mean) / (n - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const double j = same.energy[i] + p.terminal_cost({same.end.x[2 * i], same.end.x[2 * i + 1]});
    var_j += (j - j_exact) * (j - j_exact) / (n - 1);
  }
  const double se_j = std::sqrt(var_j / n);
  const double se = std::sqrt(var / n);
  std::printf(
      "  path KL of u* + c: %.6f (|c|^2 / (2 sigma^2) = %.6f); J(u* + c) - J(u*) by Monte Carlo: %.4f +- "
      "%.4f; "
      "J(u*) = %.4f +- %.4f (V(0, 0) = 0)\n",
      moved.kl[0], half_c2, mean, se, j_exact, se_j);
  EXPECT_NEAR(mean, half_c2, 4 * se + 0.02 * half_c2) << "standard error " << se;
  // And J(u*) = V(0, 0) = 0 up to the Monte Carlo error and the Euler-Maruyama step's bias.
  EXPECT_NEAR(j_exact, 0.0, 4 * se_j + 0.02);
}

}  // namespace
