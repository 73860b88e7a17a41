// The Markov chain approximation of a continuous-time stationary problem (discounted, or exit
// time with a target) on a distributed tensor grid: rows built by semi_lagrangian_mca or
// kushner_dupuis (solver/schemes/markov_chain_approximation.hpp) and stored in CSR form (slot and
// discounted probability per successor), with the one VecScatter of the off-rank successors. The
// same interface as ControlledChain, so StationarySolver runs value and (inexact) policy
// iteration on it; the discount lives in the rows (gamma = 1 for the solver).
#pragma once
#include <petscvec.h>

#include <cstdint>
#include <vector>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/controlled_chain.hpp"
#include "solver/schemes/markov_chain_approximation.hpp"
#include "solver/schemes/semi_lagrangian_transition.hpp"
#include "support/petsc/petsc_owner.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

template <ContinuousStationaryProblem P>
class SparseChain {
 public:
  static constexpr int D = P::dim, M = P::control_dim;

  /// Collective: builds every owned row under `actions_per_axis`^M actions.
  SparseChain(const P& problem, const TensorGrid<D>& grid, int actions_per_axis,
              const ChainSchemeOptions& scheme)
      : m_grid(grid), m_nodes(grid) {
    m_actions = action_grid(problem.action_box(), actions_per_axis);
    const ScopedLogEvent timed(log_events().transition_build);
    const auto& axes = grid.axes();
    double dx = std::numeric_limits<double>::infinity();
    for (int i = 0; i < D; ++i) dx = std::min(dx, axes[i].spacing());
    m_time_step = scheme.time_step_factor * dx;
    std::array<double, D> extent;
    for (int i = 0; i < D; ++i) extent[i] = axes[i].hi - axes[i].lo;
    double reach = 0.0;
    const std::int64_t n = grid.owned_count(), k_count = action_count();
    m_cost.resize(n * k_count);
    m_start.assign(n * k_count + 1, 0);
    double max_discount = 0.0;
    for (std::int64_t l = 0; l < n; ++l) {
      const Index<D> g = grid.owned_node(l);
      const auto x = grid.coordinates(g);
      for (std::int64_t k = 0; k < k_count; ++k) {
        const std::int64_t row = l * k_count + k;
        ChainRow<D> r;
        bool exit = false;
        if constexpr (HasTargetSet<P>) {
          if (problem.in_target(x)) {
            r.cost = problem.exit_cost(x);
            exit = true;
          }
        }
        if (!exit && scheme.scheme == ChainScheme::semi_lagrangian)
          reach = std::max(reach, semi_lagrangian_reach(problem, x, m_actions[k], m_time_step, extent));
        if (!exit)
          r = scheme.scheme == ChainScheme::semi_lagrangian
                  ? semi_lagrangian_mca(problem, axes, x, m_actions[k], m_time_step)
                  : kushner_dupuis(problem, axes, g, x, m_actions[k]);
        m_cost[row] = r.cost;
        max_discount = std::max(max_discount, exit ? 0.0 : r.discount);
        for (const auto& [node, p] : r.next) {
          m_slot.push_back(m_nodes.slot(grid.petsc_index(node)));
          m_coefficient.push_back(r.discount * p);
        }
        m_start[row + 1] = static_cast<std::int64_t>(m_slot.size());
      }
    }
    MPI_Allreduce(&max_discount, &m_max_discount, 1, MPI_DOUBLE, MPI_MAX, grid.comm());
    double global_reach = 0.0;
    MPI_Allreduce(&reach, &global_reach, 1, MPI_DOUBLE, MPI_MAX, grid.comm());
    check_semi_lagrangian_reach(global_reach, m_time_step, scheme.time_step_factor);  // same on every rank
    m_nodes.finish(grid);
  }
  SparseChain(const SparseChain&) = delete;
  SparseChain& operator=(const SparseChain&) = delete;

  const std::vector<Point<M>>& actions() const { return m_actions; }
  std::int64_t action_count() const { return static_cast<std::int64_t>(m_actions.size()); }
  const TensorGrid<D>& grid() const { return m_grid; }
  /// The semi-Lagrangian time step h (unused by Kushner-Dupuis).
  double time_step() const { return m_time_step; }
  double max_row_discount() const { return m_max_discount; }
  /// Bytes per (node, action) planned before the build: cost, row start and the successors
  /// (slot and coefficient), at most 2m * 2^D (semi-Lagrangian, m noisy axes) or 2D + 1.
  static double planned_bytes_per_transition(const ChainSchemeOptions& scheme) {
    const double successors =
        scheme.scheme == ChainScheme::semi_lagrangian ? 2.0 * D * (1 << D) : 2.0 * D + 1;
    return 16.0 + 12.0 * successors;
  }

  void gather(Vec v) { m_nodes.gather(v); }
  Vec needed() const { return m_nodes.needed(); }

  double q_value(std::int64_t l, std::int64_t k, const PetscScalar* needed, double gamma) const {
    const std::int64_t row = l * action_count() + k;
    double ev = 0.0;
    for (std::int64_t e = m_start[row]; e < m_start[row + 1]; ++e) ev += m_coefficient[e] * needed[m_slot[e]];
    return m_cost[row] + gamma * ev;
  }
  double cost(std::int64_t l, std::int64_t k) const { return m_cost[l * action_count() + k]; }
  template <class F>
  void for_each_entry(std::int64_t row, F&& f) const {
    for (std::int64_t e = m_start[row]; e < m_start[row + 1]; ++e)
      f(m_nodes.global_index(m_slot[e]), m_coefficient[e]);
  }
  void prefetch(std::int64_t row) const { __builtin_prefetch(&m_start[row]); }

  double bellman(Vec v, Vec out, double gamma, std::vector<int>& policy, const std::string& where,
                 SweepMemory* memory = nullptr) {
    return chain_bellman(*this, v, out, gamma, policy, where, memory);
  }

 private:
  const TensorGrid<D>& m_grid;
  std::vector<Point<M>> m_actions;
  double m_time_step = 0.0, m_max_discount = 1.0;
  std::vector<double> m_cost, m_coefficient;
  std::vector<std::int64_t> m_start;
  std::vector<int> m_slot;
  GatheredNodes<D> m_nodes;
};

/// True for the Markov chain approximations (whose discounts live in the rows).
template <class Chain>
inline constexpr bool is_sparse_chain = false;
template <class P>
inline constexpr bool is_sparse_chain<SparseChain<P>> = true;

}  // namespace hjb
