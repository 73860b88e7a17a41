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
// The steps, costs and terminal flags of every (node, action) are computed once; each stage
// evaluates the interpolant at the feet of this rank's block of nodes, and every rank re-assembles
// the values (MPI_Allgatherv) and hierarchises them: the result is bit-identical on any number of
// ranks. Header-only, MPI, no PETSc.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"
#include "core/sets.hpp"
#include "solver/algorithms/sparse_blocks.hpp"

namespace hjb {

struct SparseFiniteHorizonOptions {
  long steps = 1;            ///< the episode length N
  int actions_per_axis = 3;  ///< evenly spaced over the action box
  double tolerance = 0.0;    ///< stop once no value changes by more than this
  double progress_seconds = 10.0;
};

template <int M>
struct SparseFiniteHorizonResult {
  std::vector<double> values;     ///< V_0 at the nodes (V_k of the stopping stage when stopped early)
  std::vector<Point<M>> control;  ///< the greedy action of stage 0 per node
  long stages = 0;                ///< stages computed
  long stationary_from = -1;      ///< the stage at which the values stopped changing, or -1
};

/// Collective over comm; the result is the same on every rank.
template <DiscreteStepProblem P, class Grid>
SparseFiniteHorizonResult<P::control_dim> sparse_finite_horizon(const P& problem, const Grid& grid,
                                                                const SparseFiniteHorizonOptions& o,
                                                                MPI_Comm comm = MPI_COMM_SELF) {
  constexpr int D = P::dim, M = P::control_dim;
  const auto domain = problem.domain();
  std::vector<bool> periodic(D);
  for (int k = 0; k < D; ++k) periodic[k] = domain[k].periodic;
  const std::int64_t n = grid.size();
  const SparseNodeBlocks blocks(comm, n);
  const std::vector<Point<M>> actions = action_grid(problem.action_box(), o.actions_per_axis);
  const std::size_t na = actions.size();
  const std::vector<std::int64_t> partner = periodic_partners(grid, periodic);
  // The transitions of this rank's nodes: foot (wrapped), cost, continuation (0: terminal).
  const std::int64_t owned = blocks.last() - blocks.first();
  std::vector<State<D>> foot(static_cast<std::size_t>(owned) * na);
  std::vector<double> cost(foot.size()), continues(foot.size(), 1.0);
  State<D> x;
  for (std::int64_t p = blocks.first(); p < blocks.last(); ++p) {
    grid.coordinates(p, x.data());
    for (std::size_t a = 0; a < na; ++a) {
      const std::size_t t = static_cast<std::size_t>(p - blocks.first()) * na + a;
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
  SparseFiniteHorizonResult<M> r;
  r.values.assign(static_cast<std::size_t>(n), 0.0);
  r.control.assign(static_cast<std::size_t>(n), actions.front());
  std::vector<double> surplus(static_cast<std::size_t>(n), 0.0), next(static_cast<std::size_t>(n));
  std::vector<int> choice(static_cast<std::size_t>(n), 0);
  for (long k = o.steps - 1; k >= 0; --k) {
    double change = 0.0;
    for (std::int64_t p = blocks.first(); p < blocks.last(); ++p) {
      if (partner[p] >= 0) continue;  // filled from its partner below
      double best = std::numeric_limits<double>::infinity();
      int best_a = 0;
      for (std::size_t a = 0; a < na; ++a) {
        const std::size_t t = static_cast<std::size_t>(p - blocks.first()) * na + a;
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
    blocks.assemble(next);
    blocks.assemble(choice);
    for (std::int64_t p = 0; p < n; ++p)
      if (partner[p] >= 0) {
        next[p] = next[partner[p]];
        choice[p] = choice[partner[p]];
      }
    r.values.swap(next);
    surplus = r.values;
    grid.hierarchize(surplus);
    ++r.stages;
    change = blocks.max(change);
    HJB_CHECK(
        std::isfinite(change), NumericalError,
        "non-finite value at stage " << k << " of the sparse finite-horizon recursion; no table is written");
    if (change <= o.tolerance && k > 0) {
      r.stationary_from = k;
      break;
    }
  }
  for (std::int64_t p = 0; p < n; ++p) r.control[p] = actions[static_cast<std::size_t>(choice[p])];
  return r;
}

}  // namespace hjb
