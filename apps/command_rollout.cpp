// `hjbench rollout POLICY.h5 [--episodes N] [--table V.h5] [--episodic-table F.h5]`: a policy's mean
// return on seeded episodes, and its optimality gaps against a stationary and a finite-horizon table.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>

#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "core/input_files.hpp"
#include "grids/multilinear.hpp"
#include "rl_baselines/agents/episodic.hpp"
#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/agents/score.hpp"
#include "rl_baselines/io/policy_file.hpp"

namespace hjb::apps {

namespace {

std::string problem_of(const Table& table) {
  return table.strings.count("problem") ? table.strings.at("problem") : "?";
}

/// A table of `problem` (checked before its mode, so a table of another task is named as such).
void require_table_of(const Table& table, const std::string& path, const std::string& problem) {
  HJB_CHECK(problem_of(table) == problem, ValidationError,
            path << ": a table of problem '" << problem_of(table) << "', not '" << problem << "'");
}

/// The table has `env`'s dimension and parameters.
void require_same_shape(const Table& table, const std::string& path, const std::string& problem,
                        const rl::Environment& env) {
  HJB_CHECK(table.axes.size() == env.state().size(), ValidationError,
            path << ": a " << table.axes.size() << "-D table, but problem '" << problem << "' is "
                 << env.state().size() << "-D");
  rl::require_same_parameters(table.problem_parameters, path, env);
}

/// The reference's own bracket at the episodes' starts, paired with the policy's returns: the achieved
/// return of the table's lookahead feedback (a feasible policy, so a lower end of the optimum) and
/// the table's value (an estimate, not a bound); the gap to the lower end; and a warning in words
/// when the gap's 95 % interval reaches into the reference's own uncertainty |table - lower end|.
void print_episodic_bracket(const Table& table, const std::string& path, const rl::Environment& env,
                            const std::vector<std::vector<double>>& starts, const rl::OptimalityGap& gap) {
  const rl::EpisodicOptimum lookahead = rl::episodic_optimum(table, path, env, starts, false);
  std::vector<double> to_lower;  // R_lookahead - R_policy, per episode (the policy's cost is -R_policy)
  for (std::size_t i = 0; i < starts.size(); ++i)
    to_lower.push_back(lookahead.returns[i] + gap.discounted_cost[i]);
  const auto lower = rl::summarize(lookahead.returns, 0.95, 0);
  const auto gap_lower = rl::summarize(to_lower, 0.95, 0);
  const double reference_error = std::abs(rl::summarize(lookahead.paired, 0.95, 0).mean);
  std::printf(
      "  the optimum at these starts: >= %.3f +- %.3f, achieved by the table's lookahead feedback (a lower "
      "end); the "
      "table's %.3f is an estimate, not a bound (reference error |table - lower end| = %.3f)\n",
      lower.mean, lower.standard_error, -gap.mean_optimal, reference_error);
  std::printf(
      "  gap to the achieved lower end: %.3f +- %.3f (standard error, paired): the policy's true gap is at "
      "least this, "
      "up to sampling%s\n",
      gap_lower.mean, gap_lower.standard_error,
      gap_lower.mean < 0
          ? " (negative: the policy beats the table's feedback, and is itself the better lower end)"
          : "");
  const double low = gap.mean_gap - 1.96 * gap.gap_standard_error;
  if (low <= reference_error)
    std::printf(
        "WARNING: gap is within the reference's error: the gap's 95%% interval [%.3f, %.3f] reaches below "
        "the "
        "reference's own error %.3f; this table cannot tell the policy from optimal (use a finer table)\n",
        low, gap.mean_gap + 1.96 * gap.gap_standard_error, reference_error);
}

}  // namespace

int run_rollout(const CommandContext& context) {
  std::string path, problem, table_path, episodic_path, optimum_path;
  int episodes = 100;
  Seed seed{1000000};
  po::options_description opts("hjbench rollout POLICY.h5 [--episodes N] [--seed S] [--problem NAME]");
  opts.add_options()("help,h", "print this help")("policy", po::value(&path), "policy file")(
      "episodes", po::value(&episodes)->default_value(100), "number of seeded episodes")(
      "seed", po::value(&seed)->default_value(Seed{1000000}), "episode e starts from reset(seed + e)")(
      "problem", po::value(&problem), "problem to evaluate on (default: the policy's)")(
      "table", po::value(&table_path),
      "a stationary value table of the same problem (hjbench solve --solve.algorithm ...): also print the "
      "optimality gap J(x0) - V*(x0) of the policy's discounted cost")(
      "optimum", po::value(&optimum_path),
      "an optimum.json of scripts/optimum.sh for the problem: also print the policy's gap to both ends "
      "of the optimum's bracket, and say when the bracket cannot tell the policy from optimal")(
      "episodic-table", po::value(&episodic_path),
      "a finite-horizon table of the same problem and episode length (--solve.algorithm finite_horizon): "
      "also "
      "print the gap in episode return, R*(x0) - R(x0) = -V_0(x0) - R(x0), paired over the same episodes");
  po::positional_options_description pos;
  pos.add("policy", 1);
  po::variables_map vm;
  if (!parse_options(context.args, opts, vm, {&pos, ""})) return 0;
  HJB_CHECK(!path.empty(), UsageError, "usage: hjbench rollout POLICY.h5 [--episodes N] [--seed S]");
  HJB_CHECK(episodes >= 1, UsageError, "--episodes must be positive, got " << episodes);
  const rl::Policy policy = rl::load_policy(path);
  if (problem.empty()) {
    problem = policy.problem;
    const auto known = rl::environment_names();
    HJB_CHECK(std::find(known.begin(), known.end(), problem) != known.end(), ValidationError,
              path << ": the policy names problem '" << problem
                   << "', which has no environment here (corrupt policy file, or one from a newer hjbench)");
  }
  const auto env = rl::make_environment(problem, {}, problem == policy.problem ? policy.state_dim : 0);
  HJB_CHECK(
      policy.problem == problem, ValidationError,
      path << ": the policy was trained on problem '" << policy.problem << "', not '" << problem << "'");
  // Both tables are read and checked before any episode runs.
  std::optional<Table> episodic, stationary;
  if (!episodic_path.empty()) {
    const Table& table = episodic.emplace(read_table(episodic_path));
    HJB_CHECK(table.complete, ValidationError,
              episodic_path << ": a partial table (interrupted or failed run)");
    require_table_of(table, episodic_path, problem);
    HJB_CHECK(
        table.strings.count("mode") && table.strings.at("mode") == "finite_horizon" &&
            table.numbers.count("horizon_steps"),
        ValidationError,
        episodic_path << ": not a finite-horizon table (hjbench solve --solve.algorithm finite_horizon)");
    require_same_shape(table, episodic_path, problem, *env);
    const long horizon = std::lround(table.numbers.at("horizon_steps"));
    HJB_CHECK(horizon == env->episode_limit(), ValidationError,
              episodic_path << ": its horizon is " << horizon << " steps, the episodes of '" << problem
                            << "' last " << env->episode_limit());
  }
  if (!table_path.empty()) {
    const Table& table = stationary.emplace(read_table(table_path));
    require_table_of(table, table_path, problem);
    HJB_CHECK(table.strings.count("mode") && table.strings.at("mode") == "stationary" &&
                  table.numbers.count("discount"),
              ValidationError,
              table_path << ": not a stationary (discounted) value table"
                         << (table.strings.count("mode") && table.strings.at("mode") == "finite_horizon"
                                 ? " but a finite-horizon one (its episodic optimum: hjbench simulate " +
                                       table_path + ")"
                                 : std::string()));
    require_same_shape(table, table_path, problem, *env);
    const double gamma = table.numbers.at("discount");
    HJB_CHECK(std::abs(gamma - env->discount()) <= 1e-12, ValidationError,
              table_path << ": solved with discount " << gamma << ", the environment's is " << env->discount()
                         << " (the gap compares discounted costs under the environment's discount)");
  }
  std::optional<Bracket> bracket;
  if (!optimum_path.empty()) bracket = read_bracket(optimum_path, problem);
  const rl::Evaluation evaluation = rl::evaluate_policy(policy, *env, episodes, seed);
  print_evaluation(policy.algorithm + " policy " + path + " on " + problem, evaluation);
  if (bracket) print_bracket_gaps(*bracket, optimum_path, evaluation.mean, evaluation.standard_error);
  if (episodic) {
    const Table& table = *episodic;
    const long horizon = std::lround(table.numbers.at("horizon_steps"));
    const std::vector<double>& v0 = table.values.back();
    auto v_star = [&](const std::vector<double>& state) {
      return interpolate_table(table.axes, v0, state.data());
    };
    // Undiscounted: the policy's cost over the episode is minus its return, V_0 minus the optimal one.
    const auto gap = rl::optimality_gap(policy, *env, episodes, seed, 1.0, v_star);
    std::printf(
        "episodic gap (table %s, %ld steps): policy return %.3f, table return (estimate) %.3f, gap %.3f +- "
        "%.3f "
        "(standard error, paired) over %d episodes\n",
        episodic_path.c_str(), horizon, -gap.mean_cost, -gap.mean_optimal, gap.mean_gap,
        gap.gap_standard_error, episodes);
    print_episodic_bracket(table, episodic_path, *env, seeded_starts(*env, episodes, seed), gap);
  }
  if (stationary) {
    const Table& table = *stationary;
    const double gamma = table.numbers.at("discount");
    const std::vector<double>& v = table.values.back();
    auto v_star = [&](const std::vector<double>& state) {
      return interpolate_table(table.axes, v, state.data());
    };
    const auto gap = rl::optimality_gap(policy, *env, episodes, seed, gamma, v_star);
    std::printf(
        "optimality gap (discount %.4g, table %s): policy cost %.3f, optimal V* %.3f, gap %.3f +- %.3f "
        "(standard error, paired) over %d episodes\n  (J continues the policy past the %d-step episode limit "
        "until discount^k < 1e-10, as V* is infinite-horizon: %.3f of J comes from beyond the limit)\n",
        gamma, table_path.c_str(), gap.mean_cost, gap.mean_optimal, gap.mean_gap, gap.gap_standard_error,
        episodes, env->episode_limit(), gap.mean_beyond_limit);
  }
  return 0;
}

}  // namespace hjb::apps
