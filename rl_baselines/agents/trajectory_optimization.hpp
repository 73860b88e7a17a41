// Trajectory optimisation on an environment's exact step, without a table: iterative LQR (iLQR,
// a Gauss–Newton-free DDP variant) with box-constrained actions, from one start state over a fixed
// horizon. Every environment steps deterministically, so the sequence it returns is replayed and its
// return achieved: the lower end of an optimum's bracket where no table can be computed (6-D tasks).
//
// Per iteration: the rollout of the current sequence; the step's Jacobians A = df/dx, B = df/du by
// central differences (differences of a periodic axis taken modulo its period) and the step cost's
// gradient and Hessian by central differences; the backward pass
//   Q_x = l_x + A'V_x,  Q_u = l_u + B'V_x,  Q_xx = l_xx + A'V_xx A,  Q_uu = l_uu + B'(V_xx + mu I)B,
//   Q_ux = l_ux + B'(V_xx + mu I)A,
// with the actions at a bound held there (the free ones solve Q_ff du_f = -(Q_u + Q_fc du_c)_f, the
// feedback on the clamped ones is 0); the forward pass u = clip(u_bar + alpha k + K (x - x_bar)) with a
// backtracking alpha, accepted when the episode's cost falls; mu (Levenberg–Marquardt) grows on a
// failure and shrinks on a success. Restarts from other initial sequences (seeded, so every process
// gives the same answer) keep the best.
#pragma once
#include <cstdint>
#include <vector>

#include "rl_baselines/env/environment.hpp"

namespace hjb::rl {

struct TrajectoryOptimizationSettings {
  int iterations = 100;  ///< iLQR iterations per restart (at most)
  /// Initial sequences: the first holds the action box's centre, the others are random piecewise
  /// constant sequences around it (per block of 10 steps an action uniform on the middle half of the
  /// box), seeded by `seed` and the restart.
  int restarts = 1;
  std::uint64_t seed = 1;
  double tolerance = 1e-9;  ///< stop when an iteration lowers the episode's cost by less (relative)
};

struct TrajectoryOptimizationResult {
  std::vector<std::vector<double>> actions;  ///< the sequence, one action per step
  double achieved_return = 0.0;              ///< its return replayed from the start
  std::vector<double> restart_returns;       ///< the achieved return of each restart, in order
  long iterations = 0;                       ///< iLQR iterations over all restarts
};

/// Optimises the action sequence of one episode of `horizon` steps from `start`. Throws UsageError
/// for an environment with a discrete action set or non-positive settings.
TrajectoryOptimizationResult optimize_trajectory(const Environment& env, const std::vector<double>& start,
                                                 long horizon,
                                                 const TrajectoryOptimizationSettings& settings);

}  // namespace hjb::rl
