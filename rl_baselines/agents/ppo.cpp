// PPO's options and the pieces of its objective (ppo.hpp); the training loop is ppo_training.cpp.
#include "rl_baselines/agents/ppo.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>

#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

void PpoOptions::validate() const {
  HJB_CHECK(warm_start_steps >= 1, UsageError,
            "--ppo.warm_start_steps must be positive, got " << warm_start_steps);
  HJB_CHECK(noise_correlation >= 0 && noise_correlation < 1, UsageError,
            "--ppo.noise_correlation must be in [0, 1), got " << noise_correlation);
  HJB_CHECK(environments >= 1, UsageError, "--ppo.environments must be positive, got " << environments);
  HJB_CHECK(rollout_steps >= 1, UsageError, "--ppo.rollout_steps must be positive, got " << rollout_steps);
  HJB_CHECK(epochs >= 1, UsageError, "--ppo.epochs must be positive, got " << epochs);
  HJB_CHECK(minibatch >= 1 && minibatch <= environments * rollout_steps, UsageError,
            "--ppo.minibatch must be in [1, environments x rollout_steps], got " << minibatch);
  HJB_CHECK(gamma > 0 && gamma <= 1, UsageError, "--ppo.gamma must be in (0, 1], got " << gamma);
  HJB_CHECK(gae_lambda >= 0 && gae_lambda <= 1, UsageError,
            "--ppo.gae_lambda must be in [0, 1], got " << gae_lambda);
  HJB_CHECK(clip_range > 0, UsageError, "--ppo.clip_range must be positive, got " << clip_range);
  HJB_CHECK(learning_rate > 0, UsageError, "--ppo.learning_rate must be positive, got " << learning_rate);
  HJB_CHECK(max_gradient_norm > 0, UsageError, "--ppo.max_gradient_norm must be positive");
  HJB_CHECK(!hidden.empty(), UsageError, "--ppo.hidden needs at least one layer");
}

std::map<std::string, double> PpoOptions::as_map() const {
  std::map<std::string, double> m;
  visit(*this,
        [&](const char* name, const auto& value, const char*) { m[name] = static_cast<double>(value); });
  m.erase("warm_start_steps");  // not recorded by PPO (policy files stay as they were)
  m["activation_relu"] = activation == Activation::relu;
  for (std::size_t l = 0; l < hidden.size(); ++l) m["hidden_" + std::to_string(l)] = hidden[l];
  return m;
}

std::vector<double> generalized_advantages(const std::vector<double>& rewards,
                                           const std::vector<double>& values,
                                           const std::vector<double>& next_values,
                                           const std::vector<bool>& dones, double gamma, double lambda) {
  std::vector<double> adv(rewards.size());
  double running = 0.0;
  for (std::size_t t = rewards.size(); t-- > 0;) {
    const double keep = dones[t] ? 0.0 : 1.0;
    const double delta = rewards[t] + gamma * keep * next_values[t] - values[t];
    running = delta + gamma * lambda * keep * running;
    adv[t] = running;
  }
  return adv;
}

void rollout_advantages(const std::vector<double>& rewards, const std::vector<double>& values,
                        const std::vector<bool>& dones, const Matrix& last_values, int envs, double gamma,
                        double lambda, std::vector<double>& advantages, std::vector<double>& returns) {
  const int horizon = static_cast<int>(rewards.size()) / envs;
  for (int i = 0; i < envs; ++i) {
    std::vector<double> r(horizon), v(horizon), nv(horizon);
    std::vector<bool> d(horizon);
    for (int t = 0; t < horizon; ++t) {
      const int col = t * envs + i;
      r[t] = rewards[col];
      v[t] = values[col];
      d[t] = dones[col];
      nv[t] = (t + 1 < horizon) ? values[col + envs] : last_values(0, i);
    }
    const auto adv = generalized_advantages(r, v, nv, d, gamma, lambda);
    for (int t = 0; t < horizon; ++t) {
      advantages[t * envs + i] = adv[t];
      returns[t * envs + i] = adv[t] + v[t];
    }
  }
}

double clipped_surrogate(const std::vector<double>& log_prob, const std::vector<double>& old_log_prob,
                         const std::vector<double>& advantages, double clip_range,
                         std::vector<double>* d_log_prob) {
  const double n = static_cast<double>(log_prob.size());
  double loss = 0.0;
  if (d_log_prob) d_log_prob->assign(log_prob.size(), 0.0);
  for (std::size_t i = 0; i < log_prob.size(); ++i) {
    const double ratio = std::exp(log_prob[i] - old_log_prob[i]), a = advantages[i];
    const double unclipped = ratio * a, clipped = std::clamp(ratio, 1.0 - clip_range, 1.0 + clip_range) * a;
    loss -= std::min(unclipped, clipped) / n;
    // The gradient flows only where the unclipped term is the minimum.
    if (d_log_prob && unclipped <= clipped) (*d_log_prob)[i] = -a * ratio / n;
  }
  return loss;
}

}  // namespace hjb::rl
