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

  /// Every scalar option once, as f(name, member, help): the one list from which the command line
  /// (--ppo.NAME), the policy file's hyperparameters (as_map) and the Python bindings are built.
  /// The hidden widths, the activation and the warm-start table are not scalars and are listed apart.
  template <class Self, class F>
  static void visit(Self& o, F&& f) {
    f("environments", o.environments, "parallel environments");
    f("rollout_steps", o.rollout_steps, "steps per environment per rollout");
    f("epochs", o.epochs, "passes over each rollout");
    f("minibatch", o.minibatch, "minibatch size");
    f("gamma", o.gamma, "discount");
    f("gae_lambda", o.gae_lambda, "GAE lambda");
    f("clip_range", o.clip_range, "ratio clip epsilon");
    f("value_clip", o.value_clip, "value clip range (0: off)");
    f("entropy_coefficient", o.entropy_coefficient, "entropy bonus");
    f("value_coefficient", o.value_coefficient, "value loss weight");
    f("learning_rate", o.learning_rate, "Adam step (linearly annealed)");
    f("anneal_learning_rate", o.anneal_learning_rate, "anneal to 0");
    f("max_gradient_norm", o.max_gradient_norm, "gradient clip");
    f("initial_log_std", o.initial_log_std, "initial log std");
    f("noise_correlation", o.noise_correlation,
      "AR(1) correlation of the exploration noise per step (0: independent)");
    f("model_batch", o.model_batch,
      "HJB-informed value network: rollout states per minibatch stepped by the known dynamics (0: off)");
    f("warm_start_steps", o.warm_start_steps, "value-network fitting steps of the warm start");
    f("state_dependent_std", o.state_dependent_std,
      "exploration noise from the network (true) or a free parameter (false)");
    f("normalize_observations", o.normalize_observations, "running mean/std normalisation of observations");
    f("normalize_rewards", o.normalize_rewards, "rewards scaled by the running std of the discounted return");
    f("normalize_advantages", o.normalize_advantages, "advantages normalised per minibatch");
  }

  /// Throws UsageError naming the option (--ppo.NAME).
  void validate() const;
  /// The options as recorded in a policy file: every visited scalar but warm_start_steps,
  /// activation_relu and hidden_L.
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

/// PPO's critic warm start (PpoOptions::warm_start_table): `warm_start_steps` Adam steps fit the
/// value network to -V_table(s) on batches of 256 states uniform over the table's box, after the
/// observation and return statistics are seeded from one batch; the Adam moments are reset after.
/// Returns the model queries it made. Throws ValidationError for a table of another problem.
double warm_start_value_network(const ValueTable& table, const Environment& prototype, const PpoOptions& o,
                                Policy& policy, Mlp& critic, MlpGradients& critic_grads, Adam& critic_adam,
                                RunningNormalizer& return_stats, std::mt19937_64& rng);

// --- pieces exposed for tests ---

/// GAE over a rollout of `envs` environments laid out column = t * envs + i: per environment the
/// advantages and the returns (advantage + value); `last_values(0, i)` is V after the last step.
void rollout_advantages(const std::vector<double>& rewards, const std::vector<double>& values,
                        const std::vector<bool>& dones, const Matrix& last_values, int envs, double gamma,
                        double lambda, std::vector<double>& advantages, std::vector<double>& returns);

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
