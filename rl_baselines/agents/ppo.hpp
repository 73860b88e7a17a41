// Proximal Policy Optimization (Schulman et al. 2017) for continuous actions: clipped objective,
// GAE(lambda), optional value clipping, advantage/observation normalisation, reward scaling,
// state-independent or state-dependent Gaussian noise, entropy bonus, minibatch epochs,
// linear learning-rate decay.
#pragma once
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "rl_baselines/agents/gaussian.hpp"
#include "rl_baselines/agents/policy.hpp"
#include "rl_baselines/env/environment.hpp"
#include "tables/value_table.hpp"

namespace hjb::rl {

struct PpoOptions {
  int environments = 4;
  int rollout_steps = 1024;  ///< per environment
  int epochs = 10;
  int minibatch = 256;
  double gamma = 0.97, gae_lambda = 0.95;
  double clip_range = 0.2;
  double value_clip = 0.0;  ///< 0: no value clipping
  double entropy_coefficient = 0.0, value_coefficient = 0.5;
  double learning_rate = 1e-3;
  bool anneal_learning_rate = true;
  double max_gradient_norm = 0.5;
  double initial_log_std = 0.0;
  bool state_dependent_std = false;
  /// Temporally correlated exploration (continuous actions): the Gaussian noise of each environment
  /// is the AR(1) process e_t = c e_{t-1} + sqrt(1 - c^2) n_t (unit variance, restarted every
  /// episode); the log-probabilities are the policy's Gaussian ones, as with independent noise.
  double noise_correlation = 0.0;
  /// Critic warm start from a (coarse) value table of the problem: before the first rollout,
  /// warm_start_steps Adam steps fit the value network to -V_table(s) on batches of states uniform
  /// over the table's box (in the normalised-reward scale when rewards are normalised: the return
  /// scale and the observation statistics are seeded from those states). Null: none.
  const ValueTable* warm_start_table = nullptr;
  int warm_start_steps = 2000;
  /// HJB-informed value network (model-based Bellman residual): after each minibatch's critic step,
  /// a second step on `model_batch` states of the rollout, with targets r/scale + gamma (1 - d) V(s')
  /// from the known dynamics under the current deterministic policy (model queries, counted). 0: off.
  int model_batch = 0;
  bool normalize_observations = true, normalize_rewards = true, normalize_advantages = true;
  std::vector<int> hidden{64, 64};
  Activation activation = Activation::tanh;

  /// Throws UsageError naming the option (--ppo.NAME).
  void validate() const;
  std::map<std::string, double> as_map() const;
};

/// One point of a learning curve.
struct Policy;
struct CurvePoint {
  double env_steps, wall_seconds, mean_return;
  /// The policy being trained, as it acts at this point (for evaluations during training).
  const Policy* policy = nullptr;
};
using CurveCallback = std::function<void(const CurvePoint&)>;

/// Trains on `env` for `total_steps` environment steps. Deterministic for a given seed and build.
Policy train_ppo(const Environment& env, const PpoOptions& options, long total_steps, std::uint64_t seed,
                 const CurveCallback& on_progress = {});

// --- pieces exposed for tests ---

/// Generalised advantage estimation over one environment's trajectory of length T:
/// delta_t = r_t + gamma (1 - done_t) V(s_{t+1}) - V(s_t), A_t = delta_t + gamma lambda (1 - done_t) A_{t+1}.
/// `next_values[t]` is V(s_{t+1}) (the value of the observation after step t).
std::vector<double> generalized_advantages(const std::vector<double>& rewards,
                                           const std::vector<double>& values,
                                           const std::vector<double>& next_values,
                                           const std::vector<bool>& dones, double gamma, double lambda);

/// log N(a; mu, exp(log_std)) of one component and its derivatives d/dmu = z / sigma and
/// d/dlog_std = z^2 - 1, with z = (a - mu) / sigma.
inline double gaussian_log_prob(double a, double mu, double log_std, double* d_mu = nullptr,
                                double* d_log_std = nullptr) {
  const double sigma = std::exp(log_std), z = (a - mu) / sigma;
  if (d_mu) *d_mu = z / sigma;
  if (d_log_std) *d_log_std = z * z - 1.0;
  return -0.5 * z * z - log_std - half_log_two_pi;
}

/// Clipped surrogate loss L = -mean(min(r A, clip(r, 1 - eps, 1 + eps) A)), r = exp(logp - logp_old),
/// and dL/dlogp per sample.
double clipped_surrogate(const std::vector<double>& log_prob, const std::vector<double>& old_log_prob,
                         const std::vector<double>& advantages, double clip_range,
                         std::vector<double>* d_log_prob);

}  // namespace hjb::rl
