// Policy files (HDF5): actor weights, normalisation statistics, action bounds, problem,
// algorithm, hyperparameters, seed and version; written atomically (PATH.tmp, then rename).
//
//   /                     attributes: format = "hjbench-policy", format_version = 1, algorithm,
//                         problem, state_dim (the problem's dimension; absent in older files),
//                         kind, activation, layer_sizes, state_dependent_std,
//                         normalize_observations, seed, env_steps, project_version, kernels (the
//                         dense-kernel variant that trained it: avx512, avx2+fma or portable)
//   /actor/weight_K       float32 (out, in), row-major as h5py shows it
//   /actor/bias_K         float32 (out)
//   /log_std              float32 (action_dim)
//   /observation_mean, /observation_variance   float64 (observation_dim); attribute count
//   /action_low, /action_high                  float64 (action_dim)
//   /hyperparameters      attributes: every training option
//   /critic               (when the agent kept one) attributes: kind = state_value (PPO: V of the
//                         prepared observation) or action_value (SAC: Q of [observation, action in
//                         [-1, 1]], twin networks), count, scale (output x scale = the return
//                         scale: PPO's reward-normalisation deviation, else 1; a file without it
//                         whose PPO normalised rewards loads without its critic); /critic/net_J:
//                         attributes layer_sizes, activation; weight_K, bias_K as for the actor
#pragma once
#include <string>

#include "rl_baselines/agents/policy.hpp"

namespace hjb::rl {

void save_policy(const std::string& path, const Policy& policy);
/// Every number the policy acts with (actor weights and biases, log std, observation statistics) is finite.
bool policy_is_finite(const Policy& policy);

/// Throws ValidationError naming the path for a missing, corrupt or foreign file.
Policy load_policy(const std::string& path);

}  // namespace hjb::rl
