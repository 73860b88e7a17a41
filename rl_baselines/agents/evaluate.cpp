// Seeded deterministic rollouts of a policy.
#include "rl_baselines/agents/evaluate.hpp"

#include <cmath>
#include <numeric>

#include "solver/core/error.hpp"

namespace hjb::rl {

Evaluation evaluate_policy(const Policy& policy, const Environment& prototype, int episodes, std::uint64_t seed) {
  HJB_CHECK(policy.problem == prototype.problem_name(), ValidationError,
            "the policy was trained on problem '" << policy.problem << "', not '" << prototype.problem_name() << "'");
  HJB_CHECK(policy.actor.input_size() == prototype.observation_dim() && policy.action_dim() == prototype.action_dim(),
            ValidationError, "the policy's dimensions do not match problem '" << prototype.problem_name() << "'");
  HJB_CHECK(episodes >= 1, UsageError, "--episodes must be positive, got " << episodes);
  auto env = prototype.clone();
  std::vector<double> obs(prototype.observation_dim()), action(prototype.action_dim());
  Evaluation e;
  for (int ep = 0; ep < episodes; ++ep) {
    env->reset(seed + static_cast<std::uint64_t>(ep));
    double total = 0.0;
    for (;;) {
      env->observe(obs.data());
      policy.act(obs.data(), action.data());
      const StepResult r = env->step(action.data());
      total += r.reward;
      if (r.terminated || r.truncated) break;
    }
    e.returns.push_back(total);
  }
  const double n = static_cast<double>(episodes);
  e.mean = std::accumulate(e.returns.begin(), e.returns.end(), 0.0) / n;
  double var = 0.0;
  for (double r : e.returns) var += (r - e.mean) * (r - e.mean);
  e.standard_error = episodes > 1 ? std::sqrt(var / (n - 1) / n) : 0.0;
  return e;
}

}  // namespace hjb::rl
