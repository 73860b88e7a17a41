// Finite-horizon (episodic) dynamic programming on a sparse grid: the recursion of
// solver/algorithms/finite_horizon.hpp,
//
//   V_N = 0,   V_k(x) = min_a [ c(x, a) + I[V_{k+1}](step(x, a)) ],   k = N-1, ..., 0,
//
// with I the sparse-grid interpolant instead of the tensor grid's multilinear weights (on a sparse
// grid that is a full grid — caps c per axis, level the sum of the caps, boundary basis — the two
// are the same piecewise-multilinear interpolant, and the tables agree to rounding). Foot points
// beyond a non-periodic axis are clamped to the box (the interpolant clamps), periodic axes wrap; a
// step into a terminal state pays its cost minus the terminal reward and ends the episode (no
// continuation). Stops once no value changes by more than the tolerance, like the tensor
// recursion (every earlier stage then differs from the full recursion's by at most the number of
// skipped stages times the tolerance).
//
// On an AdaptiveSparseGrid (o.adapt_threshold > 0) the grid follows the stage values: after every
// stage but the last, leaves of small surplus are removed and nodes of large surplus get children
// (AdaptiveSparseGrid::adapt, their values limited), whose transitions are then computed; the early stop
// waits for a stage after which the grid did not change.
//
// The steps, costs and terminal flags of every (node, action) are computed once per node set; each stage
// evaluates the interpolant at the feet of this rank's block of nodes, and every rank re-assembles
// the values (MPI_Allgatherv) and hierarchises them: the result is bit-identical on any number of
// ranks. Header-only, MPI, no PETSc.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"
#include "core/sets.hpp"
#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "solver/algorithms/sparse_blocks.hpp"

namespace hjb {

struct SparseFiniteHorizonOptions {
  long steps = 1;            ///< the episode length N
  int actions_per_axis = 3;  ///< evenly spaced over the action box
  double tolerance = 0.0;    ///< stop once no value changes by more than this
  double progress_seconds = 10.0;
  /// Spatial adaptivity (AdaptiveSparseGrid only), after every stage but the last: coarsen leaves
  /// with |surplus| < adapt_coarsen x adapt_threshold (except children of nodes about to be
  /// refined), then refine nodes with |surplus| > adapt_threshold up to adapt_max_level per axis
  /// (as the time-dependent solver does). 0: a fixed grid.
  double adapt_threshold = 0.0;
  int adapt_max_level = 12;
  double adapt_coarsen = 0.1;
  std::int64_t adapt_max_nodes = 0;  ///< refinement beyond this many nodes throws RuntimeError (0: none)
};

template <int M>
struct SparseFiniteHorizonResult {
  std::vector<double> values;     ///< V_0 at the nodes (V_k of the stopping stage when stopped early)
  std::vector<Point<M>> control;  ///< the greedy action of stage 0 per node
  long stages = 0;                ///< stages computed
  long stationary_from = -1;      ///< the stage at which the values stopped changing, or -1
  std::int64_t largest_grid = 0;  ///< the most nodes the grid had (adaptive runs)
  double change = 0.0;            ///< the last stage's max-norm change
};

/// Called on every rank after each stage with the stages done, the stage's max-norm change and the
/// nodes the grid has (for progress lines).
using SparseStageHook = std::function<void(long stages, double change, std::int64_t nodes)>;

/// Collective over comm; the result is the same on every rank. Grid: a SparseGrid (fixed) or an
/// AdaptiveSparseGrid (adapted in place when o.adapt_threshold > 0).
template <DiscreteStepProblem P, class Grid>
SparseFiniteHorizonResult<P::control_dim> sparse_finite_horizon(const P& problem, Grid& grid,
                                                                const SparseFiniteHorizonOptions& o,
                                                                MPI_Comm comm = MPI_COMM_SELF,
                                                                const SparseStageHook& after_stage = {}) {
  constexpr int D = P::dim, M = P::control_dim;
  constexpr bool adaptive = std::is_same_v<std::remove_const_t<Grid>, sparse::AdaptiveSparseGrid>;
  const auto domain = problem.domain();
  std::vector<bool> periodic(D);
  for (int k = 0; k < D; ++k) periodic[k] = domain[k].periodic;
  const std::vector<Point<M>> actions = action_grid(problem.action_box(), o.actions_per_axis);
  const std::size_t na = actions.size();
  SparseFiniteHorizonResult<M> r;
  // Per node set (rebuilt when an adaptive grid changes): the blocks, periodic partners, and the
  // transitions of this rank's nodes: foot (wrapped), cost, continuation (0: terminal).
  std::int64_t n = 0;
  std::optional<SparseNodeBlocks> blocks;
  std::vector<std::int64_t> partner;
  std::vector<State<D>> foot;
  std::vector<double> cost, continues;
  auto setup = [&] {
    n = grid.size();
    r.largest_grid = std::max(r.largest_grid, n);
    blocks.emplace(comm, n);
    partner = periodic_partners(grid, periodic);
    const std::int64_t owned = blocks->last() - blocks->first();
    foot.assign(static_cast<std::size_t>(owned) * na, State<D>{});
    cost.assign(foot.size(), 0.0);
    continues.assign(foot.size(), 1.0);
    State<D> x;
    for (std::int64_t p = blocks->first(); p < blocks->last(); ++p) {
      grid.coordinates(p, x.data());
      for (std::size_t a = 0; a < na; ++a) {
        const std::size_t t = static_cast<std::size_t>(p - blocks->first()) * na + a;
        State<D> y = problem.discrete_step(x, actions[a]);
        cost[t] = problem.step_cost(x, actions[a]);
        if constexpr (HasTerminalStates<P>) {
          if (problem.is_terminal(y)) {
            cost[t] -= problem.terminal_reward(y);
            continues[t] = 0.0;
          }
        }
        for (int k = 0; k < D; ++k)
          if (periodic[k]) {
            const double lo = grid.lo()[k], period = grid.hi()[k] - lo;
            y[k] = lo + (y[k] - lo) - period * std::floor((y[k] - lo) / period);
          }
        foot[t] = y;
      }
    }
  };
  setup();
  r.values.assign(static_cast<std::size_t>(n), 0.0);
  std::vector<double> surplus(static_cast<std::size_t>(n), 0.0), next(static_cast<std::size_t>(n));
  std::vector<int> choice(static_cast<std::size_t>(n), 0);
  bool adapted = false;  // the grid changed after the previous stage: not yet stationary
  for (long k = o.steps - 1; k >= 0; --k) {
    double change = 0.0;
    for (std::int64_t p = blocks->first(); p < blocks->last(); ++p) {
      if (partner[p] >= 0) continue;  // filled from its partner below
      double best = std::numeric_limits<double>::infinity();
      int best_a = 0;
      for (std::size_t a = 0; a < na; ++a) {
        const std::size_t t = static_cast<std::size_t>(p - blocks->first()) * na + a;
        const double v =
            cost[t] + (continues[t] != 0.0 ? grid.evaluate_limited(surplus, r.values, foot[t].data()) : 0.0);
        if (v < best) {
          best = v;
          best_a = static_cast<int>(a);
        }
      }
      next[p] = best;
      choice[p] = best_a;
      change = std::max(change, std::abs(best - r.values[p]));
      if (!std::isfinite(best)) change = std::numeric_limits<double>::infinity();
    }
    blocks->assemble(next);
    blocks->assemble(choice);
    for (std::int64_t p = 0; p < n; ++p)
      if (partner[p] >= 0) {
        next[p] = next[partner[p]];
        choice[p] = choice[partner[p]];
      }
    r.values.swap(next);
    surplus = r.values;
    grid.hierarchize(surplus);
    ++r.stages;
    change = blocks->max(change);
    r.change = change;
    HJB_CHECK(
        std::isfinite(change), NumericalError,
        "non-finite value at stage " << k << " of the sparse finite-horizon recursion; no table is written");
    if (after_stage) after_stage(r.stages, change, n);
    if (change <= o.tolerance && k > 0 && !adapted) {
      r.stationary_from = k;
      break;
    }
    if constexpr (adaptive) {
      if (o.adapt_threshold > 0 && k > 0) {
        // New nodes take the limited interpolant's value until the next stage computes them: the
        // plain interpolant's overshoots would widen the limiter's range at every stage, and the
        // values would drift below every achievable return.
        adapted = grid.adapt(surplus, r.values, o.adapt_threshold, o.adapt_coarsen * o.adapt_threshold,
                             o.adapt_max_level, true);
        check_adaptive_growth(grid.size(), o.adapt_max_nodes, "stage");
        if (adapted) {
          setup();
          surplus = r.values;
          grid.hierarchize(surplus);
          next.resize(static_cast<std::size_t>(n));
          choice.assign(static_cast<std::size_t>(n), 0);
        }
      }
    }
  }
  r.control.resize(static_cast<std::size_t>(n));
  for (std::int64_t p = 0; p < n; ++p) r.control[p] = actions[static_cast<std::size_t>(choice[p])];
  return r;
}

}  // namespace hjb
