// `hjbench train --algo ppo|sac --problem pendulum ...` and `hjbench rollout POLICY ...`.
#include "apps/rl_commands.hpp"

#include <petscsys.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "core/error.hpp"
#include "core/parse_list.hpp"
#include "grids/multilinear.hpp"
#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/agents/ppo.hpp"
#include "rl_baselines/agents/sac.hpp"
#include "rl_baselines/agents/score.hpp"
#include "rl_baselines/io/policy_file.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/io/sparse_table.hpp"
#include "solver/run/output_paths.hpp"
#include "tables/value_table.hpp"

namespace po = boost::program_options;

namespace hjb::apps {

namespace {

/// Boost's default style without guessing: an abbreviated option is an error, not a silent match.
constexpr int no_guessing = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

/// Hidden-layer widths: a list of positive integers.
std::vector<int> parse_sizes(const std::string& text, const std::string& option) {
  const std::vector<int> sizes = parse_list<int>(text, option);
  for (int v : sizes)
    HJB_CHECK(v > 0, UsageError, "--" << option << ": '" << v << "' is not a positive integer");
  return sizes;
}

void require_same_parameters(const Table& table, const std::string& path, const rl::Environment& env) {
  rl::require_same_parameters(table.problem_parameters, path, env);
}

/// --x0: a start state inside the table's grid (periodic axes wrap).
std::vector<double> parse_start(const std::string& text, const Table& table) {
  const std::vector<double> x0 = parse_list<double>(text, "x0");
  for (double v : x0) HJB_CHECK(std::isfinite(v), UsageError, "--x0: " << v << " is not a finite number");
  HJB_CHECK(x0.size() == table.axes.size(), UsageError,
            "--x0 has " << x0.size() << " components, the table " << table.axes.size());
  for (std::size_t a = 0; a < x0.size(); ++a)
    HJB_CHECK(
        table.axes[a].periodic || (x0[a] >= table.axes[a].lo && x0[a] <= table.axes[a].hi), ValidationError,
        "--x0: component " << a << " = " << x0[a] << " lies outside the table's axis '" << table.axes[a].name
                           << "' [" << table.axes[a].lo << ", " << table.axes[a].hi << "]");
  return x0;
}

/// Mean and standard error of the mean.
std::pair<double, double> mean_and_error(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double mean = 0.0, var = 0.0;
  for (double v : x) mean += v / n;
  for (double v : x) var += (v - mean) * (v - mean);
  return {mean, x.size() > 1 ? std::sqrt(var / (n - 1) / n) : 0.0};
}

/// `simulate` on a finite-horizon table: the optimal expected episode return two ways, the table
/// integrated exactly over the start distribution and the closed-loop returns of its greedy
/// lookahead feedback on the problem's own step.
int simulate_finite_horizon(const Table& table, const std::string& table_path, const rl::Environment& env,
                            const std::vector<std::vector<double>>& x0s, bool sampled) {
  HJB_CHECK(table.numbers.count("horizon_steps") && table.numbers.count("actions"), ValidationError,
            table_path << ": a finite-horizon table without horizon_steps/actions attributes");
  const long horizon = std::lround(table.numbers.at("horizon_steps"));
  // Snapshot j holds stage k = N + t_j (t_j = k - N <= 0). The lookahead at step k needs V_{k+1}:
  // where a stage is not stored, the nearest stored one stands in (still a feasible feedback, so
  // the closed loop still bounds the optimum; exact when every stage is stored).
  std::vector<int> snapshot_of(static_cast<std::size_t>(horizon + 1), -1);
  for (std::size_t j = 0; j < table.times.size(); ++j) {
    const long k = horizon + std::lround(table.times[j]);
    if (k >= 0 && k <= horizon) snapshot_of[static_cast<std::size_t>(k)] = static_cast<int>(j);
  }
  HJB_CHECK(snapshot_of[0] >= 0 && snapshot_of[static_cast<std::size_t>(horizon)] >= 0, ValidationError,
            table_path << ": a finite-horizon table without its stages 0 and " << horizon);
  const long missing = std::count(snapshot_of.begin(), snapshot_of.end(), -1);
  std::vector<int> nearest(snapshot_of);
  for (long k = 0; k <= horizon; ++k) {
    if (nearest[k] >= 0) continue;
    for (long d = 1;; ++d) {
      if (k - d >= 0 && snapshot_of[k - d] >= 0) {
        nearest[k] = snapshot_of[k - d];
        break;
      }
      if (k + d <= horizon && snapshot_of[k + d] >= 0) {
        nearest[k] = snapshot_of[k + d];
        break;
      }
    }
  }
  const int m = env.action_dim();
  const long count = std::lround(table.numbers.at("actions"));
  const long per_axis = std::lround(std::pow(static_cast<double>(count), 1.0 / m));
  const std::vector<std::vector<double>> actions = env.action_grid(static_cast<int>(per_axis));
  HJB_CHECK(static_cast<long>(actions.size()) == count, ValidationError,
            table_path << ": " << count << " actions is not a grid of " << m << "-D actions");
  const std::vector<double>& v0 = table.values[static_cast<std::size_t>(snapshot_of[0])];
  const auto cost_to_go = [&](long k, const std::vector<double>& y) {
    return interpolate_table(table.axes, table.values[static_cast<std::size_t>(nearest[k])], y.data());
  };
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<double> returns = rl::lookahead_returns(env, x0s, horizon, actions, cost_to_go);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> paired;
  for (std::size_t i = 0; i < x0s.size(); ++i)
    paired.push_back(returns[i] + interpolate_table(table.axes, v0, x0s[i].data()));  // R - (-V_0)
  const auto [mean_r, se_r] = mean_and_error(returns);
  const auto [mean_d, se_d] = mean_and_error(paired);
  std::string grid;
  for (const auto& a : table.axes) grid += (grid.empty() ? "" : "x") + std::to_string(a.n);
  std::printf("episodic return of %s under the feedback of %s (horizon %ld steps, grid %s, %ld actions)\n",
              env.problem_name().c_str(), table_path.c_str(), horizon, grid.c_str(), count);
  if (sampled) {
    double table_return;
    try {
      table_return = -uniform_box_mean(table.axes, v0, env.start_low(), env.start_high());
    } catch (const std::invalid_argument& e) {
      throw ValidationError(table_path + ": the start distribution of " + env.problem_name() +
                            " is not inside the table's grid: " + e.what());
    }
    std::printf("  table:       -E[V_0(x0)], x0 ~ the start distribution (exact integral)   %.6f\n",
                table_return);
  } else {
    std::printf("  table:       -V_0(x0)                                                  %.6f\n",
                -interpolate_table(table.axes, v0, x0s[0].data()));
  }
  std::printf(
      "  closed loop: greedy lookahead on the stages, %zu start%s                %.6f +- %.6f (standard "
      "error)\n",
      x0s.size(), x0s.size() > 1 ? "s" : "", mean_r, se_r);
  std::printf(
      "  closed loop - table, paired over the same starts                      %.6f +- %.6f (standard "
      "error)\n",
      mean_d, se_d);
  std::printf("  (%.2f s for %zu closed-loop episodes)\n", wall, x0s.size());
  if (missing > 0)
    std::printf(
        "  note: %ld of the %ld stages are stored; the lookahead used the nearest stored stage where its "
        "own was missing (a feasible feedback: the closed loop still bounds the optimum, less tightly)\n",
        horizon + 1 - missing, horizon + 1);
  return 0;
}

void print_evaluation(const std::string& what, const rl::Evaluation& e) {
  std::printf("%s: mean return %.2f +- %.2f (standard error) over %zu episodes\n", what.c_str(), e.mean,
              e.standard_error, e.returns.size());
}

}  // namespace

int run_train(const std::vector<std::string>& args) {
  std::string algo, problem = "pendulum", output, curve, config_file, ppo_hidden = "64,64",
                    sac_hidden = "64,64", ppo_activation = "tanh", sac_activation = "relu";
  long steps = 0;
  std::uint64_t seed = 1;
  int eval_episodes = 100, state_dim = 0;
  std::string gap_table_path, warm_table_path, ppo_warm_table_path;
  long gap_every = 10000;
  int gap_starts = 20;
  std::uint64_t gap_seed = 1000000;
  rl::PpoOptions ppo;
  rl::SacOptions sac;
  po::options_description opts("hjbench train --algo ppo|sac [--problem pendulum] [options]");
  opts.add_options()("help,h", "print this help")("config", po::value(&config_file),
                                                  "INI file with the same keys")(
      "algo", po::value(&algo), "ppo or sac")("problem", po::value(&problem)->default_value("pendulum"),
                                              "pendulum, mountain_car or acrobot")(
      "dim", po::value(&state_dim)->default_value(0),
      "state dimension of a problem family with several (lqr_mdp: 2 or 3; 0: the first)")(
      "seed", po::value(&seed)->default_value(1), "random seed (training is deterministic for a seed)")(
      "steps", po::value(&steps), "environment steps (default: ppo 300000, sac 20000)")(
      "output", po::value(&output), "policy file (default out/ALGO_PROBLEM_seedN.h5)")(
      "curve", po::value(&curve), "learning curve CSV (default: the policy file name with _curve.csv)")(
      "evaluate.episodes", po::value(&eval_episodes)->default_value(100),
      "deterministic evaluation episodes after training (0: none)")(
      "evaluate.table", po::value(&gap_table_path),
      "a stationary table of the problem: record the optimality gap during training in the curve CSV")(
      "evaluate.every", po::value(&gap_every)->default_value(10000),
      "with --evaluate.table: environment steps between gap measurements")(
      "evaluate.starts", po::value(&gap_starts)->default_value(20),
      "with --evaluate.table: fixed starts per measurement (start e from reset(evaluate.seed + e))")(
      "evaluate.seed", po::value(&gap_seed)->default_value(1000000),
      "with --evaluate.table: first start seed");
  po::options_description ppo_opts("PPO");
  ppo_opts.add_options()("ppo.environments", po::value(&ppo.environments)->default_value(ppo.environments),
                         "parallel environments")(
      "ppo.rollout_steps", po::value(&ppo.rollout_steps)->default_value(ppo.rollout_steps),
      "steps per environment per rollout")("ppo.epochs", po::value(&ppo.epochs)->default_value(ppo.epochs),
                                           "passes over each rollout")(
      "ppo.minibatch", po::value(&ppo.minibatch)->default_value(ppo.minibatch), "minibatch size")(
      "ppo.gamma", po::value(&ppo.gamma)->default_value(ppo.gamma), "discount")(
      "ppo.gae_lambda", po::value(&ppo.gae_lambda)->default_value(ppo.gae_lambda), "GAE lambda")(
      "ppo.clip_range", po::value(&ppo.clip_range)->default_value(ppo.clip_range), "ratio clip epsilon")(
      "ppo.value_clip", po::value(&ppo.value_clip)->default_value(ppo.value_clip),
      "value clip range (0: off)")(
      "ppo.entropy_coefficient", po::value(&ppo.entropy_coefficient)->default_value(ppo.entropy_coefficient),
      "entropy bonus")("ppo.value_coefficient",
                       po::value(&ppo.value_coefficient)->default_value(ppo.value_coefficient),
                       "value loss weight")("ppo.learning_rate",
                                            po::value(&ppo.learning_rate)->default_value(ppo.learning_rate),
                                            "Adam step (linearly annealed)")(
      "ppo.anneal_learning_rate",
      po::value(&ppo.anneal_learning_rate)->default_value(ppo.anneal_learning_rate), "anneal to 0")(
      "ppo.max_gradient_norm", po::value(&ppo.max_gradient_norm)->default_value(ppo.max_gradient_norm),
      "gradient clip")("ppo.initial_log_std",
                       po::value(&ppo.initial_log_std)->default_value(ppo.initial_log_std),
                       "initial log std")(
      "ppo.noise_correlation", po::value(&ppo.noise_correlation)->default_value(ppo.noise_correlation),
      "AR(1) correlation of the exploration noise per step (0: independent)")(
      "ppo.model_batch", po::value(&ppo.model_batch)->default_value(ppo.model_batch),
      "HJB-informed value network: rollout states per minibatch stepped by the known dynamics (0: off)")(
      "ppo.warm_start_table", po::value(&ppo_warm_table_path),
      "warm-start the value network from a (coarse) stationary table of the problem")(
      "ppo.warm_start_steps", po::value(&ppo.warm_start_steps)->default_value(ppo.warm_start_steps),
      "value-network fitting steps of the warm start")(
      "ppo.state_dependent_std", po::value(&ppo.state_dependent_std)->default_value(ppo.state_dependent_std),
      "exploration noise from the network (true) or a free parameter (false)")(
      "ppo.normalize_observations",
      po::value(&ppo.normalize_observations)->default_value(ppo.normalize_observations),
      "")("ppo.normalize_rewards", po::value(&ppo.normalize_rewards)->default_value(ppo.normalize_rewards),
          "")("ppo.normalize_advantages",
              po::value(&ppo.normalize_advantages)->default_value(ppo.normalize_advantages),
              "")("ppo.hidden", po::value(&ppo_hidden)->default_value(ppo_hidden), "hidden layer widths")(
      "ppo.activation", po::value(&ppo_activation)->default_value(ppo_activation), "tanh or relu");
  po::options_description sac_opts("SAC");
  sac_opts.add_options()("sac.batch", po::value(&sac.batch)->default_value(sac.batch), "minibatch size")(
      "sac.buffer", po::value(&sac.buffer)->default_value(sac.buffer), "replay capacity")(
      "sac.learning_starts", po::value(&sac.learning_starts)->default_value(sac.learning_starts),
      "random steps first")("sac.gamma", po::value(&sac.gamma)->default_value(sac.gamma), "discount")(
      "sac.tau", po::value(&sac.tau)->default_value(sac.tau), "Polyak factor")(
      "sac.actor_learning_rate", po::value(&sac.actor_learning_rate)->default_value(sac.actor_learning_rate),
      "")("sac.critic_learning_rate",
          po::value(&sac.critic_learning_rate)->default_value(sac.critic_learning_rate), "")(
      "sac.alpha_learning_rate", po::value(&sac.alpha_learning_rate)->default_value(sac.alpha_learning_rate),
      "")("sac.initial_alpha", po::value(&sac.initial_alpha)->default_value(sac.initial_alpha),
          "initial temperature")("sac.target_entropy",
                                 po::value(&sac.target_entropy)->default_value(sac.target_entropy),
                                 "0: -action_dim")(
      "sac.noise_correlation", po::value(&sac.noise_correlation)->default_value(sac.noise_correlation),
      "AR(1) correlation of the exploration noise per step (0: independent)")(
      "sac.model_batch", po::value(&sac.model_batch)->default_value(sac.model_batch),
      "HJB-informed critic: synthetic transitions of the known dynamics per update (0: off)")(
      "sac.warm_start_table", po::value(&warm_table_path),
      "warm-start the critic from a (coarse) stationary table of the problem (one-step lookahead fit)")(
      "sac.warm_start_steps", po::value(&sac.warm_start_steps)->default_value(sac.warm_start_steps),
      "critic fitting steps of the warm start")(
      "sac.hidden", po::value(&sac_hidden)->default_value(sac_hidden), "hidden layer widths")(
      "sac.activation", po::value(&sac_activation)->default_value(sac_activation), "tanh or relu");
  po::options_description all;
  all.add(opts).add(ppo_opts).add(sac_opts);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).style(no_guessing).run(), vm);
    if (vm.count("help")) {
      std::cout << all << "\nExample: hjbench train --algo sac --problem pendulum --seed 3 --steps 20000\n";
      return 0;
    }
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream in(path);
      HJB_CHECK(std::filesystem::is_regular_file(path) && in, ValidationError,
                "cannot read config file " << path);
      po::store(po::parse_config_file(in, all, false), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  HJB_CHECK(algo == "ppo" || algo == "sac", UsageError,
            "--algo: " << (algo.empty() ? "required" : "unknown algorithm '" + algo + "'")
                       << " (choose ppo or sac)");
  if (!vm.count("steps")) steps = algo == "ppo" ? 300000 : 20000;
  // Per-problem defaults (options the user did not set): MountainCarContinuous-v0 needs exploration
  // that keeps pushing one way for tens of steps to ever reach the goal — temporally correlated
  // noise (AR(1), c = 0.99) for both agents, and PPO the environment's own discount (docs/benchmarks.md).
  auto unset = [&](const char* key) { return !vm.count(key) || vm[key].defaulted(); };
  if (problem == "mountain_car") {
    if (unset("sac.noise_correlation")) sac.noise_correlation = 0.99;
    if (unset("ppo.noise_correlation")) ppo.noise_correlation = 0.99;
    if (unset("ppo.gamma")) ppo.gamma = 0.99;
  }
  HJB_CHECK(steps > 0, UsageError, "--steps must be positive, got " << steps);
  HJB_CHECK(eval_episodes >= 0, UsageError, "--evaluate.episodes must be non-negative");
  ppo.hidden = parse_sizes(ppo_hidden, "ppo.hidden");
  sac.hidden = parse_sizes(sac_hidden, "sac.hidden");
  ppo.activation = rl::parse_activation(ppo_activation);
  sac.activation = rl::parse_activation(sac_activation);
  if (algo == "ppo")
    ppo.validate();
  else
    sac.validate();
  const auto env = rl::make_environment(problem, {}, state_dim);
  if (output.empty()) output = "out/" + algo + "_" + problem + "_seed" + std::to_string(seed) + ".h5";
  if (curve.empty())
    curve =
        (output.size() > 3 && output.substr(output.size() - 3) == ".h5" ? output.substr(0, output.size() - 3)
                                                                        : output) +
        "_curve.csv";
  // The same checks as every solve output: regular file or nothing, writable directory, distinct.
  std::vector<OutputFile> inputs;
  if (!gap_table_path.empty()) inputs.push_back({gap_table_path, "--evaluate.table"});
  if (!warm_table_path.empty()) inputs.push_back({warm_table_path, "--sac.warm_start_table"});
  if (!ppo_warm_table_path.empty()) inputs.push_back({ppo_warm_table_path, "--ppo.warm_start_table"});
  check_outputs(PETSC_COMM_WORLD, {{output, "--output"}, {curve, "--curve"}}, inputs);
  // The table is read and checked against the environment before any training.
  std::optional<ValueTable> gap_table;
  std::optional<rl::GapTracker> tracker;
  if (!gap_table_path.empty()) {
    HJB_CHECK(gap_every >= 1, UsageError, "--evaluate.every must be positive, got " << gap_every);
    HJB_CHECK(gap_starts >= 1, UsageError, "--evaluate.starts must be positive, got " << gap_starts);
    gap_table.emplace(ValueTable::read(gap_table_path));
    tracker.emplace(*env, *gap_table, gap_starts, gap_seed);
    std::printf(
        "gap against %s on %d fixed starts every %ld steps: mean V* %.4f, table feedback return %.4f\n",
        gap_table_path.c_str(), gap_starts, gap_every, tracker->mean_optimal_value(),
        tracker->feedback_return());
  } else {
    HJB_CHECK(
        vm["evaluate.every"].defaulted() && vm["evaluate.starts"].defaulted(), UsageError,
        "--evaluate.every/--evaluate.starts need --evaluate.table (the table the gap is measured against)");
  }

  std::optional<ValueTable> warm_table;
  if (!warm_table_path.empty()) {
    HJB_CHECK(algo == "sac", UsageError, "--sac.warm_start_table: only SAC has a warm start");
    warm_table.emplace(ValueTable::read(warm_table_path));  // checked by train_sac before any step
    sac.warm_start_table = &*warm_table;
  }
  std::optional<ValueTable> ppo_warm_table;
  if (!ppo_warm_table_path.empty()) {
    HJB_CHECK(algo == "ppo", UsageError, "--ppo.warm_start_table needs --algo ppo");
    ppo_warm_table.emplace(ValueTable::read(ppo_warm_table_path));  // checked by train_ppo before any step
    ppo.warm_start_table = &*ppo_warm_table;
  }

  std::vector<rl::CurvePoint> points;
  std::vector<std::optional<rl::GapTracker::Point>> gaps;
  double next_gap = 0;
  auto on_progress = [&](const rl::CurvePoint& p) {
    points.push_back(p);
    gaps.emplace_back();
    std::printf("steps %9.0f  wall %7.2f s  mean return %9.2f", p.env_steps, p.wall_seconds, p.mean_return);
    if (tracker && p.policy && p.env_steps >= next_gap) {
      gaps.back() = tracker->measure(*p.policy);
      next_gap = p.env_steps + static_cast<double>(gap_every);
      std::printf("  | deterministic return %9.2f  gap J - V* %9.3f +- %.3f", gaps.back()->mean_return,
                  gaps.back()->gap_cost, gaps.back()->gap_cost_se);
    }
    std::printf("\n");
    std::fflush(stdout);
  };
  const auto t0 = std::chrono::steady_clock::now();
  rl::Policy policy = algo == "ppo" ? rl::train_ppo(*env, ppo, steps, seed, on_progress)
                                    : rl::train_sac(*env, sac, steps, seed, on_progress);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rl::save_policy(output, policy);
  {
    std::ofstream out(curve + ".tmp");
    out << "env_steps,wall_seconds,mean_return";
    if (tracker)
      out << ",eval_return,eval_return_se,gap_cost,gap_cost_se,gap_return,gap_return_se,feedback_return";
    out << "\n";
    out.precision(10);
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto& p = points[i];
      out << p.env_steps << "," << p.wall_seconds << "," << p.mean_return;
      if (tracker) {
        if (const auto& g = gaps[i])
          out << "," << g->mean_return << "," << g->return_se << "," << g->gap_cost << "," << g->gap_cost_se
              << "," << g->gap_return << "," << g->gap_return_se << "," << tracker->feedback_return();
        else
          out << ",nan,nan,nan,nan,nan,nan," << tracker->feedback_return();
      }
      out << "\n";
    }
    out.close();
    HJB_CHECK(out && std::rename((curve + ".tmp").c_str(), curve.c_str()) == 0, RuntimeError,
              "cannot write learning curve " << curve);
  }
  const long trained = static_cast<long>(policy.env_steps);
  std::string rounding;
  if (trained != steps)
    rounding = " (--steps " + std::to_string(steps) + " rounded up to whole rollouts of " +
               std::to_string(ppo.environments) + " x " + std::to_string(ppo.rollout_steps) + " steps)";
  if (policy.hyperparameters.count("model_queries") && policy.hyperparameters.at("model_queries") > 0)
    std::printf("model queries (the known dynamics, not environment steps): %.0f\n",
                policy.hyperparameters.at("model_queries"));
  std::printf("trained %s on %s for %ld environment steps%s (seed %llu) in %.2f s; wrote %s and %s\n",
              algo.c_str(), problem.c_str(), trained, rounding.c_str(), static_cast<unsigned long long>(seed),
              wall, output.c_str(), curve.c_str());
  if (eval_episodes > 0)
    print_evaluation("evaluation (deterministic policy)",
                     rl::evaluate_policy(policy, *env, eval_episodes, 1000000));
  if (tracker) {
    const auto g = tracker->measure(policy);
    std::printf(
        "final gap on the %d fixed starts: J - V* %.4f +- %.4f, return %.3f vs the table feedback's %.3f\n",
        gap_starts, g.gap_cost, g.gap_cost_se, g.mean_return, tracker->feedback_return());
  }
  return 0;
}

int run_rollout(const std::vector<std::string>& args) {
  std::string path, problem, table_path, episodic_path;
  int episodes = 100;
  std::uint64_t seed = 1000000;
  po::options_description opts("hjbench rollout POLICY.h5 [--episodes N] [--seed S] [--problem NAME]");
  opts.add_options()("help,h", "print this help")("policy", po::value(&path), "policy file")(
      "episodes", po::value(&episodes)->default_value(100), "number of seeded episodes")(
      "seed", po::value(&seed)->default_value(1000000), "episode e starts from reset(seed + e)")(
      "problem", po::value(&problem), "problem to evaluate on (default: the policy's)")(
      "table", po::value(&table_path),
      "a stationary value table of the same problem (hjbench solve --solve.algorithm ...): also print the "
      "optimality gap J(x0) - V*(x0) of the policy's discounted cost")(
      "episodic-table", po::value(&episodic_path),
      "a finite-horizon table of the same problem and episode length (--solve.algorithm finite_horizon): "
      "also "
      "print the gap in episode return, R*(x0) - R(x0) = -V_0(x0) - R(x0), paired over the same episodes");
  po::positional_options_description pos;
  pos.add("policy", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).style(no_guessing).run(), vm);
    if (vm.count("help")) {
      std::cout << opts;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
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
    HJB_CHECK(table.strings.count("problem") && table.strings.at("problem") == problem, ValidationError,
              episodic_path << ": a table of problem '"
                            << (table.strings.count("problem") ? table.strings.at("problem") : "?")
                            << "', not '" << problem << "'");
    HJB_CHECK(
        table.strings.count("mode") && table.strings.at("mode") == "finite_horizon" &&
            table.numbers.count("horizon_steps"),
        ValidationError,
        episodic_path << ": not a finite-horizon table (hjbench solve --solve.algorithm finite_horizon)");
    HJB_CHECK(table.axes.size() == env->state().size(), ValidationError,
              episodic_path << ": a " << table.axes.size() << "-D table, but problem '" << problem << "' is "
                            << env->state().size() << "-D");
    require_same_parameters(table, episodic_path, *env);
    const long horizon = std::lround(table.numbers.at("horizon_steps"));
    HJB_CHECK(horizon == env->episode_limit(), ValidationError,
              episodic_path << ": its horizon is " << horizon << " steps, the episodes of '" << problem
                            << "' last " << env->episode_limit());
  }
  if (!table_path.empty()) {
    const Table& table = stationary.emplace(read_table(table_path));
    HJB_CHECK(table.strings.count("problem") && table.strings.at("problem") == problem, ValidationError,
              table_path << ": a table of problem '"
                         << (table.strings.count("problem") ? table.strings.at("problem") : "?") << "', not '"
                         << problem << "'");
    HJB_CHECK(table.strings.count("mode") && table.strings.at("mode") == "stationary" &&
                  table.numbers.count("discount"),
              ValidationError,
              table_path << ": not a stationary (discounted) value table"
                         << (table.strings.count("mode") && table.strings.at("mode") == "finite_horizon"
                                 ? " but a finite-horizon one (its episodic optimum: hjbench simulate " +
                                       table_path + ")"
                                 : std::string()));
    HJB_CHECK(table.axes.size() == env->state().size(), ValidationError,
              table_path << ": a " << table.axes.size() << "-D table, but problem '" << problem << "' is "
                         << env->state().size() << "-D");
    require_same_parameters(table, table_path, *env);
  }
  print_evaluation(policy.algorithm + " policy " + path + " on " + problem,
                   rl::evaluate_policy(policy, *env, episodes, seed));
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
        "episodic gap (table %s, %ld steps): policy return %.3f, optimal return %.3f, gap %.3f +- %.3f "
        "(standard error, paired) over %d episodes\n",
        episodic_path.c_str(), horizon, -gap.mean_cost, -gap.mean_optimal, gap.mean_gap,
        gap.gap_standard_error, episodes);
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

int run_simulate(const std::vector<std::string>& args) {
  std::string table_path, x0_text;
  int starts = 1000;
  std::uint64_t seed = 1;
  long steps = 0;
  po::options_description opts(
      "hjbench simulate TABLE.h5 [--starts N] [--seed S] [--x0 a,b,...] [--steps K]");
  opts.add_options()("help,h", "print this help")("table", po::value(&table_path),
                                                  "a stationary or finite-horizon value table")(
      "starts", po::value(&starts)->default_value(1000),
      "start states drawn from the problem's start distribution (finite-horizon tables: default 10000)")(
      "seed", po::value(&seed)->default_value(1), "start k is drawn after reseeding with seed + k")(
      "x0", po::value(&x0_text), "one start state instead (comma-separated, in the table's axis order)")(
      "steps", po::value(&steps),
      "steps per trajectory (default: until discount^steps < 1e-10; the episode limit does not apply)");
  po::positional_options_description pos;
  pos.add("table", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).style(no_guessing).run(), vm);
    if (vm.count("help")) {
      std::cout
          << opts
          << "\nThe table's greedy feedback (interpolated /policy) in closed loop on the problem's own step: "
             "its achieved discounted cost J bounds the optimal value from above; J - V measures the "
             "table's own error.\nOn a finite-horizon table (--solve.algorithm finite_horizon): the optimal "
             "expected episode return two ways, -E[V_0] integrated exactly over the start distribution and "
             "the "
             "mean return (with its standard error) of the greedy lookahead on the stored stages, a feasible "
             "policy whose return bounds the optimum from below.\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  HJB_CHECK(!table_path.empty(), UsageError, "usage: hjbench simulate TABLE.h5 [--starts N] [--x0 a,b]");
  HJB_CHECK(starts >= 1, UsageError, "--starts must be positive, got " << starts);
  const Table table = read_table(table_path);
  HJB_CHECK(table.complete, ValidationError, table_path << ": a partial table (interrupted or failed run)");
  if (table.strings.count("mode") && table.strings.at("mode") == "finite_horizon") {
    const auto env = rl::make_environment(table.strings.at("problem"), table.problem_parameters,
                                          static_cast<int>(table.axes.size()));
    HJB_CHECK(static_cast<int>(table.axes.size()) == static_cast<int>(env->state().size()), ValidationError,
              table_path << ": its dimensions do not match problem '" << env->problem_name() << "'");
    HJB_CHECK(!vm.count("steps"), UsageError,
              "--steps: a finite-horizon table fixes the episode length (its horizon_steps)");
    std::vector<std::vector<double>> x0s;
    if (!x0_text.empty()) {
      x0s.push_back(parse_start(x0_text, table));
    } else {
      if (!vm.count("starts") || vm["starts"].defaulted()) starts = 10000;
      auto sampler = env->clone();
      for (int k = 0; k < starts; ++k) {
        sampler->reset(seed + static_cast<std::uint64_t>(k));
        x0s.push_back(sampler->state());
      }
    }
    return simulate_finite_horizon(table, table_path, *env, x0s, x0_text.empty());
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
  std::vector<std::vector<double>> x0s;
  if (!x0_text.empty()) {
    x0s.push_back(parse_start(x0_text, table));
  } else {
    auto sampler = env->clone();
    for (int k = 0; k < starts; ++k) {
      sampler->reset(seed + static_cast<std::uint64_t>(k));
      x0s.push_back(sampler->state());
    }
  }
  const std::vector<double>& v = table.values.back();
  const auto feedback = [&](const std::vector<double>& x, double* action) {
    for (std::size_t j = 0; j < table.policy.size(); ++j)
      action[j] = interpolate_table(table.axes, table.policy[j], x.data());
  };
  const std::vector<double> achieved = rl::feedback_cost(*env, x0s, feedback, gamma, steps);
  const double n = static_cast<double>(x0s.size());
  double mean_j = 0, mean_v = 0, mean_gap = 0, worst = -INFINITY;
  std::vector<double> gaps;
  for (std::size_t k = 0; k < x0s.size(); ++k) {
    const double value = interpolate_table(table.axes, v, x0s[k].data());
    gaps.push_back(achieved[k] - value);
    mean_j += achieved[k] / n;
    mean_v += value / n;
    worst = std::max(worst, achieved[k] - value);
  }
  for (double g : gaps) mean_gap += g / n;
  double var = 0;
  for (double g : gaps) var += (g - mean_gap) * (g - mean_gap);
  const double se = x0s.size() > 1 ? std::sqrt(var / (n - 1) / n) : 0.0;
  std::printf("closed-loop feedback of %s on %s (discount %.6g, %ld steps per trajectory, %zu start%s)\n",
              table_path.c_str(), env->problem_name().c_str(), gamma, steps, x0s.size(),
              x0s.size() > 1 ? "s" : "");
  std::printf("  achieved cost J (an upper bound on V*, up to a tail of discount^%ld)  mean %.6f\n", steps,
              mean_j);
  std::printf("  table value V                                                     mean %.6f\n", mean_v);
  std::printf(
      "  J - V (paired)                                                    mean %.6f +- %.6f (standard "
      "error), "
      "largest %.6f\n",
      mean_gap, se, worst);
  return 0;
}

int run_sample(const std::vector<std::string>& args) {
  std::string table_path, shape_text, output;
  po::options_description opts("hjbench sample SPARSE.h5 --grid.shape n1,..,nd --output.file T.h5");
  opts.add_options()("help,h", "print this help")("table", po::value(&table_path), "a sparse-grid table")(
      "grid.shape", po::value(&shape_text), "nodes per axis of the tensor grid over the sparse table's box")(
      "output.file", po::value(&output), "the tensor table to write (with an XDMF sidecar in 2-D and 3-D)");
  po::positional_options_description pos;
  pos.add("table", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).style(no_guessing).run(), vm);
    if (vm.count("help")) {
      std::cout << opts
                << "\nThe sparse interpolant evaluated at every node of the tensor grid (the feedback: the "
                   "interpolant of its nodal values), for plots, XDMF and tensor-table readers.\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  HJB_CHECK(!table_path.empty() && !shape_text.empty() && !output.empty(), UsageError,
            "usage: hjbench sample SPARSE.h5 --grid.shape n1,..,nd --output.file T.h5");
  const SparseTable table = read_sparse_table(table_path);
  HJB_CHECK(table.complete, ValidationError, table_path << ": a partial table (interrupted or failed run)");
  const std::vector<std::int64_t> shape = parse_list<std::int64_t>(shape_text, "grid.shape");
  HJB_CHECK(
      static_cast<int>(shape.size()) == table.dimension, UsageError,
      "--grid.shape has " << shape.size() << " sizes but the sparse table is " << table.dimension << "-D");
  double total = 1;
  for (auto n : shape) {
    HJB_CHECK(n >= 2, UsageError, "--grid.shape: every axis needs at least 2 nodes, got " << n);
    total *= static_cast<double>(n);
  }
  HJB_CHECK(total <= 2e9, ValidationError,
            "--grid.shape: " << total << " nodes is more than this command samples");
  const std::string sidecar =
      table.dimension == 2 || table.dimension == 3 ? sidecar_path(output) : std::string();
  std::vector<OutputFile> outs{{output, "--output.file"}};
  if (!sidecar.empty()) outs.push_back({sidecar, "--output.file (its XDMF sidecar)"});
  check_outputs(PETSC_COMM_WORLD, outs, {{table_path, "SPARSE.h5"}});
  std::vector<std::vector<double>> feedback = table.policy;
  for (auto& f : feedback) table.hierarchize(f);
  // Rows of axis 0 split over the ranks; each rank evaluates and writes its block.
  int rank, size;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  // Axis names and periodic axes (their end point excluded) as the solver recorded them.
  std::vector<std::string> names, periodic;
  if (table.strings.count("axes")) names = split_list(table.strings.at("axes"));
  if (table.strings.count("periodic")) periodic = split_list(table.strings.at("periodic"));
  std::vector<Axis> axes;
  for (int k = 0; k < table.dimension; ++k)
    axes.push_back({static_cast<int>(names.size()) == table.dimension ? names[k] : "x" + std::to_string(k),
                    table.lo[k], table.hi[k], shape[k],
                    static_cast<int>(periodic.size()) == table.dimension && periodic[k] == "yes"});
  std::vector<std::int64_t> start(shape.size(), 0), extent(shape.begin(), shape.end());
  start[0] = shape[0] * rank / size;
  extent[0] = shape[0] * (rank + 1) / size - start[0];
  std::int64_t count = 1;
  for (auto e : extent) count *= e;
  std::vector<double> values(static_cast<std::size_t>(count));
  std::vector<std::vector<double>> controls(feedback.size(),
                                            std::vector<double>(static_cast<std::size_t>(count)));
  std::vector<double> x(shape.size());
  for (std::int64_t q = 0; q < count; ++q) {
    std::int64_t rest = q;
    for (int k = table.dimension - 1; k >= 0; --k) {
      x[k] = axes[k].coordinate(start[k] + rest % extent[k]);
      rest /= extent[k];
    }
    values[q] = table.evaluate(table.surplus, x.data());
    for (std::size_t j = 0; j < feedback.size(); ++j) controls[j][q] = table.evaluate(feedback[j], x.data());
  }
  TableMetadata meta;
  meta.problem = table.strings.count("problem") ? table.strings.at("problem") : "?";
  meta.problem_parameters = table.problem_parameters;
  meta.problem_parameters.erase("name");
  for (const auto& [k, v] : table.strings)
    if (k != "complete" && k != "grid_type" && k != "problem" && k != "schema_version" && k != "axes" &&
        k != "periodic")
      meta.strings[k] = v;
  meta.strings["sampled_from"] = table_path;
  meta.numbers = table.numbers;
  meta.numbers.erase("schema_version");
  std::vector<std::string> extras;
  for (std::size_t j = 0; j < feedback.size(); ++j) extras.push_back("policy/action_" + std::to_string(j));
  const std::string tag = make_run_tag(PETSC_COMM_WORLD);
  TableWriter writer(PETSC_COMM_WORLD, output, output + "." + tag + ".tmp", axes, start, extent, {0.0}, meta,
                     extras);
  writer.write_snapshot(0, values.data());
  for (std::size_t j = 0; j < feedback.size(); ++j) writer.write_extra(extras[j], controls[j].data());
  writer.commit(sidecar, sidecar.empty() ? std::string() : sidecar + "." + tag + ".tmp");
  if (rank == 0)
    std::printf("sampled %s (%lld sparse nodes) onto %.0f tensor nodes: wrote %s%s\n", table_path.c_str(),
                static_cast<long long>(table.nodal.size()), total, output.c_str(),
                sidecar.empty() ? "" : (" and " + sidecar).c_str());
  return 0;
}

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

}  // namespace

int run_evaluate(const std::vector<std::string>& args) {
  std::string table_path, policy_path, coarse_path, json_path;
  rl::ScoreOptions o;
  po::options_description opts(
      "hjbench evaluate --table T.h5 --policy P.h5 [--starts N] [--seed S] [--coarse-table C.h5] "
      "[--output.json F]");
  opts.add_options()("help,h", "print this help")(
      "table", po::value(&table_path), "a stationary value table of the policy's problem (tensor or sparse)")(
      "policy", po::value(&policy_path), "a policy file (hjbench train)")(
      "starts", po::value(&o.starts)->default_value(o.starts),
      "episodes; episode e starts from the environment's reset(seed + e)")(
      "seed", po::value(&o.seed)->default_value(o.seed), "first episode seed")(
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
      "output.json", po::value(&json_path),
      "write the full score as JSON (scripts/plot_evaluation.py draws it)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).style(no_guessing).run(), vm);
    if (vm.count("help")) {
      std::cout
          << opts
          << "\nScores a policy and its critic against the table: gaps J - V* in the table's discounted-cost "
             "scale (J continued past the episode limit, as V* is infinite-horizon) and in episode "
             "returns against the table's own feedback, a certified lower bound J - J_feedback on the "
             "gap (J_feedback >= V*), the critic's and the policy's errors over the table's box and "
             "along visited states, and the critic's Bellman residual.\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  HJB_CHECK(!table_path.empty() && !policy_path.empty(), UsageError,
            "usage: hjbench evaluate --table T.h5 --policy P.h5 [--starts N] [--seed S]");
  HJB_CHECK(o.starts >= 1, UsageError, "--starts must be positive, got " << o.starts);
  HJB_CHECK(o.bootstrap >= 0, UsageError, "--bootstrap must be non-negative, got " << o.bootstrap);
  HJB_CHECK(o.confidence > 0 && o.confidence < 1, UsageError,
            "--confidence must lie strictly between 0 and 1, got " << o.confidence);
  HJB_CHECK(o.domain_points >= 0, UsageError,
            "--domain-points must be non-negative, got " << o.domain_points);
  HJB_CHECK(o.slice == 0 || o.slice >= 2, UsageError, "--slice must be 0 or at least 2, got " << o.slice);
  std::vector<OutputFile> inputs{{table_path, "--table"}, {policy_path, "--policy"}};
  if (!coarse_path.empty()) inputs.push_back({coarse_path, "--coarse-table"});
  if (!json_path.empty()) check_outputs(PETSC_COMM_WORLD, {{json_path, "--output.json"}}, inputs);
  // Everything is read and checked before any episode runs.
  const rl::Policy policy = rl::load_policy(policy_path);
  const auto env = rl::make_environment(policy.problem, {}, policy.state_dim);
  const ValueTable table = ValueTable::read(table_path);
  std::optional<ValueTable> coarse;
  if (!coarse_path.empty()) {
    coarse.emplace(ValueTable::read(coarse_path));
    o.coarse = &*coarse;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const rl::Score s = rl::score_policy(policy, *env, table, o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (!json_path.empty() && rank == 0) {
    const std::string tmp = json_path + ".tmp";
    std::ofstream out(tmp);
    out << rl::score_json(s);
    out.close();
    HJB_CHECK(out && std::rename(tmp.c_str(), json_path.c_str()) == 0, RuntimeError,
              "cannot write --output.json " << json_path);
  }
  if (rank != 0) return 0;
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
  std::printf("episode-return scale (rewards summed over the episode, what RL papers report):\n");
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
  if (!json_path.empty()) std::printf("wrote %s\n", json_path.c_str());
  return 0;
}

}  // namespace hjb::apps
