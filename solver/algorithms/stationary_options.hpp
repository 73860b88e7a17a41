// Options of the stationary (value/policy iteration) solver.
#pragma once
#include <vector>

namespace hjb {

struct StationaryOptions {
  bool policy_iteration = true;    ///< else value iteration
  int actions = 21;                ///< per control dimension, evenly spaced over the action box
  double discount = 0.0;           ///< 0: the problem's own
  double tolerance = 1e-8;         ///< max-norm Bellman residual max|T V - V|
  long max_iterations = 0;         ///< 0: 200 for policy iteration, 100000 for value iteration
  double progress_seconds = 10.0;  ///< rank-0 progress line period (0: every iteration; infinity: quiet)
  /// Policy iteration: each evaluation stops at a residual of evaluation_factor * (1 - gamma) *
  /// (Bellman residual); 0: exact evaluations (Howard).
  double evaluation_factor = 0.1;
  /// Policy iteration: Howard with exact evaluations, then fixed-policy sweeps from zero, so the
  /// table is bit-identical on any rank count and across restarts (slower).
  bool polish = false;
  /// Start from the problem solved on this many successively halved grids (stationary_cascade.hpp);
  /// -1: 2 for policy iteration on a discrete step's chain, else 0 — measured (docs/guide.md): value
  /// iteration needs as many iterations from a coarse start (the slowest error component still
  /// contracts by gamma), and a continuous-time chain costs more to build than the start saves.
  int coarse_levels = -1;
  /// Also converged once the Bellman residual is at most this fraction of the first one (0: only
  /// the tolerance). Not a user option: the cascade's coarse solves, which only provide a start.
  double relative_tolerance = 0.0;
  int effective_coarse_levels(bool discrete_step_chain) const {
    return coarse_levels >= 0 ? coarse_levels : (policy_iteration && discrete_step_chain ? 2 : 0);
  }
  void validate() const;  ///< throws UsageError naming --stationary.*
};

/// Options of the finite-horizon (episodic) backward recursion V_k = min_a [c + V_{k+1} o step].
struct FiniteHorizonOptions {
  long steps = 0;            ///< horizon N in steps (0: not given, the problem's episode_steps)
  std::vector<long> stages;  ///< stages k in [0, N] whose value and feedback are stored (empty: all)
  /// Stop computing once a stage changes no value by more than this (sup norm; 0: only when nothing
  /// changes at all). Every earlier stage is then taken equal to it: for a time-invariant task the
  /// recursion is non-expansive, so V_j differs from the full recursion's by at most (k - j) * tolerance.
  double tolerance = 0.0;
  /// Throws UsageError naming --finite_horizon.* for a horizon below 1 or a stage outside [0, N].
  void validate(long horizon) const;
};

}  // namespace hjb
