// `hjbench train --algo ppo|sac [--problem P] ...`: train an agent on a problem's MDP, write the
// policy file and its learning curve (optionally with the optimality gap against a table).
#include <petscsys.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "rl_baselines/agents/ppo.hpp"
#include "rl_baselines/agents/sac.hpp"
#include "rl_baselines/agents/score.hpp"
#include "rl_baselines/io/policy_file.hpp"
#include "solver/run/output_paths.hpp"
#include "tables/value_table.hpp"

namespace hjb::apps {

namespace {

/// --PREFIX.NAME for every scalar option of an agent (its visit list), with the struct's defaults.
template <class Options>
po::options_description agent_options(const char* title, const std::string& prefix, Options& o) {
  po::options_description group(title);
  Options::visit(o, [&](const char* name, auto& value, const char* help) {
    group.add_options()((prefix + name).c_str(), po::value(&value)->default_value(value), help);
  });
  return group;
}

struct TrainOptions {
  std::string algo, problem = "pendulum", output, curve, ppo_hidden = "64,64", sac_hidden = "64,64",
                    ppo_activation = "tanh", sac_activation = "relu";
  long steps = 0;
  Seed seed{1};
  int eval_episodes = 100, state_dim = 0;
  std::string gap_table, sac_warm_table, ppo_warm_table;
  long gap_every = 10000;
  int gap_starts = 20;
  Seed gap_seed{1000000};
  rl::PpoOptions ppo;
  rl::SacOptions sac;
};

po::options_description train_options(TrainOptions& t, std::string& config_file) {
  po::options_description opts("hjbench train --algo ppo|sac [--problem pendulum] [options]");
  std::string names;
  for (const auto& n : rl::environment_names()) names += (names.empty() ? "" : ", ") + n;
  const std::string problem_help = "an MDP problem: " + names;
  opts.add_options()("help,h", "print this help")("config", po::value(&config_file),
                                                  "INI file with the same keys")(
      "algo", po::value(&t.algo), "ppo or sac")("problem", po::value(&t.problem)->default_value("pendulum"),
                                                problem_help.c_str())(
      "dim", po::value(&t.state_dim)->default_value(0),
      "state dimension of a problem family with several (lqr_mdp: 2 or 3; 0: the first)")(
      "seed", po::value(&t.seed)->default_value(Seed{1}),
      "random seed (training is deterministic for a seed)")(
      "steps", po::value(&t.steps),
      "environment steps (default: ppo 300000, sac 20000; mountain_car: ppo 500000, sac 30000)")(
      "output", po::value(&t.output), "policy file (default out/ALGO_PROBLEM_seedN.h5)")(
      "curve", po::value(&t.curve), "learning curve CSV (default: the policy file name with _curve.csv)")(
      "evaluate.episodes", po::value(&t.eval_episodes)->default_value(100),
      "deterministic evaluation episodes after training (0: none)")(
      "evaluate.table", po::value(&t.gap_table),
      "a stationary table of the problem: record the optimality gap during training in the curve CSV")(
      "evaluate.every", po::value(&t.gap_every)->default_value(10000),
      "with --evaluate.table: environment steps between gap measurements")(
      "evaluate.starts", po::value(&t.gap_starts)->default_value(20),
      "with --evaluate.table: fixed starts per measurement (start e from reset(evaluate.seed + e))")(
      "evaluate.seed", po::value(&t.gap_seed)->default_value(Seed{1000000}),
      "with --evaluate.table: first start seed");
  auto ppo = agent_options("PPO", "ppo.", t.ppo);
  ppo.add_options()("ppo.warm_start_table", po::value(&t.ppo_warm_table),
                    "warm-start the value network from a (coarse) stationary table of the problem")(
      "ppo.hidden", po::value(&t.ppo_hidden)->default_value(t.ppo_hidden), "hidden layer widths")(
      "ppo.activation", po::value(&t.ppo_activation)->default_value(t.ppo_activation), "tanh or relu");
  auto sac = agent_options("SAC", "sac.", t.sac);
  sac.add_options()(
      "sac.warm_start_table", po::value(&t.sac_warm_table),
      "warm-start the critic from a (coarse) stationary table of the problem (one-step lookahead fit)")(
      "sac.hidden", po::value(&t.sac_hidden)->default_value(t.sac_hidden), "hidden layer widths")(
      "sac.activation", po::value(&t.sac_activation)->default_value(t.sac_activation), "tanh or relu");
  po::options_description all;
  all.add(opts).add(ppo).add(sac);
  return all;
}

/// The task's own training defaults (problems/*.hpp `rl_defaults`) where the user set nothing.
void apply_task_defaults(const RlDefaults& defaults, const po::variables_map& vm, TrainOptions& t) {
  if (defaults.noise_correlation > 0) {
    if (unset(vm, "sac.noise_correlation")) t.sac.noise_correlation = defaults.noise_correlation;
    if (unset(vm, "ppo.noise_correlation")) t.ppo.noise_correlation = defaults.noise_correlation;
  }
  if (defaults.ppo_gamma > 0 && unset(vm, "ppo.gamma")) t.ppo.gamma = defaults.ppo_gamma;
  if (!vm.count("steps")) {
    const long task = t.algo == "ppo" ? defaults.ppo_steps : defaults.sac_steps;
    t.steps = task > 0 ? task : t.algo == "ppo" ? 300000 : 20000;
  }
}

/// The learning curve as CSV (with the gap columns when a table was given), written atomically.
void write_curve(const std::string& path, const std::vector<rl::CurvePoint>& points,
                 const std::vector<std::optional<rl::GapTracker::Point>>& gaps,
                 const rl::GapTracker* tracker) {
  std::ofstream out(path + ".tmp");
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
  HJB_CHECK(out && std::rename((path + ".tmp").c_str(), path.c_str()) == 0, RuntimeError,
            "cannot write learning curve " << path);
}

}  // namespace

int run_train(const CommandContext& context) {
  TrainOptions t;
  std::string config_file;
  const auto all = train_options(t, config_file);
  po::variables_map vm;
  if (!parse_options(
          context.args, all, vm,
          {nullptr, "\nExample: hjbench train --algo sac --problem pendulum --seed 3 --steps 20000\n", true}))
    return 0;
  HJB_CHECK(t.algo == "ppo" || t.algo == "sac", UsageError,
            "--algo: " << (t.algo.empty() ? "required" : "unknown algorithm '" + t.algo + "'")
                       << " (choose ppo or sac)");
  const auto env = rl::make_environment(t.problem, {}, t.state_dim);
  apply_task_defaults(env->rl_defaults(), vm, t);
  HJB_CHECK(t.steps > 0, UsageError, "--steps must be positive, got " << t.steps);
  HJB_CHECK(t.eval_episodes >= 0, UsageError, "--evaluate.episodes must be non-negative");
  t.ppo.hidden = parse_sizes(t.ppo_hidden, "ppo.hidden");
  t.sac.hidden = parse_sizes(t.sac_hidden, "sac.hidden");
  t.ppo.activation = rl::parse_activation(t.ppo_activation);
  t.sac.activation = rl::parse_activation(t.sac_activation);
  if (t.algo == "ppo")
    t.ppo.validate();
  else
    t.sac.validate();
  if (t.output.empty())
    t.output = "out/" + t.algo + "_" + t.problem + "_seed" + std::to_string(t.seed) + ".h5";
  if (t.curve.empty())
    t.curve = (t.output.size() > 3 && t.output.substr(t.output.size() - 3) == ".h5"
                   ? t.output.substr(0, t.output.size() - 3)
                   : t.output) +
              "_curve.csv";
  // The same checks as every solve output: regular file or nothing, writable directory, distinct.
  std::vector<OutputFile> inputs;
  if (!t.gap_table.empty()) inputs.push_back({t.gap_table, "--evaluate.table"});
  if (!t.sac_warm_table.empty()) inputs.push_back({t.sac_warm_table, "--sac.warm_start_table"});
  if (!t.ppo_warm_table.empty()) inputs.push_back({t.ppo_warm_table, "--ppo.warm_start_table"});
  check_outputs(PETSC_COMM_WORLD, {{t.output, "--output"}, {t.curve, "--curve"}}, inputs);
  // The tables are read and checked against the environment before any training.
  std::optional<ValueTable> gap_table, sac_warm, ppo_warm;
  std::optional<rl::GapTracker> tracker;
  if (!t.gap_table.empty()) {
    HJB_CHECK(t.gap_every >= 1, UsageError, "--evaluate.every must be positive, got " << t.gap_every);
    HJB_CHECK(t.gap_starts >= 1, UsageError, "--evaluate.starts must be positive, got " << t.gap_starts);
    gap_table.emplace(ValueTable::read(t.gap_table));
    tracker.emplace(*env, *gap_table, t.gap_starts, t.gap_seed);
    std::printf(
        "gap against %s on %d fixed starts every %ld steps: mean V* %.4f, table feedback return %.4f\n",
        t.gap_table.c_str(), t.gap_starts, t.gap_every, tracker->mean_optimal_value(),
        tracker->feedback_return());
  } else {
    HJB_CHECK(
        unset(vm, "evaluate.every") && unset(vm, "evaluate.starts"), UsageError,
        "--evaluate.every/--evaluate.starts need --evaluate.table (the table the gap is measured against)");
  }
  if (!t.sac_warm_table.empty()) {
    HJB_CHECK(t.algo == "sac", UsageError, "--sac.warm_start_table: only SAC has a warm start");
    t.sac.warm_start_table = &sac_warm.emplace(ValueTable::read(t.sac_warm_table));  // checked by train_sac
  }
  if (!t.ppo_warm_table.empty()) {
    HJB_CHECK(t.algo == "ppo", UsageError, "--ppo.warm_start_table needs --algo ppo");
    t.ppo.warm_start_table = &ppo_warm.emplace(ValueTable::read(t.ppo_warm_table));  // checked by train_ppo
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
      next_gap = p.env_steps + static_cast<double>(t.gap_every);
      std::printf("  | deterministic return %9.2f  gap J - V* %9.3f +- %.3f", gaps.back()->mean_return,
                  gaps.back()->gap_cost, gaps.back()->gap_cost_se);
    }
    std::printf("\n");
    std::fflush(stdout);
  };
  const auto t0 = std::chrono::steady_clock::now();
  rl::Policy policy = t.algo == "ppo" ? rl::train_ppo(*env, t.ppo, t.steps, t.seed, on_progress)
                                      : rl::train_sac(*env, t.sac, t.steps, t.seed, on_progress);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // A diverged run (e.g. a learning rate far too large) publishes nothing: exit 4, no policy file.
  HJB_CHECK(rl::policy_is_finite(policy), NumericalError,
            "training diverged: the policy's weights are not finite (NaN/Inf) after "
                << static_cast<long>(policy.env_steps) << " steps; lower the learning rate ("
                << (t.algo == "ppo" ? "--ppo.learning_rate"
                                    : "--sac.actor_learning_rate, --sac.critic_learning_rate")
                << "); nothing was written");
  rl::save_policy(t.output, policy);
  write_curve(t.curve, points, gaps, tracker ? &*tracker : nullptr);
  const long trained = static_cast<long>(policy.env_steps);
  std::string rounding;
  if (trained != t.steps)
    rounding = " (--steps " + std::to_string(t.steps) + " rounded up to whole rollouts of " +
               std::to_string(t.ppo.environments) + " x " + std::to_string(t.ppo.rollout_steps) + " steps)";
  if (policy.hyperparameters.count("model_queries") && policy.hyperparameters.at("model_queries") > 0)
    std::printf("model queries (the known dynamics, not environment steps): %.0f\n",
                policy.hyperparameters.at("model_queries"));
  std::printf("trained %s on %s for %ld environment steps%s (seed %llu) in %.2f s; wrote %s and %s\n",
              t.algo.c_str(), t.problem.c_str(), trained, rounding.c_str(),
              static_cast<unsigned long long>(t.seed), wall, t.output.c_str(), t.curve.c_str());
  if (t.eval_episodes > 0)
    print_evaluation("evaluation (deterministic policy)",
                     rl::evaluate_policy(policy, *env, t.eval_episodes, 1000000));
  if (tracker) {
    const auto g = tracker->measure(policy);
    std::printf(
        "final gap on the %d fixed starts: J - V* %.4f +- %.4f, return %.3f vs the table feedback's %.3f\n",
        t.gap_starts, g.gap_cost, g.gap_cost_se, g.mean_return, tracker->feedback_return());
  }
  return 0;
}

}  // namespace hjb::apps
