// Seeded deterministic rollouts of a policy.
#include "rl_baselines/agents/evaluate.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

void require_policy_fits(const Policy& policy, const Environment& prototype) {
  HJB_CHECK(policy.problem == prototype.problem_name(), ValidationError,
            "the policy was trained on problem '" << policy.problem << "', not '" << prototype.problem_name()
                                                  << "'");
  HJB_CHECK(policy.actor.input_size() == prototype.observation_dim() &&
                policy.action_dim() == prototype.action_dim(),
            ValidationError,
            "the policy's dimensions do not match problem '" << prototype.problem_name() << "'");
}

Evaluation evaluate_policy(const Policy& policy, const Environment& prototype, int episodes,
                           std::uint64_t seed) {
  require_policy_fits(policy, prototype);
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
  const SampleSummary s = summarize(e.returns, 0.95, 0);
  e.mean = s.mean;
  e.standard_error = s.standard_error;
  return e;
}

std::vector<double> feedback_cost(const Environment& prototype,
                                  const std::vector<std::vector<double>>& starts,
                                  const std::function<void(const std::vector<double>&, double*)>& feedback,
                                  double gamma, long steps) {
  HJB_CHECK(steps >= 1, UsageError, "--steps must be positive, got " << steps);
  auto env = prototype.clone();
  std::vector<double> action(prototype.action_dim());
  std::vector<double> costs;
  costs.reserve(starts.size());
  for (const auto& x0 : starts) {
    env->set_state(x0);
    double cost = 0.0, discount = 1.0;
    for (long k = 0; k < steps; ++k) {
      feedback(env->state(), action.data());
      env->nearest_action(action.data());  // a discrete action set: the interpolated feedback snapped to it
      const StepResult r = env->step(action.data());
      cost += discount * rl_mapping::value_from_return(r.reward);  // the step's cost = -reward
      discount *= gamma;
      if (r.terminated) break;  // truncation (the episode limit) is ignored on purpose
    }
    costs.push_back(cost);
  }
  return costs;
}

std::vector<double> lookahead_returns(
    const Environment& prototype, const std::vector<std::vector<double>>& starts, long horizon,
    const std::vector<std::vector<double>>& actions,
    const std::function<double(long, const std::vector<double>&)>& cost_to_go, int depth) {
  HJB_CHECK(horizon >= 1, UsageError, "the horizon must be at least 1 step, got " << horizon);
  HJB_CHECK(!actions.empty(), UsageError, "the lookahead needs at least one action");
  HJB_CHECK(depth >= 1 && depth <= 8, UsageError, "--lookahead must be in [1, 8], got " << depth);
  auto env = prototype.clone();
  std::vector<std::unique_ptr<Environment>> probes;
  for (int d = 0; d < depth; ++d) probes.push_back(prototype.clone());
  // The smallest cost of `left` more steps from state x at step k, then V there.
  std::function<double(const std::vector<double>&, long, int)> search = [&](const std::vector<double>& x,
                                                                            long k, int left) {
    double best = std::numeric_limits<double>::infinity();
    Environment& probe = *probes[static_cast<std::size_t>(depth - left)];
    for (const auto& a : actions) {
      probe.set_state(x);
      const StepResult r = probe.step(a.data());
      double q = rl_mapping::value_from_return(r.reward);
      if (!r.terminated && k + 1 < horizon)
        q += left > 1 ? search(probe.state(), k + 1, left - 1) : cost_to_go(k + 1, probe.state());
      best = std::min(best, q);
    }
    return best;
  };
  std::vector<double> returns;
  returns.reserve(starts.size());
  for (const auto& x0 : starts) {
    env->set_state(x0);
    double total = 0.0;
    for (long k = 0; k < horizon; ++k) {
      const std::vector<double> x = env->state();
      std::size_t best = 0;
      double best_q = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < actions.size(); ++i) {
        Environment& probe = *probes[0];
        probe.set_state(x);
        const StepResult r = probe.step(actions[i].data());
        double q = rl_mapping::value_from_return(r.reward);
        if (!r.terminated && k + 1 < horizon)
          q += depth > 1 ? search(probe.state(), k + 1, depth - 1) : cost_to_go(k + 1, probe.state());
        if (q < best_q) {
          best_q = q;
          best = i;
        }
      }
      const StepResult r = env->step(actions[best].data());
      total += r.reward;
      if (r.terminated) break;
    }
    returns.push_back(total);
  }
  return returns;
}

std::vector<double> per_start(
    const StartShare& share, const std::vector<std::vector<double>>& starts,
    const std::function<std::vector<double>(const std::vector<std::vector<double>>&)>& run) {
  HJB_CHECK(share.ranks >= 1 && share.rank >= 0 && share.rank < share.ranks, UsageError,
            "process " << share.rank << " of " << share.ranks);
  HJB_CHECK(share.ranks == 1 || share.sum_over_ranks, UsageError, "several processes need sum_over_ranks");
  if (share.ranks == 1) return run(starts);
  const auto rank = static_cast<std::size_t>(share.rank), ranks = static_cast<std::size_t>(share.ranks);
  std::vector<std::vector<double>> mine;
  for (std::size_t i = rank; i < starts.size(); i += ranks) mine.push_back(starts[i]);
  const std::vector<double> results = run(mine);
  HJB_CHECK(results.size() == mine.size(), RuntimeError, "per_start: one result per start expected");
  std::vector<double> all(starts.size(), 0.0);
  for (std::size_t j = 0; j < mine.size(); ++j) all[rank + j * ranks] = results[j];
  share.sum_over_ranks(all);
  return all;
}

OptimalityGap optimality_gap(const Policy& policy, const Environment& prototype, int episodes,
                             std::uint64_t seed, double gamma,
                             const std::function<double(const std::vector<double>&)>& optimal_value) {
  require_policy_fits(policy, prototype);
  HJB_CHECK(episodes >= 1, UsageError, "--episodes must be positive, got " << episodes);
  auto env = prototype.clone();
  std::vector<double> obs(prototype.observation_dim()), action(prototype.action_dim());
  OptimalityGap g;
  std::vector<double> gaps;
  for (int ep = 0; ep < episodes; ++ep) {
    env->reset(seed + static_cast<std::uint64_t>(ep));
    const double v_star = optimal_value(env->state());
    double cost = 0.0, discount = 1.0, beyond = 0.0;
    bool past_limit = false;
    for (;;) {
      env->observe(obs.data());
      policy.act(obs.data(), action.data());
      const StepResult r = env->step(action.data());
      const double step_cost =
          discount * rl_mapping::value_from_return(r.reward);  // cost of the step = -reward
      cost += step_cost;
      if (past_limit) beyond += step_cost;
      discount *= gamma;
      if (r.terminated) break;
      if (r.truncated) {
        if (gamma >= 1.0) break;  // episodic: the episode's cost
        past_limit = true;        // discounted: V* is infinite-horizon, so J continues
      }
      if (past_limit && discount < 1e-10) break;
    }
    g.mean_beyond_limit += beyond / static_cast<double>(episodes);
    g.discounted_cost.push_back(cost);
    g.optimal_value.push_back(v_star);
    gaps.push_back(cost - v_star);
  }
  const double n = static_cast<double>(episodes);
  g.mean_cost = std::accumulate(g.discounted_cost.begin(), g.discounted_cost.end(), 0.0) / n;
  g.mean_optimal = std::accumulate(g.optimal_value.begin(), g.optimal_value.end(), 0.0) / n;
  const SampleSummary gap = summarize(gaps, 0.95, 0);
  g.mean_gap = gap.mean;
  g.gap_standard_error = gap.standard_error;
  return g;
}

}  // namespace hjb::rl
