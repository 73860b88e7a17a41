// Controlled diffusions scored like policies (`hjbench diffusion`): Euler–Maruyama paths of
// dX = u(s, X) ds + sigma dW from X_0 = 0 under a drift given on batches, the path-space KL between
// two drifts along those paths (Girsanov), and the energy distance between samples with the noise
// floor of two independent target samples. No MPI, no PETSc.
#pragma once
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace hjb::rl::diffusion {

/// n points in `dim` dimensions, row-major (x[i * dim + j]).
struct Samples {
  int dim = 0;
  std::vector<double> x;
  std::size_t size() const { return dim > 0 ? x.size() / static_cast<std::size_t>(dim) : 0; }
};

/// A drift on a batch: u[i * dim + j] = u_j(s, x_i) for the n = x.size() / dim points.
using BatchDrift = std::function<void(double s, const std::vector<double>& x, std::vector<double>& u)>;

/// What Euler–Maruyama paths leave: their end points and, per path, the integrals
/// kl = integral |u - u_ref|^2 / (2 sigma^2) ds and squared = integral |u - u_ref|^2 ds
/// (left-point sums over the steps; zero without a reference), and the control cost `energy`.
struct Paths {
  Samples end;
  std::vector<double> kl, squared;
  std::vector<double> energy;  ///< per path: integral |u|^2 / (2 sigma^2) ds (the control cost)
};

/// n paths of dX = drift(s, X) ds + sigma dW on [0, 1] from X_0 = 0 in `steps` equal steps
/// (s_k = k / steps, the drift evaluated at s_k), Gaussian increments from one generator seeded by
/// `seed`. With a reference drift, the per-path integrals against it along these paths:
/// E kl = KL(P^drift || P^reference) by Girsanov (exact in the step -> 0 limit).
Paths euler_maruyama(int dim, double sigma, int steps, std::size_t n, std::uint64_t seed,
                     const BatchDrift& drift, const BatchDrift* reference = nullptr);

/// The energy distance 2 E|X - Y| - E|X - X'| - E|Y - Y'| (Székely & Rizzo 2013) between the
/// samples' laws, with the within-sample means as U-statistics (unbiased). Zero iff the laws are
/// equal; its estimate between two samples of one law fluctuates around 0 at order 1 / n.
double energy_distance(const Samples& a, const Samples& b);

/// The noise floor of energy_distance for samples of size n: its values between `repeats` pairs of
/// independent samples drawn by `draw` (the 95th percentile is the acceptance line).
struct NoiseFloor {
  double mean = 0, q95 = 0;
  int repeats = 0;
  std::size_t size = 0;
};
NoiseFloor noise_floor(const std::function<Samples(std::size_t n, std::mt19937_64&)>& draw, std::size_t n,
                       int repeats, std::uint64_t seed);

}  // namespace hjb::rl::diffusion
