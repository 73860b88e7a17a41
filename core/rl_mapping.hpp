// The one mapping between the optimal-control view (cost rates, discount rate rho, value V) and
// the RL view (rewards per step, discount factor gamma, return G). Tested in tests/unit.
//
//   reward per step        r = -(cost rate) * dt           (or -(cost of the step) for MDPs)
//   discount per step      gamma = exp(-rho dt),  rho = -ln(gamma) / dt
//   terminal reward        = -(terminal cost)
//   value <-> return       V(x) = -E[G | x_0 = x],  G = sum_k gamma^k r_k (+ gamma^K terminal reward)
#pragma once
#include <cmath>

namespace hjb::rl_mapping {

inline double reward_from_cost_rate(double cost_rate, double dt) { return -cost_rate * dt; }
inline double reward_from_step_cost(double step_cost) { return -step_cost; }
inline double discount_from_rate(double rho, double dt) { return std::exp(-rho * dt); }
inline double rate_from_discount(double gamma, double dt) { return -std::log(gamma) / dt; }
inline double value_from_return(double expected_return) { return -expected_return; }
inline double return_from_value(double value) { return -value; }

}  // namespace hjb::rl_mapping

namespace hjb {

/// Training defaults of the RL baselines that a task needs (applied where the user sets nothing).
/// A problem states them next to its definition as `static constexpr RlDefaults rl_defaults{...}`;
/// a value of 0 means "the agent's own default".
struct RlDefaults {
  /// AR(1) correlation of the exploration noise, PPO and SAC (e.g. MountainCar: pushing one way
  /// for tens of steps is the only way to ever reach the goal).
  double noise_correlation = 0.0;
  /// PPO's discount (0: PpoOptions' default).
  double ppo_gamma = 0.0;
  /// Training length in environment steps when --steps is not given (0: ppo 300000, sac 20000).
  long ppo_steps = 0, sac_steps = 0;
};

}  // namespace hjb
