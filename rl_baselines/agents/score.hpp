// Scoring a learned policy and its critic against an hjbench value table (`hjbench evaluate`,
// the Python module): optimality gaps with standard errors and bootstrap intervals, in the table's
// discounted-cost scale and in the episodic-return scale, a certified bound from the table's own
// feedback, V*'s discretisation error from a second table, critic and policy errors over the
// domain and along visited states, the critic's Bellman residual, and a 2-D slice for figures.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/agents/policy.hpp"
#include "rl_baselines/env/environment.hpp"
#include "tables/value_table.hpp"

namespace hjb::rl {

/// Which side of a sample is the bad one: larger values (costs, gaps) or smaller ones (returns).
enum class Worse { larger, smaller };

/// A sample (e.g. the per-start gaps) summarised: mean with its standard error and a percentile
/// bootstrap interval of the mean, median, the 90th percentile towards the bad side (`p90`: 90 % of
/// the sample is at least this good — the 90th percentile of a cost, the 10th of a return) and the
/// worst value (the largest cost, the smallest return).
struct SampleSummary {
  long count = 0;
  double mean = 0, standard_error = 0, median = 0, p90 = 0, worst = 0, ci_low = 0, ci_high = 0;
  double confidence = 0.95;
  Worse worse = Worse::larger;
};

/// The q-quantile of a non-empty sample (linear interpolation between order statistics).
double quantile(std::vector<double> values, double q);

/// `resamples` bootstrap resamples drawn with a generator seeded by `seed` (deterministic).
SampleSummary summarize(const std::vector<double>& sample, double confidence = 0.95, int resamples = 2000,
                        std::uint64_t seed = 1, Worse worse = Worse::larger);

/// Mean absolute, root-mean-square and largest absolute error over `count` points.
struct ErrorNorms {
  long count = 0;
  double l1 = 0, l2 = 0, linf = 0;
  void add(double error);
  void finish();  ///< turns the running sums into means (call once)
};

struct ScoreOptions {
  int starts = 100;              ///< episodes; start e is env.reset(seed + e)
  std::uint64_t seed = 1000000;  ///< the same default as `hjbench rollout`
  int bootstrap = 2000;
  double confidence = 0.95;
  int domain_points = 4096;            ///< uniform points of the table's box for critic and policy errors
  int slice = 41;                      ///< nodes per side of the 2-D slice (first two axes; 0: none)
  const ValueTable* coarse = nullptr;  ///< a coarser table of the same problem: V*'s error bar
};

/// Values on an n x n grid over the table's first two axes, the other coordinates at the centre
/// of the start distribution; row-major, the first axis slowest. NaN where there is nothing.
struct SliceMap {
  int n = 0;
  std::vector<double> x, y;
  std::vector<double> optimal, critic, action, feedback;  ///< action/feedback: component 0
};

struct Score {
  std::string problem, table_path, critic_kind;
  std::vector<std::string> axes;  ///< the table's axis names (state components)
  double gamma = 1;
  long episode_limit = 0;
  std::vector<std::vector<double>> starts;
  std::vector<double> optimal_value;  ///< V*(x0), interpolated in the table
  /// Discounted costs J(x0) = sum_k gamma^k cost_k, continued past the episode limit until
  /// gamma^k < 1e-10 (V* is infinite-horizon); the policy's and the table's feedback's.
  std::vector<double> policy_cost, feedback_cost;
  /// Episode returns (the sum of rewards over at most episode_limit steps, what RL papers report).
  std::vector<double> policy_return, feedback_return;
  double policy_cost_beyond_limit = 0;  ///< mean part of J collected after the episode limit
  SampleSummary gap_cost;               ///< J_pi - V*, the table's cost scale
  SampleSummary gap_certified;          ///< J_pi - J_feedback: a lower bound on the true gap (J_fb >= V*)
  SampleSummary feedback_gap;           ///< J_feedback - V*: the table's own error on these starts
  SampleSummary gap_return;             ///< R_feedback - R_pi, the episodic-return scale
  SampleSummary policy_episode_return, feedback_episode_return;
  /// V*'s discretisation error at the starts, |V_table - V_coarse| (when a coarse table is given).
  bool refined = false;
  double refinement_mean = 0, refinement_max = 0;
  std::string coarse_path;
  /// The reference's own uncertainty at these starts, in the cost scale: the larger of the table's
  /// own error |mean(J_feedback - V*)| widened by half its confidence interval, and the mean
  /// refinement error |V - V_coarse| (when a coarse table is given).
  double reference_error = 0;
  /// The gap's confidence interval reaches into the reference's own uncertainty (gap_cost.ci_low <=
  /// reference_error): this table cannot tell the policy from optimal; `warning` says so in words.
  bool gap_within_reference_error = false;
  std::string warning;
  /// Critic (mapped to the table's scale, V = -return) minus V*: over uniform points of the table's
  /// box, along the states the policy visits, and the critic's Bellman residual at the box points
  /// |C(x) - (cost(x, pi(x)) + gamma C(x'))| in the critic's own scale. Empty when no critic is stored.
  ErrorNorms critic_domain, critic_visited, critic_bellman;
  /// |policy action - table feedback| over the box points, per action component, environment units.
  std::vector<ErrorNorms> policy_domain;
  SliceMap slice;
};

/// Anything that acts: its deterministic action at an observation (environment units) and,
/// optionally, its critic — the value of an observation in the environment's discounted-return
/// scale (the Python module wraps Python callables in one).
struct Controller {
  std::function<void(const double* observation, double* action)> act;
  std::function<double(const double* observation)> critic;  ///< empty: none
  std::string critic_kind;                                  ///< e.g. "state_value"
};
/// The critic of a policy at an observation, in the environment's discounted-return scale: PPO's
/// V (times its recorded reward scale), or SAC's min of the twin Q at the policy's own action.
/// The policy must keep a critic (policy.critics not empty).
double policy_critic(const Policy& policy, const double* observation);

/// A trained policy as a controller (its critic when the file keeps one). Holds a reference.
Controller controller_of(const Policy& policy);

/// Refuses (ValidationError naming the first difference) a table solved with other problem
/// parameters than `env` has.
void require_same_parameters(const std::map<std::string, double>& table_parameters, const std::string& path,
                             const Environment& env);

/// Refuses (ValidationError naming the first difference) a table that cannot score `env`: another
/// problem, dimension, parameter or discount, a non-stationary or partial table, no feedback, or a
/// start distribution outside the table's box.
void check_table_for(const ValueTable& table, const Environment& env);

/// Scores `policy` on `env` against `table` (both checked first). Deterministic for the options.
Score score_policy(const Policy& policy, const Environment& env, const ValueTable& table,
                   const ScoreOptions& options);
/// The same for any controller (its actions must have env.action_dim() components).
Score score_controller(const Controller& controller, const Environment& env, const ValueTable& table,
                       const ScoreOptions& options);

/// The gap of successive policies on fixed starts (learning curves against the optimum,
/// `hjbench train --evaluate.table`): V* and the table feedback's cost and return on the starts are
/// computed once, each measure() runs only the policy.
class GapTracker {
 public:
  /// Checks the table (check_table_for); starts e = 0..count-1 from env.reset(seed + e).
  GapTracker(const Environment& env, const ValueTable& table, int count, std::uint64_t seed);
  struct Point {
    double mean_return = 0, return_se = 0;     ///< the policy's episode returns
    double gap_cost = 0, gap_cost_se = 0;      ///< J_policy - V*, paired over the starts
    double gap_return = 0, gap_return_se = 0;  ///< R_feedback - R_policy, paired
  };
  Point measure(const Policy& policy) const;
  Point measure(const Controller& controller) const;
  /// The table feedback's mean episode return on the starts (the optimum's reference line).
  double feedback_return() const { return m_feedback_return; }
  double mean_optimal_value() const { return m_mean_v; }

 private:
  std::unique_ptr<Environment> m_env;
  std::vector<std::vector<double>> m_starts;
  std::vector<double> m_v, m_feedback_returns;
  double m_gamma = 1, m_feedback_return = 0, m_mean_v = 0;
};

/// The score as JSON (all numbers; the slice and per-start arrays included).
std::string score_json(const Score& score);
/// JSON pieces shared by the commands' --output.json: a number (null when not finite, 17 digits)
/// and a quoted, escaped string.
std::string json_number(double v);
std::string json_string(const std::string& s);

}  // namespace hjb::rl
