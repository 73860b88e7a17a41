// The optimal expected episode return stated by a finite-horizon table (hjbench solve
// --solve.algorithm finite_horizon), two ways: the table's V_0 integrated exactly over the start
// distribution, and the achieved returns of the greedy one-step lookahead on the stored stages in
// closed loop on the problem's own step (a feasible policy: its mean bounds the optimum from below).
#pragma once
#include <string>
#include <vector>

#include "rl_baselines/env/environment.hpp"
#include "tables/table.hpp"

namespace hjb::rl {

struct EpisodicOptimum {
  long horizon = 0;         ///< episode steps N (the table's horizon_steps)
  long actions = 0;         ///< actions of the table's action grid, used by the lookahead
  int lookahead_depth = 1;  ///< actions per searched sequence (1: the one-step lookahead)
  long stored_stages = 0;   ///< stages k in [0, N] whose V_k the table stores
  /// -E[V_0(x0)] over the start distribution (exact integral of the interpolant) when the starts were
  /// drawn from it, else -V_0 at the single start.
  double table_return = 0.0;
  std::vector<double> returns;  ///< closed-loop return of the lookahead from each start
  std::vector<double> paired;   ///< return + V_0(x0) from each start (closed loop minus table)
  double seconds = 0.0;         ///< wall time of the closed-loop episodes
};

/// Evaluates a finite-horizon table against `env` (the table's problem) from `starts`; with
/// `from_start_distribution` the table's return is the exact integral over the start box. Where a
/// stage is not stored the lookahead uses the nearest stored one (still a feasible feedback).
/// Throws ValidationError naming `path` for a table that is not a complete finite-horizon table of
/// this environment.
EpisodicOptimum episodic_optimum(const Table& table, const std::string& path, const Environment& env,
                                 const std::vector<std::vector<double>>& starts, bool from_start_distribution,
                                 int lookahead_depth = 1);

}  // namespace hjb::rl
