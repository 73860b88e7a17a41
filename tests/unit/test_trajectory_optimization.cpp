// iLQR on an environment's exact step (rl_baselines/agents/trajectory_optimization.hpp): on the LQ
// MDP, whose undiscounted finite-horizon optimum is the Riccati recursion's x0' P_0 x0 (computed
// here, independently), it reaches that value; on a problem with saturating actions and a periodic
// angle (Pendulum-v1) every restart's sequence replays to the return it states, the best is kept, and
// it beats the constant sequence it starts from; discrete action sets are refused.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/agents/trajectory_optimization.hpp"

using namespace hjb::rl;

TEST(TrajectoryOptimization, ReachesTheFiniteHorizonRiccatiValueOnTheLqMdp) {
  const auto env = make_environment("lqr_mdp", {}, 2);
  const double dt = env->parameters().at("dt"), r = env->parameters().at("r");
  const long horizon = 60;
  Eigen::Matrix2d F, P = Eigen::Matrix2d::Zero();
  F << 1.0, dt, 0.0, 1.0;
  const Eigen::Vector2d g(0.0, dt);
  for (long k = 0; k < horizon; ++k) {  // P_k = dt I + F'P F - F'P g (dt r + g'P g)^-1 g'P F, P_N = 0
    const double s = dt * r + g.dot(P * g);
    P = (dt * Eigen::Matrix2d::Identity() + F.transpose() * P * F -
         (F.transpose() * P * g) * (g.transpose() * P * F) / s)
            .eval();
  }
  for (const auto& start : std::vector<std::vector<double>>{{0.7, -0.4}, {-1.0, 1.0}, {0.2, 0.9}}) {
    const Eigen::Vector2d x0(start[0], start[1]);
    const double optimum = -x0.dot(P * x0);
    const auto result = optimize_trajectory(*env, start, horizon, {});
    EXPECT_NEAR(result.achieved_return, optimum, 1e-7 * std::abs(optimum)) << start[0] << ", " << start[1];
    EXPECT_LE(result.achieved_return, optimum + 1e-12);  // nothing beats the optimum
    for (const auto& u : result.actions) EXPECT_LT(std::abs(u[0]), env->action_high()[0]);  // unsaturated
  }
}

TEST(TrajectoryOptimization, SaturatingActionsAndAPeriodicAngle) {
  const auto env = make_environment("pendulum");
  const std::vector<double> start{3.0, 0.0};  // hanging: a swing-up needs the torque at its bounds
  TrajectoryOptimizationSettings settings;
  settings.restarts = 3;
  const auto result = optimize_trajectory(*env, start, 100, settings);
  ASSERT_EQ(result.restart_returns.size(), 3u);
  EXPECT_EQ(result.achieved_return,
            *std::max_element(result.restart_returns.begin(), result.restart_returns.end()));
  // The sequence replays to the stated return and stays in the action box.
  auto probe = env->clone();
  probe->set_state(start);
  double replayed = 0.0, zero = 0.0;
  for (const auto& u : result.actions) {
    EXPECT_LE(std::abs(u[0]), 2.0);
    replayed += probe->step(u.data()).reward;
  }
  EXPECT_EQ(replayed, result.achieved_return);
  probe->set_state(start);
  const double none[1] = {0.0};
  for (int k = 0; k < 100; ++k) zero += probe->step(none).reward;
  EXPECT_GT(result.achieved_return, zero + 100.0);  // swung up: far better than leaving it hanging
  // The same settings give the same answer (seeded restarts).
  EXPECT_EQ(optimize_trajectory(*env, start, 100, settings).achieved_return, result.achieved_return);
}

TEST(TrajectoryOptimization, RefusesDiscreteActions) {
  const auto env = make_environment("acrobot");
  EXPECT_THROW(optimize_trajectory(*env, {0.0, 0.0, 0.0, 0.0}, 10, {}), hjb::UsageError);
}
