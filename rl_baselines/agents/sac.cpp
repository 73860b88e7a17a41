// SAC's options (sac.hpp); the training loop is sac_training.cpp.
#include "rl_baselines/agents/sac.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

void SacOptions::validate() const {
  HJB_CHECK(batch >= 1, UsageError, "--sac.batch must be positive, got " << batch);
  HJB_CHECK(buffer >= batch, UsageError, "--sac.buffer must be at least --sac.batch, got " << buffer);
  HJB_CHECK(learning_starts >= 0, UsageError, "--sac.learning_starts must be non-negative");
  HJB_CHECK(gamma > 0 && gamma <= 1, UsageError, "--sac.gamma must be in (0, 1], got " << gamma);
  HJB_CHECK(tau > 0 && tau <= 1, UsageError, "--sac.tau must be in (0, 1], got " << tau);
  HJB_CHECK(actor_learning_rate > 0 && critic_learning_rate > 0 && alpha_learning_rate > 0, UsageError,
            "--sac.*_learning_rate must be positive");
  HJB_CHECK(initial_alpha > 0, UsageError, "--sac.initial_alpha must be positive");
  HJB_CHECK(model_batch >= 0, UsageError, "--sac.model_batch must be non-negative, got " << model_batch);
  HJB_CHECK(warm_start_steps >= 1, UsageError,
            "--sac.warm_start_steps must be positive, got " << warm_start_steps);
  HJB_CHECK(noise_correlation >= 0 && noise_correlation < 1, UsageError,
            "--sac.noise_correlation must be in [0, 1), got " << noise_correlation);
  HJB_CHECK(!hidden.empty(), UsageError, "--sac.hidden needs at least one layer");
}

std::map<std::string, double> SacOptions::as_map() const {
  std::map<std::string, double> m;
  visit(*this,
        [&](const char* name, const auto& value, const char*) { m[name] = static_cast<double>(value); });
  if (!warm_start_table) m["warm_start_steps"] = 0;
  m["activation_relu"] = activation == Activation::relu;
  for (std::size_t l = 0; l < hidden.size(); ++l) m["hidden_" + std::to_string(l)] = hidden[l];
  return m;
}

}  // namespace hjb::rl
