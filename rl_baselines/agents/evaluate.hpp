// Deterministic evaluation of a policy on seeded episodes: mean return and its standard error.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "rl_baselines/agents/policy.hpp"
#include "rl_baselines/env/environment.hpp"

namespace hjb::rl {

struct Evaluation {
  std::vector<double> returns;
  double mean = 0.0, standard_error = 0.0;
};

/// How far a policy is from optimal, per episode start x0: its discounted cost
/// J(x0) = sum_k gamma^k cost_k over the episode and the optimal value V*(x0) from a table.
struct OptimalityGap {
  std::vector<double> discounted_cost, optimal_value;
  double mean_cost = 0.0, mean_optimal = 0.0, mean_gap = 0.0, gap_standard_error = 0.0;
  /// Discounted (gamma < 1): the mean part of J collected after the episode limit (J continues the
  /// same policy past it until gamma^k < 1e-10, since V* is an infinite-horizon value).
  double mean_beyond_limit = 0.0;
};

/// Same episodes as evaluate_policy; `optimal_value(state)` gives V* at a start state (e.g.
/// interpolated in an hjbench table solved with the same discount). With gamma < 1 the policy keeps
/// acting past the episode limit until gamma^k < 1e-10 (a truncated J would understate the cost of a
/// policy that has not stabilised); with gamma = 1 (episodic) J is the episode's cost.
OptimalityGap optimality_gap(const Policy& policy, const Environment& env, int episodes, std::uint64_t seed,
                             double gamma,
                             const std::function<double(const std::vector<double>&)>& optimal_value);

/// The discounted cost a state-feedback law achieves from each start on the problem's own step:
/// J(x0) = sum_{k < steps} gamma^k cost(x_k, u(x_k)), ignoring the episode limit (a terminal state
/// ends the sum). Any feedback is feasible, so J(x0) bounds the optimal V*(x0) from above up to the
/// neglected tail gamma^steps * (largest step cost) / (1 - gamma).
std::vector<double> feedback_cost(const Environment& env, const std::vector<std::vector<double>>& starts,
                                  const std::function<void(const std::vector<double>&, double*)>& feedback,
                                  double gamma, long steps);

/// Episode returns of the greedy lookahead on a finite-horizon table: at step k from x the first
/// action of the sequence of `depth` actions (each of `actions`) minimising the costs of its steps
/// plus V_{k+depth}(the state reached) (no cost-to-go after a terminal state or the horizon), with
/// `cost_to_go(j, y)` giving V_j(y); depth 1 is the one-step lookahead. The episode ends after
/// `horizon` steps or at a terminal state. A deeper search leans less on the table's errors (at
/// |actions|^depth steps per decision). Any feedback is feasible, so the mean return bounds the optimal
/// expected return from below (up to its sampling error).
std::vector<double> lookahead_returns(
    const Environment& env, const std::vector<std::vector<double>>& starts, long horizon,
    const std::vector<std::vector<double>>& actions,
    const std::function<double(long, const std::vector<double>&)>& cost_to_go, int depth = 1);

/// How per-start work is shared among processes: this one takes the starts i with i % ranks == rank,
/// and `sum_over_ranks` (an element-wise sum over the processes, e.g. MPI_Allreduce) completes the
/// per-start results on every process. The default is one process.
struct StartShare {
  int rank = 0, ranks = 1;
  std::function<void(std::vector<double>&)> sum_over_ranks;
};

/// `run` (one result per start it is given) over this process's share of `starts`; returns the
/// result of every start on every process, each the same as on one process.
std::vector<double> per_start(
    const StartShare& share, const std::vector<std::vector<double>>& starts,
    const std::function<std::vector<double>(const std::vector<std::vector<double>>&)>& run);

/// Throws ValidationError if the policy was trained on another problem or with other dimensions.
void require_policy_fits(const Policy& policy, const Environment& env);

/// Runs `episodes` episodes; episode e starts from env.reset(seed + e). Throws ValidationError if
/// the policy was trained on another problem or with other dimensions.
Evaluation evaluate_policy(const Policy& policy, const Environment& env, int episodes, std::uint64_t seed);

}  // namespace hjb::rl
