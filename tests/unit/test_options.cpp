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
  EXPECT_EQ(c.problem, "air3d");
  EXPECT_EQ(c.options.horizon, 0.25);
  EXPECT_EQ(c.problem_parameters.at("evader_speed"), 4.0);
  EXPECT_EQ(c.shape, (std::vector<std::int64_t>{11, 11, 10}));
  EXPECT_EQ(c.options.derivative, DerivativeScheme::upwind1);
  EXPECT_EQ(c.options.integrator, TimeIntegrator::rk1);
  std::remove(path.c_str());
}

TEST(SolveOptions, ExplicitSchemeOverridesThePreset) {
  const auto c = parse({"--problem.name", "eikonal", "--grid.shape", "11,11", "--scheme.accuracy",
                        "very_high", "--scheme.time_integrator", "rk2"});
  EXPECT_EQ(c.options.derivative, DerivativeScheme::weno5);
  EXPECT_EQ(c.options.integrator, TimeIntegrator::rk2);
}

TEST(SolveOptions, ExplicitSnapshotTimesSetTheScheduleAndTheHorizon) {
  const auto c = parse({"--problem.name", "air3d", "--grid.shape", "11,11,10", "--time.times", "0.5,1,2.8"});
  EXPECT_EQ(c.options.snapshot_schedule(), (std::vector<double>{0.5, 1.0, 2.8}));
  EXPECT_EQ(c.options.horizon, 2.8);
  const auto even = parse({"--problem.name", "air3d", "--grid.shape", "11,11,10", "--time.horizon", "2",
                           "--time.snapshots", "4"});
  EXPECT_EQ(even.options.snapshot_schedule(), (std::vector<double>{0.5, 1.0, 1.5, 2.0}));
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
  expect_error<UsageError>(with({"--scheme.accuracy", "ultra"}), "--scheme.accuracy");
  expect_error<UsageError>(with({"--scheme.derivative", "weno7"}), "--scheme.derivative");
  expect_error<UsageError>(with({"--no.such.option", "1"}), "no.such.option");
  expect_error<ValidationError>({"/nonexistent/config.ini"}, "/nonexistent/config.ini");
  expect_error<UsageError>(with({"--time.times", "1,0.5"}), "--time.times");
  expect_error<UsageError>(with({"--time.times", "1", "--time.horizon", "2"}), "--time.times");
}
