// `hjbench evaluate --table T.h5 --policy P.h5 [--starts N] [--coarse-table C.h5] [--output.json F]`:
// a policy and its critic scored against a table (rl_baselines/agents/score.hpp).
#include <petscsys.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "apps/catalogue.hpp"
#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"
#include "rl_baselines/io/policy_file.hpp"
#include "solver/run/output_paths.hpp"
#include "tables/value_table.hpp"

namespace hjb::apps {

namespace {

void print_summary(const char* label, const rl::SampleSummary& g) {
  std::printf("  %-44s mean %10.4f +- %.4f (se), %g%% CI [%.4f, %.4f], median %.4f, p90 %.4f, worst %.4f\n",
              label, g.mean, g.standard_error, 100 * g.confidence, g.ci_low, g.ci_high, g.median, g.p90,
              g.worst);
}

void print_norms(const char* label, const rl::ErrorNorms& e) {
  if (e.count == 0) return;
  std::printf("  %-44s L1 %.4f  L2 %.4f  Linf %.4f  (%ld points)\n", label, e.l1, e.l2, e.linf, e.count);
}

void print_score(const rl::Score& s, const rl::Policy& policy, const std::string& policy_path,
                 const ValueTable& table, const std::string& table_path, const rl::ScoreOptions& o,
                 double wall) {
  std::printf("%s policy %s (%s, trained %.0f steps) against %s (%s, %lld nodes, discount %g)\n",
              policy.algorithm.c_str(), policy_path.c_str(), policy.problem.c_str(), policy.env_steps,
              table_path.c_str(), table.is_sparse() ? "sparse" : "tensor",
              static_cast<long long>(table.nodes()), s.gamma);
  std::printf("%d starts (seeds %llu..), %d bootstrap resamples, %.2f s\n", o.starts,
              static_cast<unsigned long long>(o.seed), o.bootstrap, wall);
  std::printf(
      "cost scale (V = -discounted return; J continued past the %ld-step episode limit, %.4f of the\n"
      "policy's J on average comes from beyond it):\n",
      s.episode_limit, s.policy_cost_beyond_limit);
  print_summary("gap J_policy - V*", s.gap_cost);
  print_summary("certified lower bound J_policy - J_feedback", s.gap_certified);
  print_summary("table's own error J_feedback - V*", s.feedback_gap);
  if (s.refined)
    std::printf("  V* discretisation error |V - V_coarse| at the starts (vs %s): mean %.4f, max %.4f\n",
                s.coarse_path.c_str(), s.refinement_mean, s.refinement_max);
  std::printf(
      "  the reference's own error at these starts                  %.4f (a gap is resolved when its CI "
      "clears it)\n",
      s.reference_error);
  if (s.gap_within_reference_error) std::printf("WARNING: %s\n", s.warning.c_str());
  std::printf(
      "episode-return scale (rewards summed over the episode, what RL papers report; for returns p90 is the\n"
      "10th percentile and worst the smallest return):\n");
  print_summary("policy return", s.policy_episode_return);
  print_summary("table feedback return", s.feedback_episode_return);
  print_summary("gap R_feedback - R_policy", s.gap_return);
  if (!s.critic_kind.empty()) {
    std::printf("critic (%s, mapped to the table's scale) minus V*:\n", s.critic_kind.c_str());
    print_norms("over the table's box", s.critic_domain);
    print_norms("along the policy's visited states", s.critic_visited);
    print_norms("Bellman residual (return scale)", s.critic_bellman);
  } else {
    std::printf("critic: none stored in the policy file (trained before critics were kept)\n");
  }
  std::printf("policy action minus the table's feedback over the table's box:\n");
  for (std::size_t j = 0; j < s.policy_domain.size(); ++j)
    print_norms(("action " + std::to_string(j)).c_str(), s.policy_domain[j]);
}

}  // namespace

int run_evaluate(const CommandContext& context) {
  std::string table_path, policy_path, coarse_path, json_path, optimum_path, index_dir;
  rl::ScoreOptions o;
  Seed seed{o.seed};
  po::options_description opts(
      "hjbench evaluate --table T.h5 --policy P.h5 [--starts N] [--seed S] [--coarse-table C.h5] "
      "[--output.json F]");
  opts.add_options()("help,h", "print this help")(
      "table", po::value(&table_path), "a stationary value table of the policy's problem (tensor or sparse)")(
      "policy", po::value(&policy_path), "a policy file (hjbench train)")(
      "index", po::value(&index_dir),
      "instead of --table: the directory of an `hjbench index`; the finest stationary table whose problem "
      "parameters equal the policy's environment's is used (refused, naming the nearest, when none does)")(
      "starts", po::value(&o.starts)->default_value(o.starts),
      "episodes; episode e starts from the environment's reset(seed + e)")(
      "seed", po::value(&seed)->default_value(seed), "first episode seed")(
      "coarse-table", po::value(&coarse_path),
      "the same problem on a coarser grid: V*'s discretisation error at the starts, |V - V_coarse|")(
      "bootstrap", po::value(&o.bootstrap)->default_value(o.bootstrap),
      "bootstrap resamples for the confidence intervals (0: none)")(
      "confidence", po::value(&o.confidence)->default_value(o.confidence),
      "confidence level of the intervals")(
      "domain-points", po::value(&o.domain_points)->default_value(o.domain_points),
      "uniform points of the table's box for the critic and policy errors")(
      "slice", po::value(&o.slice)->default_value(o.slice),
      "nodes per side of the 2-D slice written to the JSON for figures (0: none)")(
      "optimum", po::value(&optimum_path),
      "an optimum.json of scripts/optimum.sh for the problem: also the gap of the policy's episode return to "
      "both ends of the optimum's bracket")(
      "output.json", po::value(&json_path),
      "write the full score as JSON (scripts/plot_evaluation.py draws it)");
  po::variables_map vm;
  const char* epilogue =
      "\nScores a policy and its critic against the table: gaps J - V* in the table's discounted-cost "
      "scale (J continued past the episode limit, as V* is infinite-horizon) and in episode "
      "returns against the table's own feedback, a certified lower bound J - J_feedback on the "
      "gap (J_feedback >= V*), the critic's and the policy's errors over the table's box and "
      "along visited states, and the critic's Bellman residual.\n";
  if (!parse_options(context.args, opts, vm, {nullptr, epilogue})) return 0;
  o.seed = seed;
  HJB_CHECK(
      table_path.empty() != index_dir.empty() && !policy_path.empty(), UsageError,
      "usage: hjbench evaluate --table T.h5 | --index DIR --policy P.h5 [--starts N] [--seed S] (one of "
      "--table and --index)");
  HJB_CHECK(o.starts >= 1, UsageError, "--starts must be positive, got " << o.starts);
  HJB_CHECK(o.bootstrap >= 0, UsageError, "--bootstrap must be non-negative, got " << o.bootstrap);
  HJB_CHECK(o.confidence > 0 && o.confidence < 1, UsageError,
            "--confidence must lie strictly between 0 and 1, got " << o.confidence);
  HJB_CHECK(o.domain_points >= 0, UsageError,
            "--domain-points must be non-negative, got " << o.domain_points);
  HJB_CHECK(o.slice == 0 || (o.slice >= 2 && o.slice <= 1001), UsageError,
            "--slice must be 0 or in [2, 1001], got " << o.slice);
  HJB_CHECK(o.domain_points <= 10000000, UsageError,
            "--domain-points must be at most 1e7, got " << o.domain_points);
  // Everything is read and checked before any episode runs.
  const rl::Policy policy = rl::load_policy(policy_path);
  const auto env = rl::make_environment(policy.problem, {}, policy.state_dim);
  if (!index_dir.empty()) {
    // The table the index names for the policy's environment (problem, dimension, parameters).
    const IndexEntry entry =
        pick_table(read_index(index_dir), index_dir, env->problem_name(),
                   static_cast<int>(env->state().size()), env->parameters(), {"stationary"});
    table_path = (std::filesystem::path(index_dir) / entry.path).string();
    if (context.rank == 0)
      std::printf("--index %s: %s (%s)\n", index_dir.c_str(), table_path.c_str(), entry.grid.c_str());
  }
  std::vector<OutputFile> inputs{{table_path, "--table"}, {policy_path, "--policy"}};
  if (!coarse_path.empty()) inputs.push_back({coarse_path, "--coarse-table"});
  if (!json_path.empty()) check_outputs(PETSC_COMM_WORLD, {{json_path, "--output.json"}}, inputs);
  std::optional<Bracket> bracket;
  if (!optimum_path.empty()) bracket = read_bracket(optimum_path, policy.problem);
  const ValueTable table = ValueTable::read(table_path);
  std::optional<ValueTable> coarse;
  if (!coarse_path.empty()) o.coarse = &coarse.emplace(ValueTable::read(coarse_path));
  const auto t0 = std::chrono::steady_clock::now();
  const rl::Score s = rl::score_policy(policy, *env, table, o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!json_path.empty() && context.rank == 0) {
    write_output_json(json_path, rl::score_json(s));
  }
  if (context.rank != 0) return 0;
  print_score(s, policy, policy_path, table, table_path, o, wall);
  if (bracket)
    print_bracket_gaps(*bracket, optimum_path, s.policy_episode_return.mean,
                       s.policy_episode_return.standard_error);
  if (!json_path.empty()) std::printf("wrote %s\n", json_path.c_str());
  return 0;
}

}  // namespace hjb::apps
