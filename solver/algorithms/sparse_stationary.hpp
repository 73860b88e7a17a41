// Semi-Lagrangian value iteration on a sparse grid for continuous-time stationary problems (the
// discounted ones of problems/stationary_benchmarks.hpp): the nodal values V_p of the
// sparse grid satisfy
//
//   V_p = min_a [ l(x_p, a) (1 - e^{-rho h}) / rho + e^{-rho h} E[ I[V](y) ] ],
//   y = x_p + h f(x_p, a) (+- sqrt(m h) s_i e_i over the m noisy axes, as semi_lagrangian_mca),
//
// with I[V] the sparse-grid interpolant (Bokanowski, Garcke, Griebel & Klompmaker 2013, for the
// stationary case). Modified policy iteration: a greedy sweep over all actions, then
// `evaluation_sweeps` sweeps of the greedy policy alone (one interpolation per node instead of one
// per action), until the greedy sweep's max-norm residual is below the tolerance.
//
// On an AdaptiveSparseGrid (o.adapt_threshold > 0) the grid follows the converged values: once the
// greedy residual says the values are within a tenth of the threshold of the grid's fixed point,
// and again at the tolerance, leaves of small surplus are removed and nodes of large surplus get
// children (AdaptiveSparseGrid::adapt, new nodes carry the limited interpolant's value), and the
// iteration continues on the new grid from those values; it has converged when the residual is
// below the tolerance and the adaptation changes nothing (or o.adapt_max_rounds adaptations were
// made). The step h is o.step_per_spacing finest spacings of the current grid, so it shrinks as the
// grid deepens (the fixed point is that of the final grid's step).
//
// On several ranks the nodes are split into contiguous blocks; each rank updates its block, the
// nodal values are re-assembled on every rank with MPI_Allgatherv and every rank hierarchises the
// whole vector (the surpluses every interpolation needs). Every value comes from the same arithmetic
// on any rank count, so the result is bit-identical to one rank's. Header-only, MPI, no PETSc.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "core/error.hpp"
#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "grids/sparse/sparse_grid.hpp"
#include "solver/algorithms/sparse_blocks.hpp"
#include "solver/schemes/markov_chain_approximation.hpp"
#include "solver/schemes/semi_lagrangian_transition.hpp"

namespace hjb {

struct SparseStationaryOptions {
  int actions = 11;  ///< per control dimension
  /// h = this x the finest spacing of the current grid (an adaptive grid's shrinks as it deepens)
  double step_per_spacing = 1.0;
  double tolerance = 1e-8;       ///< max-norm residual of the greedy sweep
  long max_iterations = 100000;  ///< greedy sweeps
  int evaluation_sweeps = 10;    ///< fixed-policy sweeps after each greedy sweep
  /// Spatial adaptivity (AdaptiveSparseGrid only), each time the residual is below the tolerance:
  /// coarsen leaves with |surplus| < adapt_coarsen x adapt_threshold (except those refinement would
  /// add again), refine nodes with |surplus| > adapt_threshold up to adapt_max_level per axis.
  double adapt_threshold = 0.0;
  int adapt_max_level = 12;
  double adapt_coarsen = 0.1;
  long adapt_max_rounds = 30;        ///< adaptations at most (then the grid is kept)
  std::int64_t adapt_max_nodes = 0;  ///< refinement beyond this many nodes throws RuntimeError (0: none)
};

/// Called on every rank after each greedy sweep and its policy sweeps, and after each adaptation
/// that changed the grid, with (greedy sweeps so far, the last greedy residual, the adaptations
/// that changed the grid so far, the nodal values — on an adaptive grid in its current node order);
/// returning true stops the iteration (the caller has checkpointed).
using SparseSweepHook = std::function<bool(long, double, long, const std::vector<double>&)>;

struct SparseStationaryResult {
  std::vector<double> values;  ///< nodal values in the grid's order
  std::vector<int> policy;     ///< greedy action index per node
  long greedy_sweeps = 0, evaluation_sweeps = 0;
  double residual = std::numeric_limits<double>::infinity();
  double time_step = 0.0;  ///< the step h of the last sweep
  bool converged = false;
  bool stopped = false;           ///< the hook stopped the run
  long adaptations = 0;           ///< adaptations that changed the grid (counting a restart's)
  bool grid_settled = true;       ///< the last adaptation changed nothing (false: adapt_max_rounds reached)
  std::int64_t largest_grid = 0;  ///< the most nodes the grid had
};

/// Collective over comm; the result (values and policy of every node) is the same on every rank.
/// `start` (nodal values, e.g. from a checkpoint; empty: zero) continues after `first_sweep` sweeps
/// and `first_adaptations` adaptations. Grid: a SparseGrid (fixed) or an AdaptiveSparseGrid (adapted
/// in place when o.adapt_threshold > 0).
template <ContinuousStationaryProblem P, class Grid>
SparseStationaryResult sparse_semi_lagrangian(const P& problem, Grid& grid, const SparseStationaryOptions& o,
                                              MPI_Comm comm = MPI_COMM_SELF,
                                              const std::vector<double>& start = {}, long first_sweep = 0,
                                              const SparseSweepHook& after_sweep = {},
                                              long first_adaptations = 0) {
  constexpr int D = P::dim;
  constexpr bool adaptive = std::is_same_v<std::remove_const_t<Grid>, sparse::AdaptiveSparseGrid>;
  const auto actions = action_grid(problem.action_box(), o.actions);
  std::array<double, D> extent;
  for (int k = 0; k < D; ++k) extent[k] = grid.hi()[k] - grid.lo()[k];
  const double rho = problem.discount_rate();
  SparseStationaryResult r;
  r.adaptations = first_adaptations;
  // Per node set (rebuilt when an adaptive grid changes): coordinates, the step, the blocks, the
  // nodes whose value is fixed (exit-time problems: the target keeps its exit cost).
  std::int64_t n = 0;
  double h = 0.0, discount = 1.0;
  std::vector<std::array<double, D>> nodes;
  std::optional<SparseNodeBlocks> blocks;
  std::vector<char> fixed;
  auto setup = [&] {
    n = grid.size();
    r.largest_grid = std::max(r.largest_grid, n);
    double finest = std::numeric_limits<double>::infinity();
    for (int k = 0; k < D; ++k) finest = std::min(finest, std::ldexp(extent[k], -grid.max_level(k)));
    h = o.step_per_spacing * finest;
    discount = std::exp(-rho * h);
    nodes.resize(static_cast<std::size_t>(n));
    for (std::int64_t p = 0; p < n; ++p) grid.coordinates(p, nodes[p].data());
    {  // every rank holds every node: the same decision everywhere, no collective needed
      double reach = 0.0;
      for (std::int64_t p = 0; p < n; ++p) {
        if constexpr (HasTargetSet<P>)
          if (problem.in_target(nodes[p])) continue;
        for (const auto& a : actions)
          reach = std::max(reach, semi_lagrangian_reach(problem, nodes[p], a, h, extent));
      }
      check_semi_lagrangian_reach(reach, h, h / finest);
    }
    blocks.emplace(comm, n);
    fixed.assign(static_cast<std::size_t>(n), 0);
    r.values.resize(static_cast<std::size_t>(n), 0.0);
    r.policy.assign(static_cast<std::size_t>(n), 0);
    if constexpr (HasTargetSet<P>)
      for (std::int64_t p = 0; p < n; ++p)
        if (problem.in_target(nodes[p])) {
          fixed[p] = 1;
          r.values[p] = problem.exit_cost(nodes[p]);
        }
  };
  if (!start.empty()) r.values = start;
  setup();
  std::vector<double> surplus = r.values, next(static_cast<std::size_t>(n));
  grid.hierarchize(surplus);
  auto q_value = [&](std::int64_t p, int k) {
    double expected = 0.0;
    semi_lagrangian_foot_points(problem, nodes[p], actions[k], h,
                                [&](const std::array<double, D>& y, double weight) {
                                  expected += weight * grid.evaluate(surplus, y.data());
                                });
    return holding_cost(problem.cost_rate(nodes[p], actions[k]), rho, h) + discount * expected;
  };
  // After the greedy sweep has converged on the current grid: adapt it; true when it changed (the
  // iteration goes on from the new nodes' limited interpolated values).
  auto adapt = [&]() -> bool {
    if constexpr (adaptive) {
      if (o.adapt_threshold <= 0) return false;
      if (r.adaptations >= o.adapt_max_rounds) {
        r.grid_settled = false;
        return false;
      }
      const bool changed = grid.adapt(surplus, r.values, o.adapt_threshold,
                                      o.adapt_coarsen * o.adapt_threshold, o.adapt_max_level, true);
      if (!changed) return false;
      check_adaptive_growth(grid.size(), o.adapt_max_nodes, "converged sweep");
      ++r.adaptations;
      setup();
      surplus = r.values;
      grid.hierarchize(surplus);
      next.resize(static_cast<std::size_t>(n));
      r.residual = std::numeric_limits<double>::infinity();
      return true;
    } else {
      return false;
    }
  };
  const auto adapt_residual = [&] {
    return adaptive && o.adapt_threshold > 0 && rho > 0
               ? std::max(o.tolerance, 0.1 * o.adapt_threshold * (1.0 - discount))
               : o.tolerance;
  };
  for (r.greedy_sweeps = first_sweep; r.greedy_sweeps < o.max_iterations;) {
    double residual = 0.0;
    std::int64_t bad = n;  // the first node with a non-finite value
    for (std::int64_t p = blocks->first(); p < blocks->last(); ++p) {
      if (fixed[p]) {
        next[p] = r.values[p];
        continue;
      }
      double best = std::numeric_limits<double>::infinity();
      for (int k = 0; k < static_cast<int>(actions.size()); ++k) {
        const double q = q_value(p, k);
        if (q < best) {
          best = q;
          r.policy[p] = k;
        }
      }
      next[p] = best;
      residual = std::max(residual, std::abs(best - r.values[p]));
      if (!std::isfinite(best)) bad = std::min(bad, p);
    }
    ++r.greedy_sweeps;
    blocks->assemble(next);
    residual = blocks->max(residual);
    bad = blocks->min(bad);
    if (bad < n)  // the same error on every rank, naming the node
      throw_non_finite_node("sparse-grid Bellman update", r.greedy_sweeps, nodes[bad]);
    r.values.swap(next);
    surplus = r.values;
    grid.hierarchize(surplus);
    r.residual = residual;
    // An adaptive grid adapts once the values are within a tenth of the threshold of this grid's
    // fixed point (the residual over 1 - e^{-rho h} estimates that distance; without discount: the
    // tolerance), and once more at the tolerance: the run has converged when that changes nothing.
    const bool changed = residual <= adapt_residual() && adapt();
    if (!changed && residual <= o.tolerance) {
      r.converged = true;
      break;
    }
    if (!changed) {
      for (int sweep = 0; sweep < o.evaluation_sweeps; ++sweep, ++r.evaluation_sweeps) {
        for (std::int64_t p = blocks->first(); p < blocks->last(); ++p)
          next[p] = fixed[p] ? r.values[p] : q_value(p, r.policy[p]);
        blocks->assemble(next);
        r.values.swap(next);
        surplus = r.values;
        grid.hierarchize(surplus);
      }
    }
    if (after_sweep && after_sweep(r.greedy_sweeps, residual, r.adaptations, r.values)) {
      r.stopped = true;
      break;
    }
  }
  r.time_step = h;
  blocks->assemble(r.policy);  // every rank holds the whole policy too
  return r;
}

}  // namespace hjb
