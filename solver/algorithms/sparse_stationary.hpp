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
#include <vector>

#include "core/error.hpp"
#include "grids/sparse/sparse_grid.hpp"
#include "solver/algorithms/sparse_blocks.hpp"
#include "solver/schemes/markov_chain_approximation.hpp"
#include "solver/schemes/semi_lagrangian_transition.hpp"

namespace hjb {

struct SparseStationaryOptions {
  int actions = 11;              ///< per control dimension
  double time_step = 0.0;        ///< h (0: the finest spacing of the grid)
  double tolerance = 1e-8;       ///< max-norm residual of the greedy sweep
  long max_iterations = 100000;  ///< greedy sweeps
  int evaluation_sweeps = 10;    ///< fixed-policy sweeps after each greedy sweep
};

/// Called on every rank after each greedy sweep and its policy sweeps with (greedy sweeps so far,
/// the nodal values); returning true stops the iteration (the caller has checkpointed).
using SparseSweepHook = std::function<bool(long, const std::vector<double>&)>;

struct SparseStationaryResult {
  std::vector<double> values;  ///< nodal values in the grid's order
  std::vector<int> policy;     ///< greedy action index per node
  long greedy_sweeps = 0, evaluation_sweeps = 0;
  double residual = std::numeric_limits<double>::infinity();
  bool converged = false;
  bool stopped = false;  ///< the hook stopped the run
};

/// Collective over comm; the result (values and policy of every node) is the same on every rank.
/// `start` (nodal values, e.g. from a checkpoint; empty: zero) continues after `first_sweep` sweeps.
template <ContinuousStationaryProblem P>
SparseStationaryResult sparse_semi_lagrangian(const P& problem, const sparse::SparseGrid& grid,
                                              const SparseStationaryOptions& o, MPI_Comm comm = MPI_COMM_SELF,
                                              const std::vector<double>& start = {}, long first_sweep = 0,
                                              const SparseSweepHook& after_sweep = {}) {
  constexpr int D = P::dim;
  const auto actions = action_grid(problem.action_box(), o.actions);
  const std::int64_t n = grid.size();
  double finest = std::numeric_limits<double>::infinity();
  std::array<double, D> extent;
  for (int k = 0; k < D; ++k) {
    finest = std::min(finest, std::ldexp(grid.hi()[k] - grid.lo()[k], -grid.caps()[k]));
    extent[k] = grid.hi()[k] - grid.lo()[k];
  }
  const double h = o.time_step > 0 ? o.time_step : finest;
  const double rho = problem.discount_rate(), discount = std::exp(-rho * h);
  std::vector<std::array<double, D>> nodes(static_cast<std::size_t>(n));
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
  const SparseNodeBlocks blocks(comm, n);
  const std::int64_t first = blocks.first(), last = blocks.last();
  SparseStationaryResult r;
  r.values.assign(static_cast<std::size_t>(n), 0.0);
  if (!start.empty()) r.values = start;
  r.policy.assign(static_cast<std::size_t>(n), 0);
  // Exit-time problems: nodes in the target keep their exit cost.
  std::vector<char> fixed(static_cast<std::size_t>(n), 0);
  if constexpr (HasTargetSet<P>)
    for (std::int64_t p = 0; p < n; ++p)
      if (problem.in_target(nodes[p])) {
        fixed[p] = 1;
        r.values[p] = problem.exit_cost(nodes[p]);
      }
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
  for (r.greedy_sweeps = first_sweep; r.greedy_sweeps < o.max_iterations;) {
    double residual = 0.0;
    std::int64_t bad = n;  // the first node with a non-finite value
    for (std::int64_t p = first; p < last; ++p) {
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
    blocks.assemble(next);
    residual = blocks.max(residual);
    bad = blocks.min(bad);
    if (bad < n)  // the same error on every rank, naming the node
      throw_non_finite_node("sparse-grid Bellman update", r.greedy_sweeps, nodes[bad]);
    r.values.swap(next);
    surplus = r.values;
    grid.hierarchize(surplus);
    r.residual = residual;
    if (residual <= o.tolerance) {
      r.converged = true;
      break;
    }
    for (int sweep = 0; sweep < o.evaluation_sweeps; ++sweep, ++r.evaluation_sweeps) {
      for (std::int64_t p = first; p < last; ++p) next[p] = fixed[p] ? r.values[p] : q_value(p, r.policy[p]);
      blocks.assemble(next);
      r.values.swap(next);
      surplus = r.values;
      grid.hierarchize(surplus);
    }
    if (after_sweep && after_sweep(r.greedy_sweeps, r.values)) {
      r.stopped = true;
      break;
    }
  }
  blocks.assemble(r.policy);  // every rank holds the whole policy too
  return r;
}

}  // namespace hjb
