// The optimal expected episode return stated by a finite-horizon table (hjbench solve
// --solve.algorithm finite_horizon), two ways: the table's V_0 integrated exactly over the start
// distribution, and the achieved returns of a feasible policy on the problem's own step seeded by
// the stored stages — their greedy lookahead in closed loop, or a beam search per start — whose mean
// bounds the optimum from below.
#pragma once
#include <string>
#include <vector>

#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/env/environment.hpp"
#include "tables/table.hpp"
#include "tables/value_table.hpp"

namespace hjb::rl {

/// How the feasible policy of the lower end is found, and how the starts are shared among processes.
struct EpisodicSearch {
  int lookahead = 1;  ///< closed loop: actions per searched sequence of the greedy lookahead (1-8)
  /// > 0: instead of the closed loop, a per-start beam search of this width (beam_search.hpp)
  int beam = 0;
  double beam_cell = 0.25;  ///< the beam's distinct-state cell, in table cells per axis (0: no merging)
  StartShare share;         ///< how the starts are shared among processes (evaluate.hpp)
};

struct EpisodicOptimum {
  long horizon = 0;         ///< episode steps N (the table's horizon_steps)
  long actions = 0;         ///< actions of the table's action grid, used by the lookahead
  int lookahead_depth = 1;  ///< actions per searched sequence (1: the one-step lookahead)
  int beam = 0;             ///< the beam search's width (0: the closed-loop lookahead ran)
  long stored_stages = 0;   ///< stages k in [0, N] whose V_k the table stores
  /// -E[V_0(x0)] over the start distribution (exact integral of the interpolant) when the starts were
  /// drawn from it, else -V_0 at the single start.
  double table_return = 0.0;
  std::vector<double> returns;  ///< closed-loop return of the lookahead from each start
  std::vector<double> paired;   ///< return + V_0(x0) from each start (closed loop minus table)
  double seconds = 0.0;         ///< wall time of the closed-loop episodes
  /// Sparse tables with an error indicator (/error): its mean and largest value at the starts.
  bool has_indicator = false;
  double indicator_mean = 0.0, indicator_max = 0.0;
};

/// Evaluates a finite-horizon table against `env` (the table's problem) from `starts`; with
/// `from_start_distribution` the table's return is the exact integral over the start box. Where a
/// stage is not stored the lookahead uses the nearest stored one (still a feasible feedback).
/// Throws ValidationError naming `path` for a table that is not a complete finite-horizon table of
/// this environment.
EpisodicOptimum episodic_optimum(const Table& table, const std::string& path, const Environment& env,
                                 const std::vector<std::vector<double>>& starts, bool from_start_distribution,
                                 const EpisodicSearch& search = {});

/// The same for a sparse finite-horizon table (`--grid.type sparse --solve.algorithm finite_horizon`),
/// which stores V_0 only: the lookahead or beam search uses V_0 at every stage before the last (V_N = 0
/// there) with the recursion's limited interpolant (still a feasible
/// policy; the stages agree once the recursion stopped changing, as for goal tasks), the beam merges
/// states per cell of beam_cell x (the finest spacing, (hi - lo) / 2^level per axis), and
/// table_return is the mean of -V_0 over the starts (a sample mean: no exact start-box integral).
/// Throws ValidationError naming the table when it is not a sparse finite-horizon table of `env`.
EpisodicOptimum sparse_episodic_optimum(const ValueTable& table, const Environment& env,
                                        const std::vector<std::vector<double>>& starts,
                                        const EpisodicSearch& search = {});

}  // namespace hjb::rl
