// PPO's critic warm start from a (coarse) value table of the problem (ppo.hpp).
#include <cmath>
#include <random>

#include "rl_baselines/agents/ppo.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

/// Critic warm start: the value network fitted to -V_table on states uniform over the table's box
/// (the observation and return statistics seeded from one batch first).
double warm_start_value_network(const ValueTable& table, const Environment& prototype, const PpoOptions& o,
                                Policy& policy, Mlp& critic, MlpGradients& critic_grads, Adam& critic_adam,
                                RunningNormalizer& return_stats, std::mt19937_64& rng) {
  const int obs_dim = prototype.observation_dim();
  check_table_for(table, prototype);
  auto probe = prototype.clone();
  const int dim = table.dimension(), wb = 256;
  std::vector<double> x(dim), ob(obs_dim);
  auto sample = [&](Eigen::MatrixXd& raw, std::vector<double>& value) {
    for (int s = 0; s < wb; ++s) {
      for (int d = 0; d < dim; ++d)
        x[d] = std::uniform_real_distribution<double>(table.lo(d), table.hi(d))(rng);
      probe->set_state(x);
      probe->observe(ob.data());
      raw.col(s) = Eigen::Map<Eigen::VectorXd>(ob.data(), obs_dim);
      value[s] = -table.value(x);  // the return scale: V = -return
    }
  };
  Eigen::MatrixXd raw(obs_dim, wb);
  std::vector<double> target(wb);
  double scale = 1.0;
  if (o.normalize_observations || o.normalize_rewards) {  // seed the statistics from one batch
    sample(raw, target);
    if (o.normalize_observations) policy.observation_normalizer.update(raw);
    if (o.normalize_rewards) {
      return_stats.update(Eigen::Map<Eigen::MatrixXd>(target.data(), 1, wb));
      scale = std::sqrt(return_stats.variance[0] + 1e-8);
    }
  }
  MlpWorkspace w_ws;
  Matrix w_d(1, wb);
  for (int it = 0; it < o.warm_start_steps; ++it) {
    sample(raw, target);
    const Matrix& v = critic.forward(policy.prepare(raw), w_ws);
    for (int s = 0; s < wb; ++s) w_d(0, s) = static_cast<float>((v(0, s) - target[s] / scale) / wb);
    critic.backward(w_ws, w_d, critic_grads);
    critic_adam.step(critic.parameters(critic_grads), static_cast<float>(o.learning_rate));
  }
  critic_adam = Adam{};  // training starts with fresh moments
  return static_cast<double>(wb) * o.warm_start_steps;
}

}  // namespace hjb::rl
