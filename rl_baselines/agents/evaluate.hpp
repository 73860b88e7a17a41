// Deterministic evaluation of a policy on seeded episodes: mean return and its standard error.
#pragma once
#include <cstdint>
#include <vector>

#include "rl_baselines/agents/policy.hpp"
#include "rl_baselines/env/environment.hpp"

namespace hjb::rl {

struct Evaluation {
  std::vector<double> returns;
  double mean = 0.0, standard_error = 0.0;
};

/// Runs `episodes` episodes; episode e starts from env.reset(seed + e). Throws ValidationError if
/// the policy was trained on another problem or with other dimensions.
Evaluation evaluate_policy(const Policy& policy, const Environment& env, int episodes, std::uint64_t seed);

}  // namespace hjb::rl
