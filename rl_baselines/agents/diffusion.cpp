#include "rl_baselines/agents/diffusion.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl::diffusion {

Paths euler_maruyama(int dim, double sigma, int steps, std::size_t n, std::uint64_t seed,
                     const BatchDrift& drift, const BatchDrift* reference) {
  HJB_CHECK(dim > 0 && steps > 0 && sigma > 0.0, UsageError,
            "Euler-Maruyama needs a positive dimension, step count and noise scale");
  Paths p;
  p.end.dim = dim;
  p.end.x.assign(n * static_cast<std::size_t>(dim), 0.0);
  p.kl.assign(n, 0.0);
  p.squared.assign(n, 0.0);
  p.energy.assign(n, 0.0);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  const double ds = 1.0 / steps, noise = sigma * std::sqrt(ds);
  std::vector<double> u, r;
  std::vector<double>& x = p.end.x;
  for (int k = 0; k < steps; ++k) {
    const double s = static_cast<double>(k) / steps;
    drift(s, x, u);
    HJB_CHECK(u.size() == x.size(), RuntimeError,
              "a drift returned " << u.size() << " values for " << x.size());
    if (reference) {
      (*reference)(s, x, r);
      for (std::size_t i = 0; i < n; ++i) {
        double d2 = 0.0;
        for (int j = 0; j < dim; ++j) {
          const double d = u[i * dim + j] - r[i * dim + j];
          d2 += d * d;
        }
        p.squared[i] += d2 * ds;
        p.kl[i] += 0.5 * d2 / (sigma * sigma) * ds;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      double u2 = 0.0;
      for (int j = 0; j < dim; ++j) u2 += u[i * dim + j] * u[i * dim + j];
      p.energy[i] += 0.5 * u2 / (sigma * sigma) * ds;
    }
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += u[i] * ds + noise * z(rng);
  }
  return p;
}

namespace {
/// Mean Euclidean distance between the points of a and b (all pairs), or within a (i < j) when
/// `within`.
double mean_distance(const Samples& a, const Samples& b, bool within) {
  const std::size_t n = a.size(), m = b.size();
  const int d = a.dim;
  double total = 0.0;
  std::size_t pairs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double* p = &a.x[i * d];
    for (std::size_t j = within ? i + 1 : 0; j < m; ++j) {
      const double* q = &b.x[j * d];
      double s = 0.0;
      for (int k = 0; k < d; ++k) s += (p[k] - q[k]) * (p[k] - q[k]);
      total += std::sqrt(s);
    }
    pairs += within ? m - i - 1 : m;
  }
  return total / static_cast<double>(pairs);
}
}  // namespace

double energy_distance(const Samples& a, const Samples& b) {
  HJB_CHECK(a.dim == b.dim && a.dim > 0, UsageError,
            "energy distance between samples of different dimensions");
  HJB_CHECK(a.size() >= 2 && b.size() >= 2, UsageError, "energy distance needs at least 2 points per sample");
  return 2.0 * mean_distance(a, b, false) - mean_distance(a, a, true) - mean_distance(b, b, true);
}

NoiseFloor noise_floor(const std::function<Samples(std::size_t n, std::mt19937_64&)>& draw, std::size_t n,
                       int repeats, std::uint64_t seed) {
  HJB_CHECK(repeats >= 2, UsageError, "the noise floor needs at least 2 repeats");
  std::mt19937_64 rng(seed);
  std::vector<double> values;
  for (int r = 0; r < repeats; ++r) {
    const Samples a = draw(n, rng), b = draw(n, rng);
    values.push_back(energy_distance(a, b));
  }
  NoiseFloor f;
  f.repeats = repeats;
  f.size = n;
  for (double v : values) f.mean += v / repeats;
  f.q95 = quantile(values, 0.95);
  return f;
}

}  // namespace hjb::rl::diffusion
