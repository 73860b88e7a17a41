// A trained policy: actor network, observation normalisation and action scaling, with the
// deterministic action used for evaluation; and the running normaliser both agents share.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "rl_baselines/nn/mlp.hpp"

namespace hjb::rl {

/// Running mean and variance (Chan et al. parallel update), used to normalise observations and
/// to scale rewards. normalize() clips to +-clip.
struct RunningNormalizer {
  Eigen::VectorXd mean, variance;
  double count = 1e-4;
  double clip = 10.0;
  void resize(int n) {
    mean = Eigen::VectorXd::Zero(n);
    variance = Eigen::VectorXd::Ones(n);
  }
  /// Adds a batch (rows = features, columns = samples).
  void update(const Eigen::MatrixXd& batch);
  Matrix normalize(const Eigen::MatrixXd& batch) const;
};

enum class PolicyKind {
  gaussian,           ///< PPO: action = mean (normalised units), Gaussian exploration
  squashed_gaussian,  ///< SAC: action = tanh(mean)
  categorical         ///< PPO on a discrete action set: logits, action = the most probable one
};

struct Policy {
  std::string algorithm, problem;
  int state_dim = 0;  ///< the problem's state dimension (0: a file from before it was recorded)
  PolicyKind kind = PolicyKind::gaussian;
  Mlp actor;
  bool state_dependent_std = false;
  Vector log_std;  ///< state-independent log standard deviation (PPO)
  bool normalize_observations = false;
  RunningNormalizer observation_normalizer;
  std::vector<double> action_low, action_high;
  /// Categorical policies: the discrete actions (environment units), one per logit.
  std::vector<std::vector<double>> discrete_actions;
  std::map<std::string, double> hyperparameters;
  /// The critic networks the agent trained beside the actor, kept so critic error can be measured:
  /// "state_value" (PPO: one network, V of the prepared observation, in the environment's
  /// discounted-return scale) or "action_value" (SAC: the twin Q networks of [observation, action
  /// in [-1, 1]]); empty: none stored (files from before critics were kept).
  std::string critic_kind;
  std::vector<Mlp> critics;
  /// The critic's output times critic_scale is in the environment's return scale (PPO with reward
  /// normalisation trains its critic on rewards divided by the running standard deviation of the
  /// discounted return: this is that deviation at the end of training; 1 otherwise).
  double critic_scale = 1.0;
  std::uint64_t seed = 0;
  double env_steps = 0;

  int action_dim() const { return static_cast<int>(action_low.size()); }
  /// Normalised observation batch (applies the stored statistics when enabled).
  Matrix prepare(const Eigen::MatrixXd& observations) const;
  /// Maps a normalised action in [-1, 1] to environment units.
  void to_environment(const float* normalized, double* action) const;
  /// Deterministic action for evaluation (environment units).
  void act(const double* observation, double* action) const;
};

}  // namespace hjb::rl
