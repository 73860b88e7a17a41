// `hjbench simulate TABLE.h5 [--starts N] [--x0 a,b] [--steps K]`: a table's feedback in closed loop
// on the problem's own step. Stationary tables: the achieved discounted cost next to the table's
// value. Finite-horizon tables: the optimal expected episode return two ways (rl/agents/episodic.hpp).
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "core/parse_list.hpp"
#include "grids/multilinear.hpp"
#include "rl_baselines/agents/episodic.hpp"
#include "rl_baselines/agents/score.hpp"
#include "rl_baselines/agents/trajectory_optimization.hpp"
#include "solver/run/output_paths.hpp"
#include "tables/value_table.hpp"

namespace hjb::apps {

namespace {

void print_episodic(const rl::EpisodicOptimum& r, const std::string& grid, const std::string& path,
                    const rl::Environment& env, std::size_t starts, bool sampled, bool exact = true) {
  const auto ret = rl::summarize(r.returns, 0.95, 0);
  const auto diff = rl::summarize(r.paired, 0.95, 0);
  std::printf("episodic return of %s under the feedback of %s (horizon %ld steps, grid %s, %ld actions)\n",
              env.problem_name().c_str(), path.c_str(), r.horizon, grid.c_str(), r.actions);
  if (sampled)
    std::printf(
        "  table:       -E[V_0(x0)], x0 ~ the start distribution (%s; an estimate, not a bound)   %.6f\n",
        exact ? "exact integral" : "mean over the starts", r.table_return);
  else
    std::printf("  table:       -V_0(x0) (an estimate, not a bound)                       %.6f\n",
                r.table_return);
  if (r.beam > 0)
    std::printf(
        "  achieved:    a beam search of width %d per start seeded by the stages, %zu start%s; each "
        "sequence replayed on the exact step (the optimum is at least this, up to sampling)   %.6f +- %.6f "
        "(standard error)\n",
        r.beam, starts, starts > 1 ? "s" : "", ret.mean, ret.standard_error);
  else
    std::printf(
        "  closed loop: greedy %d-step lookahead on the stages, %zu start%s, a feasible policy (the optimum "
        "is at least this, up to sampling)   %.6f +- %.6f (standard error)\n",
        r.lookahead_depth, starts, starts > 1 ? "s" : "", ret.mean, ret.standard_error);
  std::printf(
      "  %s - table, paired over the same starts                      %.6f +- %.6f (standard error)\n",
      r.beam > 0 ? "beam       " : "closed loop", diff.mean, diff.standard_error);
  if (r.has_indicator)
    std::printf(
        "  the table's error indicator at the starts (an a-posteriori estimate of |V_0 error|, not a bound): "
        "mean %.6f, max %.6f\n",
        r.indicator_mean, r.indicator_max);
  std::printf("  (%.2f s for %zu episodes on %d process%s)\n", r.seconds, starts, PetscGlobalSize,
              PetscGlobalSize > 1 ? "es" : "");
  if (r.stored_stages < r.horizon + 1)
    std::printf(
        "  note: %ld of the %ld stages are stored; the lookahead used the nearest stored stage where its "
        "own was missing (a feasible feedback: the closed loop still bounds the optimum, less tightly)\n",
        r.stored_stages, r.horizon + 1);
}

/// The bracket's keys for one table: its closed loop's achieved return is a lower end, its own value
/// an estimate; a table gives no upper end (null, upper_kind "none"). `returns`: the achieved return
/// from each start, in the starts' order (episodic tables; scripts/optimum.sh reuses them).
void write_bracket_json(const std::string& path, const std::string& problem, const char* kind, double lower,
                        double lower_se, std::size_t starts, double estimate, const std::string& table_path,
                        const std::vector<double>& returns = {}, const std::string& settings = "") {
  if (PetscGlobalRank != 0) return;
  std::ostringstream json;
  json << "{\"problem\": " << rl::json_string(problem) << ", \"return\": " << rl::json_string(kind)
       << ", \"lower\": " << rl::json_number(lower) << ", \"lower_se\": " << rl::json_number(lower_se)
       << ", \"lower_starts\": " << starts;
  if (!returns.empty()) {
    json << ", \"returns\": [";
    for (std::size_t i = 0; i < returns.size(); ++i) json << (i ? ", " : "") << rl::json_number(returns[i]);
    json << "]";
  }
  json << ", \"upper\": null, \"upper_kind\": \"none\", \"estimate\": " << rl::json_number(estimate)
       << ", \"settings\": {\"table\": " << rl::json_string(table_path) << settings << "}}\n";
  write_output_json(path, json.str());
  std::printf("wrote %s\n", path.c_str());
}

/// A finite-horizon table: the optimum two ways (and the bracket's keys with --output.json).
void simulate_episodic(const Table& table, const std::string& table_path, int starts, Seed seed,
                       const std::string& x0_text, rl::EpisodicSearch search, const std::string& json_path) {
  const auto env = rl::make_environment(table.strings.at("problem"), table.problem_parameters,
                                        static_cast<int>(table.axes.size()));
  HJB_CHECK(static_cast<int>(table.axes.size()) == static_cast<int>(env->state().size()), ValidationError,
            table_path << ": its dimensions do not match problem '" << env->problem_name() << "'");
  const auto x0s = x0_text.empty() ? seeded_starts(*env, starts, seed)
                                   : std::vector<std::vector<double>>{parse_start(x0_text, table)};
  search.share = world_start_share();  // each start's search is the same on any number of processes
  const auto r = rl::episodic_optimum(table, table_path, *env, x0s, x0_text.empty(), search);
  std::string grid;
  for (const auto& a : table.axes) grid += (grid.empty() ? "" : "x") + std::to_string(a.n);
  if (PetscGlobalRank == 0) print_episodic(r, grid, table_path, *env, x0s.size(), x0_text.empty());
  // The lower end over the start distribution: the table's return integrated exactly plus the paired
  // mean of closed loop - table (a control variate: far smaller error than the returns' own mean).
  const auto paired = rl::summarize(r.paired, 0.95, 0);
  if (!json_path.empty())
    write_bracket_json(json_path, env->problem_name(), "episode", r.table_return + paired.mean,
                       paired.standard_error, x0s.size(), r.table_return, table_path, r.returns);
}

/// The seeded starts, or the one start of --x0 (any state of the problem's dimension; `what` names
/// the table or problem in the error).
std::vector<std::vector<double>> starts_or_x0(const rl::Environment& env, int starts, Seed seed,
                                              const std::string& x0_text, const std::string& what) {
  if (x0_text.empty()) return seeded_starts(env, starts, seed);
  std::vector<double> x0 = parse_list<double>(x0_text, "x0");
  HJB_CHECK(static_cast<int>(x0.size()) == env.state_dim(), UsageError,
            "--x0: " << x0.size() << " numbers for the " << env.state_dim() << "-D " << what);
  return {x0};
}

/// A sparse finite-horizon table (V_0 only): the lower end from its lookahead or beam search, the
/// plain mean of the achieved returns (no exact start-box integral to pair with).
void simulate_sparse_episodic(const std::string& table_path, int starts, Seed seed,
                              const std::string& x0_text, rl::EpisodicSearch search,
                              const std::string& json_path) {
  const ValueTable table = ValueTable::read(table_path);
  HJB_CHECK(
      table.mode() == "finite_horizon", ValidationError,
      table_path << ": a sparse table of mode '" << table.mode()
                 << "'; simulate takes sparse finite-horizon tables (--grid.type sparse --solve.algorithm "
                    "finite_horizon) and tensor tables");
  const auto env = rl::make_environment(table.problem(), table.problem_parameters(), table.dimension());
  const auto x0s = starts_or_x0(*env, starts, seed, x0_text, "table " + table_path);
  search.share = world_start_share();
  const auto r = rl::sparse_episodic_optimum(table, *env, x0s, search);
  const std::string grid = "sparse, " + std::to_string(table.nodes()) + " nodes, level " +
                           std::to_string(table.sparse_table()->level);
  if (PetscGlobalRank == 0) print_episodic(r, grid, table_path, *env, x0s.size(), x0_text.empty(), false);
  const auto ret = rl::summarize(r.returns, 0.95, 0);
  if (!json_path.empty())
    write_bracket_json(json_path, env->problem_name(), "episode", ret.mean, ret.standard_error, x0s.size(),
                       r.table_return, table_path, r.returns);
}

/// A stationary table: its feedback's achieved discounted cost next to its value (and the bracket's
/// keys with --output.json).
void simulate_stationary(const Table& table, const std::string& table_path, const po::variables_map& vm,
                         int starts, Seed seed, const std::string& x0_text, long steps,
                         const std::string& json_path) {
  // A table of a problem without a discrete-time environment (Merton, the continuous-time
  // stationary problems) cannot be simulated, whatever algorithm wrote it.
  if (table.strings.count("problem")) {
    const auto names = rl::environment_names();
    const std::string& problem = table.strings.at("problem");
    if (std::find(names.begin(), names.end(), problem) == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw ValidationError(
          table_path + ": a table of problem '" + problem +
          "', which has no discrete-time environment to simulate; simulate takes tables of " + list);
    }
  }
  HJB_CHECK(table.strings.count("mode") && table.strings.at("mode") == "stationary" &&
                table.numbers.count("discount") && !table.policy.empty(),
            ValidationError,
            table_path << ": not a stationary table with a feedback (hjbench solve --solve.algorithm "
                          "value_iteration|policy_iteration writes one)");
  const auto env = rl::make_environment(table.strings.at("problem"), table.problem_parameters,
                                        static_cast<int>(table.axes.size()));
  HJB_CHECK(static_cast<int>(table.policy.size()) == env->action_dim() &&
                static_cast<int>(table.axes.size()) == static_cast<int>(env->state().size()),
            ValidationError,
            table_path << ": its dimensions do not match problem '" << env->problem_name() << "'");
  const double gamma = table.numbers.at("discount");
  if (!vm.count("steps")) steps = static_cast<long>(std::ceil(std::log(1e-10) / std::log(gamma)));
  HJB_CHECK(steps >= 1, UsageError, "--steps must be positive, got " << steps);
  const auto x0s = x0_text.empty() ? seeded_starts(*env, starts, seed)
                                   : std::vector<std::vector<double>>{parse_start(x0_text, table)};
  const std::vector<double>& v = table.values.back();
  const auto feedback = [&](const std::vector<double>& x, double* action) {
    for (std::size_t j = 0; j < table.policy.size(); ++j)
      action[j] = interpolate_table(table.axes, table.policy[j], x.data());
  };
  const std::vector<double> achieved =
      rl::per_start(world_start_share(), x0s, [&](const std::vector<std::vector<double>>& mine) {
        return rl::feedback_cost(*env, mine, feedback, gamma, steps);
      });
  std::vector<double> values, gaps;
  for (std::size_t k = 0; k < x0s.size(); ++k) {
    values.push_back(interpolate_table(table.axes, v, x0s[k].data()));
    gaps.push_back(achieved[k] - values.back());
  }
  const auto gap = rl::summarize(gaps, 0.95, 0);
  if (PetscGlobalRank == 0) {
    std::printf("closed-loop feedback of %s on %s (discount %.6g, %ld steps per trajectory, %zu start%s)\n",
                table_path.c_str(), env->problem_name().c_str(), gamma, steps, x0s.size(),
                x0s.size() > 1 ? "s" : "");
    std::printf("  achieved cost J (an upper bound on V*, up to a tail of discount^%ld)  mean %.6f\n", steps,
                rl::summarize(achieved, 0.95, 0).mean);
    std::printf("  table value V                                                     mean %.6f\n",
                rl::summarize(values, 0.95, 0).mean);
    std::printf(
        "  J - V (paired)                                                    mean %.6f +- %.6f (standard "
        "error), "
        "largest %.6f\n",
        gap.mean, gap.standard_error, *std::max_element(gaps.begin(), gaps.end()));
  }
  if (!json_path.empty() && x0_text.empty()) {
    // In return scale, over the start distribution: the table's E[V] integrated exactly over the start
    // box, and the feasible feedback's E[J] = E[V] + E[J - V] with the paired mean (a control variate:
    // J - V varies far less over the starts than J, so the lower end's error is the gap's, not J's).
    const double ev = uniform_box_mean(table.axes, v, env->start_low(), env->start_high());
    write_bracket_json(json_path, env->problem_name(), "discounted", -(ev + gap.mean), gap.standard_error,
                       x0s.size(), -ev, table_path);
  } else if (!json_path.empty()) {
    write_bracket_json(json_path, env->problem_name(), "discounted", -achieved[0], 0.0, 1, -values[0],
                       table_path);
  }
}

/// No table (--problem): the lower end from trajectory optimisation per start (iLQR with restarts,
/// rl_baselines/agents/trajectory_optimization.hpp); every sequence is replayed on the exact step.
void simulate_trajectories(const std::string& problem, int dim, int starts, Seed seed,
                           const std::string& x0_text, const rl::TrajectoryOptimizationSettings& settings,
                           const std::string& json_path) {
  const auto env = rl::make_environment(problem, {}, dim);
  const auto x0s = starts_or_x0(*env, starts, seed, x0_text, "problem " + problem);
  const long horizon = env->episode_limit();
  const double t0 = MPI_Wtime();
  const auto returns =
      rl::per_start(world_start_share(), x0s, [&](const std::vector<std::vector<double>>& mine) {
        std::vector<double> out;
        for (const auto& x0 : mine)
          out.push_back(rl::optimize_trajectory(*env, x0, horizon, settings).achieved_return);
        return out;
      });
  const auto ret = rl::summarize(returns, 0.95, 0);
  if (PetscGlobalRank == 0) {
    std::printf(
        "episodic return of %s by trajectory optimisation (iLQR on the exact step, %d restart%s of at most "
        "%d iterations per start; no table), horizon %ld steps\n",
        problem.c_str(), settings.restarts, settings.restarts > 1 ? "s" : "", settings.iterations, horizon);
    std::printf(
        "  achieved:    the best sequence per start, replayed on the exact step, %zu start%s (the optimum "
        "is at least this, up to sampling)   %.6f +- %.6f (standard error)\n",
        x0s.size(), x0s.size() > 1 ? "s" : "", ret.mean, ret.standard_error);
    std::printf("  (%.2f s for %zu episodes on %d process%s)\n", MPI_Wtime() - t0, x0s.size(),
                PetscGlobalSize, PetscGlobalSize > 1 ? "es" : "");
  }
  if (!json_path.empty())
    write_bracket_json(json_path, env->problem_name(), "episode", ret.mean, ret.standard_error, x0s.size(),
                       std::numeric_limits<double>::quiet_NaN(), "", returns,
                       ", \"trajopt_restarts\": " + std::to_string(settings.restarts) +
                           ", \"trajopt_iterations\": " + std::to_string(settings.iterations));
}

}  // namespace

int run_simulate(const CommandContext& context) {
  std::string table_path, x0_text, json_path, problem;
  int starts = 1000, dim = 0;
  rl::TrajectoryOptimizationSettings trajopt;
  Seed seed{1};
  long steps = 0;
  rl::EpisodicSearch search;
  po::options_description opts(
      "hjbench simulate TABLE.h5 [--starts N] [--seed S] [--x0 a,b,...] [--steps K]\n"
      "hjbench simulate --problem NAME [--trajopt.restarts R] [--starts N] ...   (no table)");
  opts.add_options()("help,h", "print this help")(
      "table", po::value(&table_path), "a stationary or finite-horizon value table (sparse: finite-horizon)")(
      "problem", po::value(&problem),
      "instead of a table: an MDP problem with continuous actions (its default parameters), whose episode "
      "optimum's lower end comes from trajectory optimisation per start (iLQR on the exact step; for tasks "
      "no table reaches, e.g. planar_quadrotor)")(
      "dim", po::value(&dim)->default_value(0),
      "with --problem: the dimension of a family (lqr_mdp: 2 or 3)")(
      "trajopt.restarts", po::value(&trajopt.restarts)->default_value(4),
      "with --problem: initial sequences per start (the action box's centre, then seeded random piecewise "
      "constant ones); the best replayed return is kept")(
      "trajopt.iterations", po::value(&trajopt.iterations)->default_value(100),
      "with --problem: iLQR iterations per restart (at most)")(
      "starts", po::value(&starts)->default_value(1000),
      "start states drawn from the problem's start distribution (finite-horizon tables: default 10000)")(
      "seed", po::value(&seed)->default_value(Seed{1}), "start k is drawn after reseeding with seed + k")(
      "x0", po::value(&x0_text), "one start state instead (comma-separated, in the table's axis order)")(
      "steps", po::value(&steps),
      "steps per trajectory (default: until discount^steps < 1e-10; the episode limit does not apply)")(
      "lookahead", po::value(&search.lookahead)->default_value(1),
      "finite-horizon tables: actions per searched sequence of the closed loop's lookahead (1-8; the "
      "search costs actions^N steps per decision; deeper leans less on the table's errors)")(
      "beam", po::value(&search.beam)->default_value(0),
      "finite-horizon tables: > 0 replaces the closed loop by a beam search of this width from each start "
      "over the table's actions, ranked by return so far - V_k (an open-loop sequence per start; every "
      "environment steps deterministically, so its replayed return is achieved)")(
      "beam.cell", po::value(&search.beam_cell)->default_value(0.25),
      "the beam keeps one state per cell of this many table cells per axis (0: no merging)")(
      "output.json", po::value(&json_path),
      "also write the bracket's keys (scripts/optimum.sh): lower, lower_se, lower_starts (the feasible "
      "policy's achieved return), returns (finite-horizon tables: the achieved return from each start), "
      "estimate (the table's), upper null (a table gives no upper bound)");
  po::positional_options_description pos;
  pos.add("table", 1);
  po::variables_map vm;
  const std::string epilogue =
      "\nThe table's greedy feedback (interpolated /policy) in closed loop on the problem's own step: "
      "its achieved discounted cost J bounds the optimal value from above; J - V measures the "
      "table's own error.\nOn a finite-horizon table (--solve.algorithm finite_horizon): the optimal "
      "expected episode return two ways, -E[V_0] integrated exactly over the start distribution and "
      "the "
      "mean return (with its standard error) of the greedy lookahead on the stored stages, a feasible "
      "policy whose return bounds the optimum from below.\n";
  if (!parse_options(context.args, opts, vm, {&pos, epilogue})) return 0;
  HJB_CHECK(
      table_path.empty() != problem.empty(), UsageError,
      "usage: hjbench simulate TABLE.h5 [--starts N] [--x0 a,b] or hjbench simulate --problem NAME (give one "
      "of the two)");
  HJB_CHECK(starts >= 1, UsageError, "--starts must be positive, got " << starts);
  if (!problem.empty()) {
    HJB_CHECK(unset(vm, "beam") && unset(vm, "lookahead") && unset(vm, "beam.cell") && !vm.count("steps"),
              UsageError,
              "--beam, --beam.cell, --lookahead and --steps need a table; --problem optimises trajectories");
    HJB_CHECK(trajopt.restarts >= 1 && trajopt.iterations >= 1, UsageError,
              "--trajopt.restarts and --trajopt.iterations must be positive");
    trajopt.seed = seed.value;
    if (!json_path.empty()) check_outputs(PETSC_COMM_WORLD, {{json_path, "--output.json"}}, {});
    simulate_trajectories(problem, dim, unset(vm, "starts") ? 1000 : starts, seed, x0_text, trajopt,
                          json_path);
    return 0;
  }
  HJB_CHECK(unset(vm, "trajopt.restarts") && unset(vm, "trajopt.iterations") && unset(vm, "dim"), UsageError,
            "--trajopt.restarts, --trajopt.iterations and --dim go with --problem (trajectory optimisation "
            "without a table)");
  HJB_CHECK(search.beam >= 0, UsageError, "--beam must be a non-negative width, got " << search.beam);
  HJB_CHECK(search.beam == 0 || unset(vm, "lookahead"), UsageError,
            "--beam and --lookahead are two ways to find the feasible policy: give one");
  if (!json_path.empty())
    check_outputs(PETSC_COMM_WORLD, {{json_path, "--output.json"}}, {{table_path, "--table"}});
  if (read_table_header(table_path).sparse) {
    HJB_CHECK(!vm.count("steps"), UsageError, "--steps: a finite-horizon table fixes the episode length");
    simulate_sparse_episodic(table_path, unset(vm, "starts") ? 10000 : starts, seed, x0_text, search,
                             json_path);
    return 0;
  }
  const Table table = read_table(table_path);
  HJB_CHECK(table.complete, ValidationError, table_path << ": a partial table (interrupted or failed run)");
  if (table.strings.count("mode") && table.strings.at("mode") == "finite_horizon") {
    HJB_CHECK(!vm.count("steps"), UsageError,
              "--steps: a finite-horizon table fixes the episode length (its horizon_steps)");
    simulate_episodic(table, table_path, unset(vm, "starts") ? 10000 : starts, seed, x0_text, search,
                      json_path);
    return 0;
  }
  HJB_CHECK(unset(vm, "beam") && unset(vm, "lookahead") && unset(vm, "beam.cell"), UsageError,
            "--beam, --beam.cell and --lookahead search on the stages of a finite-horizon table; "
                << table_path << " is not one");
  simulate_stationary(table, table_path, vm, starts, seed, x0_text, steps, json_path);
  return 0;
}

}  // namespace hjb::apps
