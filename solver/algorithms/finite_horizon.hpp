// Finite-horizon (episodic) dynamic programming on a problem's exact discrete step: the backward
// recursion over the stages of an N-step episode,
//
//   V_N = 0,   V_k(x) = min_a [ c(x, a) + sum_j w_j(x, a) V_{k+1}(x_j) ],   k = N-1, ..., 0,
//
// on the controlled chain of controlled_chain.hpp (undiscounted, as RL reports episode returns; a
// step into a terminal state pays its cost minus the terminal reward and ends the episode). V_k is
// the optimal expected cost of the remaining N - k steps; -V_0 averaged over the start
// distribution is the optimal expected episode return. Each stage is one pointwise Bellman sweep,
// so the result does not depend on the number of ranks (bit for bit).
//
// When a stage changes no value (V_k == V_{k+1} exactly, e.g. once every optimal path of a goal
// problem terminates within the remaining steps), every earlier stage equals it, exactly: the
// recursion stops computing there and reports the stage (`stationary_from`). With a tolerance
// epsilon it stops once max |V_k - V_{k+1}| <= epsilon: the Bellman operator of a time-invariant
// undiscounted chain is non-expansive in the sup norm, so every later change is at most epsilon too
// and V_j (j < k) differs from the full recursion's by at most (k - j) epsilon.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/controlled_chain.hpp"
#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/solve_summary.hpp"
#include "support/petsc/petsc_owner.hpp"

namespace hjb {

template <StationaryProblem P>
class FiniteHorizonSolver {
 public:
  static constexpr int D = P::dim, M = P::control_dim;
  /// Called after stage k is computed with (k, V_k, greedy policy of stage k as action indices,
  /// owned nodes); returning anything but horizon_reached stops with that termination (the caller
  /// has checkpointed).
  using StageHook = std::function<Termination(long stage, Vec values, const std::vector<int>& policy)>;

  /// Collective: builds the chain's transitions under `actions_per_axis`^M actions.
  /// `tolerance`: stop computing once a stage changes no value by more than this (0: by nothing).
  FiniteHorizonSolver(const P& problem, const TensorGrid<D>& grid, int actions_per_axis, long horizon,
                      double progress_seconds, double tolerance = 0.0)
      : m_grid(grid),
        m_chain(problem, grid, actions_per_axis),
        m_horizon(horizon),
        m_progress_seconds(progress_seconds),
        m_tolerance(tolerance) {}

  const std::vector<Point<M>>& actions() const { return m_chain.actions(); }
  long horizon() const { return m_horizon; }
  /// The stage from which on (downwards) the values stopped changing, or -1.
  long stationary_from() const { return m_stationary_from; }

  /// Runs the recursion from V_{next + 1} in v (zero for V_N) down to stage 0, calling the hook
  /// after every stage. Collective. The summary's termination is horizon_reached or the hook's
  /// stop; `iterations` counts the stages computed since stage N.
  SolveSummary solve(Vec v, long next, const StageHook& after_stage) {
    const ScopedLogStage stage(stationary_stage());
    SolveSummary s;
    s.algorithm = "finite_horizon";
    s.termination = Termination::horizon_reached;
    const double start = MPI_Wtime();
    ProgressReporter progress(m_grid.comm(), m_progress_seconds);
    OwnedVec out;
    HJB_PETSC(VecDuplicate(v, out.out()));
    std::vector<int> policy;
    bool stationary = false;
    for (long k = next; k >= 0; --k) {
      if (!stationary) {
        const double change = m_chain.bellman(v, out, 1.0, policy, "stage " + std::to_string(k));
        HJB_PETSC(VecCopy(out, v));
        s.residual = change;  // max |V_k - V_{k+1}|
        if (change <= m_tolerance) {
          stationary = true;
          m_stationary_from = k;
        }
      }
      s.iterations = m_horizon - k;
      progress.report_iteration("finite horizon: stages", s.iterations, s.residual);
      if (after_stage) {
        const Termination stop = after_stage(k, v, policy);
        if (stop != Termination::horizon_reached) {
          s.termination = stop;
          break;
        }
      }
    }
    progress.report_iteration("finite horizon: stages", s.iterations, s.residual, true);
    s.wall_seconds = MPI_Wtime() - start;
    return s;
  }

 private:
  const TensorGrid<D>& m_grid;
  ControlledChain<P> m_chain;
  long m_horizon;
  double m_progress_seconds;
  double m_tolerance;
  long m_stationary_from = -1;
};

}  // namespace hjb
