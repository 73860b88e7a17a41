// The per-start beam search of the optimum's lower end (rl_baselines/agents/beam_search.hpp):
// exhaustive when the beam is wide enough (against a brute-force enumeration), the greedy one-step
// lookahead when it is one node wide, and its sequence replays to the return it states.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "rl_baselines/agents/beam_search.hpp"
#include "rl_baselines/agents/evaluate.hpp"

using namespace hjb::rl;

namespace {

double replay(const Environment& prototype, const std::vector<double>& start,
              const std::vector<std::vector<double>>& actions, const std::vector<int>& sequence) {
  auto env = prototype.clone();
  env->set_state(start);
  double total = 0.0;
  for (const int a : sequence) total += env->step(actions.at(static_cast<std::size_t>(a)).data()).reward;
  return total;
}

/// A cost-to-go that is not a value function at all: the search must be exhaustive regardless.
double misleading(long k, const std::vector<double>& x) {
  return std::sin(3.0 * x[0] + 0.1 * k) * 5.0 + x[1];
}

}  // namespace

TEST(BeamSearch, WideEnoughIsExhaustive) {
  const auto env = make_environment("pendulum");
  const std::vector<std::vector<double>> actions{{-2.0}, {-0.5}, {1.0}, {2.0}};
  const long horizon = 6;
  for (const auto& start : std::vector<std::vector<double>>{{2.5, 0.3}, {-0.4, -0.9}, {3.1, 0.0}}) {
    // Brute force over all 4^6 sequences.
    double best = -std::numeric_limits<double>::infinity();
    for (int code = 0; code < 4096; ++code) {
      std::vector<int> seq;
      for (int k = 0, c = code; k < horizon; ++k, c /= 4) seq.push_back(c % 4);
      best = std::max(best, replay(*env, start, actions, seq));
    }
    BeamSearchSettings settings;
    settings.width = 1024;  // 4^5 nodes at the last depth: nothing is dropped
    const BeamSearchResult r = beam_search(*env, start, horizon, actions, misleading, settings);
    EXPECT_EQ(r.achieved_return, best);
    EXPECT_EQ(static_cast<long>(r.actions.size()), horizon);
    EXPECT_EQ(replay(*env, start, actions, r.actions), r.achieved_return);
    // A narrow beam led by the misleading cost-to-go finds less (and never more) than the optimum.
    settings.width = 2;
    EXPECT_LE(beam_search(*env, start, horizon, actions, misleading, settings).achieved_return, best);
  }
}

TEST(BeamSearch, OneNodeWideIsTheGreedyOneStepLookahead) {
  // Pendulum-v1's returns are continuous in every action of its 200 steps, so equal returns start by
  // start mean equal decisions; the cost-to-go is a smooth stand-in for a table (energy-like).
  const auto env = make_environment("pendulum");
  const std::vector<std::vector<double>> actions = env->action_grid(9);
  const auto cost_to_go = [](long k, const std::vector<double>& x) {
    return (200 - k) * 0.05 * (1.0 - std::cos(x[0])) * 10.0 + 0.5 * x[1] * x[1];
  };
  std::vector<std::vector<double>> starts;
  for (int seed = 1; seed <= 20; ++seed) {
    env->reset(static_cast<std::uint64_t>(seed));
    starts.push_back(env->state());
  }
  const std::vector<double> greedy = lookahead_returns(*env, starts, 200, actions, cost_to_go, 1);
  BeamSearchSettings settings;
  settings.width = 1;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const BeamSearchResult r = beam_search(*env, starts[i], 200, actions, cost_to_go, settings);
    EXPECT_EQ(r.achieved_return, greedy[i]) << "start " << i;
    EXPECT_EQ(r.actions.size(), 200u);
    EXPECT_EQ(replay(*env, starts[i], actions, r.actions), r.achieved_return);
  }
  // The returns differ from start to start (a comparison of equal constants would prove nothing).
  EXPECT_GT(*std::max_element(greedy.begin(), greedy.end()) - *std::min_element(greedy.begin(), greedy.end()),
            1.0);
}

TEST(BeamSearch, MergingStatesKeepsTheReturnAchieved) {
  const auto env = make_environment("acrobot");
  const std::vector<std::vector<double>> actions = env->action_grid(3);
  const auto cost_to_go = [](long, const std::vector<double>& x) {
    return 40.0 * (1.0 + std::cos(x[0]) + std::cos(x[0] + x[1]));
  };
  env->reset(7);
  BeamSearchSettings settings;
  settings.width = 64;
  settings.cell = {0.1, 0.1, 0.3, 0.6};
  const BeamSearchResult r = beam_search(*env, env->state(), 500, actions, cost_to_go, settings);
  EXPECT_EQ(replay(*env, env->state(), actions, r.actions), r.achieved_return);
  EXPECT_GT(r.achieved_return, -500.0);  // it reaches the goal
}

TEST(BeamSearch, RefusesBadSettings) {
  const auto env = make_environment("pendulum");
  const std::vector<std::vector<double>> actions{{0.0}};
  BeamSearchSettings settings;
  settings.width = 0;
  EXPECT_THROW(beam_search(*env, {0.0, 0.0}, 10, actions, misleading, settings), hjb::UsageError);
  settings.width = 4;
  settings.cell = {0.1};
  EXPECT_THROW(beam_search(*env, {0.0, 0.0}, 10, actions, misleading, settings), hjb::UsageError);
}
