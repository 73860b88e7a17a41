// `hjbench solve` argument parsing: precedence, presets, and errors naming the offending option.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/error.hpp"
#include "solver/frontend/problem_registry.hpp"
#include "solver/frontend/solve_arguments.hpp"

using namespace hjb;

namespace {

SolveConfig parse(std::vector<std::string> args) {
  SolveConfig c;
  std::string help;
  parse_solve_arguments(args, c, help);
  return c;
}

/// Expects exception E whose message contains `needle`.
template <class E>
void expect_error(const std::vector<std::string>& args, const std::string& needle) {
  try {
    parse(args);
    ADD_FAILURE() << "no error for " << needle;
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(SolveOptions, CommandLineOverridesTheConfigFile) {
  const std::string path = testing::TempDir() + "/hjb_options_test.ini";
  std::ofstream(path)
      << "[problem]\nname = air3d\nevader_speed = 4\n[grid]\nshape = 11,11,10\n[time]\nhorizon = 0.5\n";
  const auto c = parse({path, "--time.horizon", "0.25", "--scheme.accuracy", "low"});
  EXPECT_EQ(c.problem.name, "air3d");
  EXPECT_EQ(c.time_dependent.horizon, 0.25);
  EXPECT_EQ(c.problem.parameters.at("evader_speed"), 4.0);
  EXPECT_EQ(c.grid.shape, (std::vector<std::int64_t>{11, 11, 10}));
  EXPECT_EQ(c.time_dependent.derivative, DerivativeScheme::upwind1);
  EXPECT_EQ(c.time_dependent.integrator, TimeIntegrator::rk1);
  std::remove(path.c_str());
}

TEST(SolveOptions, ExplicitSchemeOverridesThePreset) {
  const auto c = parse({"--problem.name", "eikonal", "--grid.shape", "11,11", "--scheme.accuracy",
                        "very_high", "--scheme.time_integrator", "rk2"});
  EXPECT_EQ(c.time_dependent.derivative, DerivativeScheme::weno5);
  EXPECT_EQ(c.time_dependent.integrator, TimeIntegrator::rk2);
}

TEST(SolveOptions, ExplicitSnapshotTimesSetTheScheduleAndTheHorizon) {
  const auto c = parse({"--problem.name", "air3d", "--grid.shape", "11,11,10", "--time.times", "0.5,1,2.8"});
  EXPECT_EQ(c.time_dependent.snapshot_schedule(), (std::vector<double>{0.5, 1.0, 2.8}));
  EXPECT_EQ(c.time_dependent.horizon, 2.8);
  const auto even = parse({"--problem.name", "air3d", "--grid.shape", "11,11,10", "--time.horizon", "2",
                           "--time.snapshots", "4"});
  EXPECT_EQ(even.time_dependent.snapshot_schedule(), (std::vector<double>{0.5, 1.0, 1.5, 2.0}));
}

TEST(SolveOptions, BadValuesNameTheOption) {
  const std::vector<std::string> ok = {"--problem.name", "air3d", "--grid.shape", "11,11,10"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = ok;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  expect_error<UsageError>({"--problem.name", "nosuch", "--grid.shape", "3"}, "--problem.name");
  expect_error<UsageError>({"--problem.name", "air3d", "--grid.shape", "11,x,10"}, "--grid.shape");
  expect_error<UsageError>(with({"--time.horizon", "-1"}), "--time.horizon");
  expect_error<UsageError>(with({"--time.horizon", "abc"}), "time.horizon");
  expect_error<UsageError>(with({"--scheme.cfl", "0"}), "--scheme.cfl");
  expect_error<UsageError>(with({"--stationary.coarse_levels", "17"}),
                           "--stationary.coarse_levels must be in [0, 16] (or -1: automatic)");
  expect_error<UsageError>(with({"--scheme.accuracy", "ultra"}), "--scheme.accuracy");
  expect_error<UsageError>(with({"--scheme.derivative", "weno7"}), "--scheme.derivative");
  expect_error<UsageError>(with({"--no.such.option", "1"}), "no.such.option");
  expect_error<ValidationError>({"/nonexistent/config.ini"}, "/nonexistent/config.ini");
  expect_error<UsageError>(with({"--time.times", "1,0.5"}), "--time.times");
  expect_error<UsageError>(with({"--time.times", "1", "--time.horizon", "2"}), "--time.times");
}

TEST(SolveOptions, EnumsAreParsedOnceAndUnknownValuesNameTheirChoices) {
  const auto c = parse({"--problem.name", "pendulum", "--grid.shape", "11,11", "--solve.algorithm",
                        "finite_horizon", "--problem.control_mode", "max", "--scheme.accuracy", "low"});
  EXPECT_EQ(c.algorithm, Algorithm::finite_horizon);
  EXPECT_EQ(c.problem.control_mode, Optimize::maximize);
  EXPECT_EQ(c.accuracy, Accuracy::low);
  EXPECT_EQ(c.grid.type, GridType::tensor);
  EXPECT_FALSE(
      parse({"--problem.name", "pendulum", "--grid.shape", "11,11"}).problem.control_mode.has_value());
  const std::vector<std::string> ok = {"--problem.name", "eikonal", "--grid.shape", "11,11"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = ok;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  expect_error<UsageError>(with({"--solve.algorithm", "sarsa"}), "or finite_horizon");
  expect_error<UsageError>(with({"--problem.control_mode", "up"}),
                           "--problem.control_mode: unknown value 'up' (choose max or min)");
  expect_error<UsageError>(with({"--grid.type", "hex"}), "(choose tensor or sparse)");
  // Checked whatever the grid type (they were ignored on tensor grids before).
  expect_error<UsageError>(with({"--grid.basis", "modlinear"}), "--grid.basis");
  expect_error<UsageError>(with({"--sparse.method", "simplex"}),
                           "choose auto, semi_lagrangian or combination");
  expect_error<UsageError>(with({"--grid.level", "3"}), "add --grid.type sparse");
  // Per-axis levels without the level itself: the message says what is missing.
  expect_error<UsageError>({"--problem.name", "eikonal", "--grid.type", "sparse", "--grid.levels", "3,3"},
                           "also needs its level --grid.level");
}

TEST(SolveOptions, OneRuleChoosesTheMethod) {
  const ProblemEntry& eikonal = find_problem("eikonal");
  auto method = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"--problem.name", "eikonal", "--grid.type",   "sparse",
                                  "--grid.level",   "4",       "--grid.levels", "4,4"};
    a.insert(a.end(), extra.begin(), extra.end());
    return choose_method(parse(a), eikonal);
  };
  // auto: the combination technique where a tensor solver exists and nothing needs semi-Lagrangian.
  EXPECT_EQ(method({}), SolveMethod::sparse_combination);
  EXPECT_EQ(method({"--grid.adaptive", "1e-3"}), SolveMethod::sparse_semi_lagrangian);
  EXPECT_EQ(method({"--grid.basis", "extrapolating"}), SolveMethod::sparse_semi_lagrangian);
  // --grid.basis auto (the default) leaves the combination technique its boundary basis, and an
  // explicit boundary basis keeps it too.
  EXPECT_EQ(method({"--grid.basis", "auto"}), SolveMethod::sparse_combination);
  EXPECT_EQ(method({"--grid.basis", "boundary"}), SolveMethod::sparse_combination);
  EXPECT_TRUE(parse({"--problem.name", "eikonal", "--grid.shape", "5,5"}).grid.basis_auto);
  EXPECT_EQ(parse({"--problem.name", "eikonal", "--grid.shape", "5,5"})
                .grid.basis_for(sparse::Basis::extrapolating),
            sparse::Basis::extrapolating);
  EXPECT_EQ(parse({"--problem.name", "eikonal", "--grid.shape", "5,5", "--grid.basis", "boundary"})
                .grid.basis_for(sparse::Basis::extrapolating),
            sparse::Basis::boundary);
  EXPECT_EQ(method({"--checkpoint.every_steps", "5"}), SolveMethod::sparse_semi_lagrangian);
  EXPECT_EQ(method({"--sparse.method", "semi_lagrangian"}), SolveMethod::sparse_semi_lagrangian);
  // Where no tensor solver exists in that dimension (eikonal's tensor solvers stop at 4-D).
  const auto eight = parse({"--problem.name", "eikonal", "--grid.type", "sparse", "--grid.level", "3",
                            "--grid.levels", "3,3,3,3,3,3,3,3"});
  EXPECT_EQ(choose_method(eight, eikonal), SolveMethod::sparse_semi_lagrangian);
  // The same rule refuses an explicit combination run with the reason.
  auto adaptive = parse(
      {"--problem.name", "eikonal", "--grid.type", "sparse", "--grid.level", "4", "--grid.adaptive", "1e-3"});
  EXPECT_NE(combination_obstacle(adaptive).find("--grid.adaptive"), std::string::npos);
  EXPECT_EQ(combination_obstacle(
                parse({"--problem.name", "eikonal", "--grid.type", "sparse", "--grid.level", "4"})),
            "");
  // Tensor grids: the algorithm decides.
  const ProblemEntry& pendulum = find_problem("pendulum");
  EXPECT_EQ(choose_method(parse({"--problem.name", "pendulum", "--grid.shape", "5,5", "--solve.algorithm",
                                 "value_iteration"}),
                          pendulum),
            SolveMethod::stationary);
  EXPECT_EQ(choose_method(parse({"--problem.name", "pendulum", "--grid.shape", "5,5", "--solve.algorithm",
                                 "finite_horizon"}),
                          pendulum),
            SolveMethod::finite_horizon);
}

TEST(SolveOptions, SparseOptionsAreCheckedWhateverMethodAutoPicks) {
  // Under the default --sparse.method auto the 2-D eikonal runs the combination technique, which
  // does not use these options: they were silently ignored before (issue 21).
  const std::vector<std::string> sparse = {"--problem.name", "eikonal", "--grid.type",   "sparse",
                                           "--grid.level",   "4",       "--grid.levels", "4,4"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = sparse;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  for (const char* cfl : {"nan", "0", "1e-300", "-1", "inf"})
    expect_error<UsageError>(with({"--sparse.cfl", cfl}), "--sparse.cfl must be a number in [0.001, 1000]");
  expect_error<UsageError>(with({"--sparse.inputs_per_axis", "1"}),
                           "--sparse.inputs_per_axis must be in [2, 1000]");
  expect_error<UsageError>(with({"--sparse.min_level", "0"}), "--sparse.min_level must be in [1, 20]");
  EXPECT_EQ(parse(with({"--sparse.cfl", "2.5"})).sparse.cfl, 2.5);
}
