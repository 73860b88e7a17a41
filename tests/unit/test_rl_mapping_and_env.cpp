// The reward/discount/value mapping, and the environments' steps against the Gymnasium formulas
// written out independently here.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "core/rl_mapping.hpp"
#include "problems/mountain_car.hpp"
#include "problems/pendulum.hpp"
#include "rl_baselines/env/environment.hpp"

using namespace hjb;

TEST(RlMapping, DiscountAndRateAreInverseAndReturnsApproachTheValue) {
  const double dt = 0.01, rho = 0.5;
  const double gamma = rl_mapping::discount_from_rate(rho, dt);
  EXPECT_NEAR(rl_mapping::rate_from_discount(gamma, dt), rho, 1e-12);
  // Constant cost rate c forever: V = c / rho; the discounted return of rewards -c dt is
  // -c dt / (1 - gamma), which tends to -V as dt -> 0 (relative gap ~ rho dt / 2).
  const double c = 2.0;
  const double ret = rl_mapping::reward_from_cost_rate(c, dt) / (1.0 - gamma);
  EXPECT_NEAR(rl_mapping::value_from_return(ret), c / rho, c / rho * rho * dt);
  EXPECT_EQ(rl_mapping::return_from_value(rl_mapping::value_from_return(ret)), ret);
  EXPECT_EQ(rl_mapping::reward_from_step_cost(1.5), -1.5);
}

TEST(Environments, PendulumStepEqualsTheGymnasiumFormulas) {
  auto env = rl::make_environment("pendulum");
  env->reset(123);
  const auto s0 = env->state();
  EXPECT_GE(s0[0], -std::numbers::pi);
  EXPECT_LE(s0[0], std::numbers::pi);
  EXPECT_LE(std::abs(s0[1]), 1.0);
  // Gymnasium 0.29 PendulumEnv.step, written out: g = 10, m = l = 1, dt = 0.05.
  for (double action : {1.3, -5.0, 0.0, 2.0}) {
    const auto s = env->state();
    const double th = s[0], thdot = s[1], u = std::clamp(action, -2.0, 2.0);
    const double normalized = std::fmod(th + std::numbers::pi, 2 * std::numbers::pi);
    const double an = (normalized < 0 ? normalized + 2 * std::numbers::pi : normalized) - std::numbers::pi;
    const double cost = an * an + 0.1 * thdot * thdot + 0.001 * u * u;
    double newthdot = thdot + (3.0 * 10.0 / 2.0 * std::sin(th) + 3.0 * u) * 0.05;
    newthdot = std::clamp(newthdot, -8.0, 8.0);
    const double newth = th + newthdot * 0.05;
    const auto r = env->step(&action);
    EXPECT_NEAR(r.reward, -cost, 1e-12);
    EXPECT_NEAR(env->state()[0], newth, 1e-12);
    EXPECT_NEAR(env->state()[1], newthdot, 1e-12);
    double obs[3];
    env->observe(obs);
    EXPECT_NEAR(obs[0], std::cos(newth), 1e-12);
    EXPECT_NEAR(obs[1], std::sin(newth), 1e-12);
    EXPECT_NEAR(obs[2], newthdot, 1e-12);
    EXPECT_FALSE(r.terminated);
  }
}

TEST(Environments, PendulumTruncatesAfter200Steps) {
  auto env = rl::make_environment("pendulum");
  env->reset(1);
  const double a = 0.0;
  for (int k = 1; k <= 200; ++k) {
    const auto r = env->step(&a);
    EXPECT_EQ(r.truncated, k == 200);
  }
}

TEST(Environments, MountainCarStepTerminationAndWall) {
  problems::MountainCar car;
  // Gymnasium 0.29 Continuous_MountainCarEnv.step, written out.
  auto reference = [](double p, double v, double a, double& reward, bool& done) {
    const double force = std::min(std::max(a, -1.0), 1.0);
    v += force * 0.0015 - 0.0025 * std::cos(3 * p);
    v = std::min(std::max(v, -0.07), 0.07);
    p += v;
    p = std::min(std::max(p, -1.2), 0.6);
    if (p == -1.2 && v < 0) v = 0;
    done = p >= 0.45 && v >= 0;
    reward = (done ? 100.0 : 0.0) - a * a * 0.1;
    return std::array<double, 2>{p, v};
  };
  rl::ProblemEnvironment<problems::MountainCar> env(car);
  for (auto [p, v, a] :
       {std::tuple{-0.5, 0.0, 1.0}, std::tuple{-1.19, -0.05, -2.0}, std::tuple{0.44, 0.03, 0.5}}) {
    double reward;
    bool done;
    const auto expected = reference(p, v, a, reward, done);
    const auto next = car.discrete_step({p, v}, {a});
    EXPECT_NEAR(next[0], expected[0], 1e-15);
    EXPECT_NEAR(next[1], expected[1], 1e-15);
    EXPECT_EQ(car.is_terminal(next), done);
    const double env_reward =
        -car.step_cost({p, v}, {a}) + (car.is_terminal(next) ? car.terminal_reward(next) : 0.0);
    EXPECT_NEAR(env_reward, reward, 1e-12);
  }
  env.reset(5);
  EXPECT_GE(env.state()[0], -0.6);
  EXPECT_LE(env.state()[0], -0.4);
  EXPECT_EQ(env.state()[1], 0.0);
}

TEST(Environments, VectorEnvironmentResetsAndReportsEpisodeReturns) {
  auto proto = rl::make_environment("pendulum");
  rl::VectorEnvironment venv(*proto, 3, 7);
  double final_obs[3];
  const double a = 0.5;
  for (int t = 0; t < 200; ++t)
    for (int i = 0; i < 3; ++i) venv.step(i, &a, final_obs);
  EXPECT_EQ(venv.take_finished_returns().size(), 3u);
  EXPECT_TRUE(venv.take_finished_returns().empty());
}

TEST(Environments, UnknownNamesAndParametersAreUsageErrors) {
  EXPECT_THROW(rl::make_environment("cartpole"), UsageError);
  EXPECT_THROW(rl::make_environment("pendulum", {{"gravity", 9.8}}), UsageError);
  EXPECT_NO_THROW(rl::make_environment("pendulum", {{"g", 9.81}}));
}
