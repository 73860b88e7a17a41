// Soft Actor-Critic (Haarnoja et al. 2018, with automatic temperature): twin Q networks, Polyak-
// averaged targets, tanh-squashed Gaussian actor, replay buffer, one update per environment step.
#pragma once
#include "rl_baselines/agents/gaussian.hpp"
#include "rl_baselines/agents/policy.hpp"
#include "rl_baselines/agents/ppo.hpp"
#include "rl_baselines/env/environment.hpp"
#include "tables/value_table.hpp"

namespace hjb::rl {

struct SacOptions {
  int batch = 128;
  int buffer = 1000000;
  int learning_starts = 1000;  ///< uniform random actions before the first update
  double gamma = 0.99, tau = 0.005;
  double actor_learning_rate = 1e-3, critic_learning_rate = 1e-3, alpha_learning_rate = 1e-3;
  double initial_alpha = 1.0;
  double target_entropy = 0.0;  ///< 0: -action_dim
  /// Temporally correlated exploration: the pre-squash noise of the behaviour policy is the AR(1)
  /// process e_t = c e_{t-1} + sqrt(1 - c^2) n_t (unit variance, restarted every episode), and the
  /// random actions before learning starts are tanh(e_t) instead of uniform. 0: independent noise.
  /// The updates still sample fresh independent noise (the policy's distribution is unchanged).
  double noise_correlation = 0.0;
  /// HJB-informed critic (model-based Bellman residual): after each update on real transitions, a
  /// second critic step on `model_batch` synthetic transitions from the known dynamics — states drawn
  /// from the replay buffer, actions uniform over the action box, the problem's own step and cost
  /// queried for s' and r (counted as model queries, not environment steps). 0: off (plain SAC).
  int model_batch = 0;
  /// Critic warm start from a (coarse) value table of the problem: before any environment step,
  /// warm_start_steps Adam steps fit both Q networks to r(s, a) + gamma (1 - d) (-V_table(s')) on
  /// batches of states uniform over the table's box and uniform actions (model queries, counted).
  /// Null: none. The table must fit the environment (check_table_for).
  const ValueTable* warm_start_table = nullptr;
  int warm_start_steps = 2000;
  std::vector<int> hidden{64, 64};
  Activation activation = Activation::relu;

  /// Every scalar option once, as f(name, member, help): the one list from which the command line
  /// (--sac.NAME), the policy file's hyperparameters (as_map) and the Python bindings are built.
  template <class Self, class F>
  static void visit(Self& o, F&& f) {
    f("batch", o.batch, "minibatch size");
    f("buffer", o.buffer, "replay capacity");
    f("learning_starts", o.learning_starts, "uniform random steps before the first update");
    f("gamma", o.gamma, "discount");
    f("tau", o.tau, "Polyak factor of the target critics");
    f("actor_learning_rate", o.actor_learning_rate, "Adam step of the actor");
    f("critic_learning_rate", o.critic_learning_rate, "Adam step of the critics");
    f("alpha_learning_rate", o.alpha_learning_rate, "Adam step of the temperature");
    f("initial_alpha", o.initial_alpha, "initial temperature");
    f("target_entropy", o.target_entropy, "0: -action_dim");
    f("noise_correlation", o.noise_correlation,
      "AR(1) correlation of the exploration noise per step (0: independent)");
    f("model_batch", o.model_batch,
      "HJB-informed critic: synthetic transitions of the known dynamics per update (0: off)");
    f("warm_start_steps", o.warm_start_steps, "critic fitting steps of the warm start");
  }

  void validate() const;  ///< throws UsageError naming --sac.NAME
  /// The options as recorded in a policy file: every visited scalar (warm_start_steps 0 without a
  /// warm-start table), activation_relu and hidden_L.
  std::map<std::string, double> as_map() const;
};

Policy train_sac(const Environment& env, const SacOptions& options, long total_steps, std::uint64_t seed,
                 const CurveCallback& on_progress = {});

/// The soft Bellman target y = r + gamma (1 - terminated) (min(Q1', Q2') - alpha log pi(a'|s')).
inline double soft_bellman_target(double reward, bool terminated, double gamma, double q1_next,
                                  double q2_next, double alpha, double next_log_prob) {
  return reward + gamma * (terminated ? 0.0 : 1.0) * (std::min(q1_next, q2_next) - alpha * next_log_prob);
}

/// log pi(a|s) of the tanh-squashed Gaussian at pre-squash noise eps and log std (one component):
/// -eps^2/2 - log sigma - log(2 pi)/2 - log(1 - tanh(u)^2 + 1e-6), u = mu + sigma eps.
inline double squashed_log_prob(double u, double eps, double log_std) {
  const double t = std::tanh(u);
  return -0.5 * eps * eps - log_std - half_log_two_pi - std::log(1.0 - t * t + 1e-6);
}

}  // namespace hjb::rl
