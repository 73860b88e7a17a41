// Running normaliser and deterministic policy evaluation.
#include "rl_baselines/agents/policy.hpp"

#include <algorithm>
#include <cmath>

namespace hjb::rl {

void RunningNormalizer::update(const Eigen::MatrixXd& batch) {
  const double n = static_cast<double>(batch.cols());
  if (n == 0) return;
  const Eigen::VectorXd batch_mean = batch.rowwise().mean();
  const Eigen::VectorXd batch_var = (batch.colwise() - batch_mean).array().square().rowwise().mean();
  const Eigen::VectorXd delta = batch_mean - mean;
  const double total = count + n;
  mean += delta * (n / total);
  const Eigen::VectorXd m2 =
      variance * count + batch_var * n + delta.array().square().matrix() * (count * n / total);
  variance = m2 / total;
  count = total;
}

Matrix RunningNormalizer::normalize(const Eigen::MatrixXd& batch) const {
  const Eigen::ArrayXd inv_std = (variance.array() + 1e-8).rsqrt();
  Eigen::MatrixXd z = ((batch.colwise() - mean).array().colwise() * inv_std).matrix();
  return z.cwiseMax(-clip).cwiseMin(clip).cast<float>();
}

Matrix Policy::prepare(const Eigen::MatrixXd& observations) const {
  if (normalize_observations) return observation_normalizer.normalize(observations);
  return observations.cast<float>();
}

void Policy::to_environment(const float* normalized, double* action) const {
  for (int j = 0; j < action_dim(); ++j) {
    const double center = 0.5 * (action_high[j] + action_low[j]),
                 half = 0.5 * (action_high[j] - action_low[j]);
    action[j] = center + half * static_cast<double>(normalized[j]);
  }
}

void Policy::act(const double* observation, double* action) const {
  Eigen::MatrixXd obs = Eigen::Map<const Eigen::VectorXd>(observation, actor.input_size());
  const Vector out = actor.predict(prepare(obs).col(0));
  if (kind == PolicyKind::categorical) {
    Eigen::Index best;
    out.maxCoeff(&best);
    const auto& chosen = discrete_actions.at(static_cast<std::size_t>(best));
    std::copy(chosen.begin(), chosen.end(), action);
    return;
  }
  Vector a = out.head(action_dim());
  if (kind == PolicyKind::squashed_gaussian)
    a = a.array().tanh();
  else
    a = a.cwiseMax(-1.0f).cwiseMin(1.0f);
  to_environment(a.data(), action);
}

}  // namespace hjb::rl
