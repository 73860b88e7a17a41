// RL throughput on one core: raw environment steps per second (Pendulum-v1, through the agents'
// type-erased interface and through the problem's step map directly), and the wall time of PPO
// for 300k steps and SAC for 10k steps including training.
//
//   build/bench_rl [--ppo-steps 300000] [--sac-steps 10000] [--seed 1]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "problems/pendulum.hpp"
#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/agents/ppo.hpp"
#include "rl_baselines/agents/sac.hpp"

using namespace hjb;
using clock_type = std::chrono::steady_clock;

static double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

int main(int argc, char** argv) {
  long ppo_steps = 300000, sac_steps = 10000;
  std::uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--ppo-steps")) ppo_steps = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--sac-steps")) sac_steps = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  // Raw environment.
  auto env = rl::make_environment("pendulum");
  env->reset(seed);
  const long n = 20'000'000;
  double action = 0.3, sink = 0.0;
  auto t0 = clock_type::now();
  for (long k = 0; k < n; ++k) {
    action = -action;
    const auto r = env->step(&action);
    sink += r.reward;
    if (r.truncated) env->reset();
  }
  const double env_rate = n / seconds_since(t0);
  problems::Pendulum pendulum;
  State<2> s{1.0, 0.0};
  t0 = clock_type::now();
  for (long k = 0; k < n; ++k) {
    sink += pendulum.step_cost(s, {action});
    s = pendulum.discrete_step(s, {action});
    action = -action;
  }
  const double map_rate = n / seconds_since(t0);
  std::printf(
      "bench_rl env pendulum: %.3e steps/s through rl::Environment, %.3e steps/s through the step map "
      "(checksum %.3g)\n",
      env_rate, map_rate, sink);
  // Training.
  t0 = clock_type::now();
  const auto ppo = rl::train_ppo(*env, rl::PpoOptions{}, ppo_steps, seed);
  const double ppo_wall = seconds_since(t0);
  const auto ppo_eval = rl::evaluate_policy(ppo, *env, 100, 1000000);
  std::printf(
      "bench_rl ppo pendulum: %ld steps in %.2f s (%.3e env steps/s incl. training), eval %.1f +- %.1f\n",
      ppo_steps, ppo_wall, ppo_steps / ppo_wall, ppo_eval.mean, ppo_eval.standard_error);
  t0 = clock_type::now();
  const auto sac = rl::train_sac(*env, rl::SacOptions{}, sac_steps, seed);
  const double sac_wall = seconds_since(t0);
  const auto sac_eval = rl::evaluate_policy(sac, *env, 100, 1000000);
  std::printf(
      "bench_rl sac pendulum: %ld steps in %.2f s (%.3e env steps/s incl. training), eval %.1f +- %.1f\n",
      sac_steps, sac_wall, sac_steps / sac_wall, sac_eval.mean, sac_eval.standard_error);
  return 0;
}
