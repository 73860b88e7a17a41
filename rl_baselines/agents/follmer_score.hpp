// The Föllmer sampler's table scored against its closed form, and a learned drift scored against
// the exact one (`hjbench diffusion`, scripts/diffusion.sh). Problem: problems/follmer.hpp.
//
//  - the table: V against the Cole–Hopf closed form (mean and max error at every stored time on an
//    inner box), its feedback's path KL against the exact drift, and the energy distance of the
//    samples its feedback transports (Euler–Maruyama, one step per stored interval) to a target
//    sample, next to the noise floor of two independent target samples of the same size;
//  - a learned drift: an MLP D_theta(s, x) ~ E[X_1 | X_s = x] trained by denoising score matching
//    on target samples (Brownian-bridge noising X_s = s Y + sigma sqrt(s (1 - s)) Z, drift
//    u_theta = (D_theta - x) / (1 - s)), scored along its own paths: the drift error
//    integral |u_theta - u*|^2 ds, the path KL(P^theta || P*) = E integral |u_theta - u*|^2 /
//    (2 sigma^2) ds (= J(u_theta) - V(0, 0), the optimality gap of the control problem) with
//    bootstrap intervals, and the energy distance of its samples; a learning curve of the three.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rl_baselines/agents/diffusion.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

struct FollmerOptions {
  std::string table;
  std::size_t samples = 2000;  ///< paths (and target points) per sample set; 0: the value error only
  std::uint64_t seed = 1;
  int repeats = 20;      ///< noise-floor pairs
  double inner = 4.5;    ///< the value error's box: |x_i| <= inner
  int substeps = 1;      ///< Euler–Maruyama steps per stored interval (the feedback linear in time between)
  long train_steps = 0;  ///< 0: no learned drift
  std::uint64_t train_seed = 1;  ///< the first network's initialisation, training data and minibatches
  int train_seeds = 1;           ///< networks trained, with seeds train_seed, train_seed + 1, ...
  int batch = 256;
  std::vector<int> hidden{64, 64};
  double learning_rate = 1e-3;
  std::size_t training_set = 10000;  ///< target samples the network sees
  int curve_points = 6;  ///< learning-curve evaluations (log-spaced up to train_steps), `samples` paths each
};

/// A drift scored along its own Euler–Maruyama paths against the exact drift.
struct DriftScore {
  SampleSummary path_kl;                       ///< per path: integral |u - u*|^2 / (2 sigma^2) ds
  SampleSummary drift_sq;                      ///< per path: integral |u - u*|^2 ds
  double drift_l2 = 0;                         ///< sqrt(mean drift_sq)
  double drift_l2_low = 0, drift_l2_high = 0;  ///< sqrt of drift_sq's interval ends
  double energy_distance = 0;      ///< end points against an independent target sample of the same size
  diffusion::Samples end, target;  ///< the paths' end points and that target sample
};

struct CurvePoint {
  long steps = 0;
  double loss = 0;  ///< the drift-matching loss (mean over the last 100 steps)
  double seconds = 0;
  DriftScore score;
};

struct FollmerReport {
  std::string table;
  int dim = 0, em_steps = 0;
  double sigma = 1, inner = 0;
  std::size_t samples = 0;
  std::uint64_t seed = 0, train_seed = 1;
  double value_error_mean = 0, value_error_max = 0;
  long value_error_points = 0;
  diffusion::NoiseFloor floor;
  DriftScore table_drift;  ///< the table's feedback (the "exact sampler")
  /// The closed-form drift's samples (same steps and noise) against the same target sample: the
  /// Euler–Maruyama step's own part of the exact sampler's distance.
  double closed_form_energy_distance = 0;
  bool learned = false;
  DriftScore learned_drift;  ///< the first network (train_seed), whose curve and samples are kept
  std::vector<CurvePoint> curve;
  double train_seconds = 0;
  std::vector<DriftScore> learned_seeds;  ///< every network, train_seed first (the same paths' noise)

  /// 2-D tables: the target's log density on the table's nodes (row-major), for figures.
  std::vector<double> log_density;
  std::vector<double> axis_lo, axis_hi;
  std::vector<long> axis_n;
};

/// Reads the table (a `follmer` table of `hjbench solve`, mode second_order, uniform stored times
/// on [-1, 0]) and scores it and, with train_steps > 0, a learned drift. Throws ValidationError
/// naming the table for anything else.
FollmerReport score_follmer(const FollmerOptions& options);

/// The report as JSON (without the sample arrays).
std::string follmer_json(const FollmerReport& report);

}  // namespace hjb::rl
