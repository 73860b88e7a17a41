// The controlled Markov chain of a problem's discrete step on a distributed tensor grid: for every
// owned node and every action of a finite action grid, the step's cost and the semi-Lagrangian
// transition (solver/schemes/semi_lagrangian_transition.hpp), plus the one VecScatter that gathers the
// off-rank foot-point nodes. Shared by the stationary solvers (value and policy iteration,
// stationary.hpp) and the finite-horizon backward recursion (finite_horizon.hpp):
//
//   (T_gamma V)(x) = min_a [ c(x, a) + gamma sum_j w_j(x, a) V(x_j) ].
#pragma once
#include <petscvec.h>

#include <cassert>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/control_problem.hpp"
#include "core/error.hpp"
#include "core/multiversion.hpp"
#include "core/problem_interface.hpp"
#include "core/uninitialized.hpp"
#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/bellman_sweep.hpp"
#include "solver/io/collective_failure.hpp"
#include "solver/schemes/semi_lagrangian_transition.hpp"
#include "support/petsc/petsc_owner.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

/// The MDP pieces the chain needs from a problem (core/problem_interface.hpp, .discrete_step).
template <class P>
concept StationaryProblem = DiscreteStepProblem<P>;

/// The nodes a rank's transitions read, numbered in one local vector: slots 0 .. n-1 are the owned
/// block in order, the off-rank nodes follow in first-use order; finish() builds the one
/// VecScatter that fills the vector from a global one. Shared by the chains.
template <int D>
class GatheredNodes {
 public:
  explicit GatheredNodes(const TensorGrid<D>& grid) : m_owned(grid.owned_count()) {
    const OwnedVec global = grid.create_vector();
    HJB_PETSC(VecGetOwnershipRange(global, &m_first, &m_last));
    m_index.resize(static_cast<std::size_t>(m_owned));
    for (std::int64_t l = 0; l < m_owned; ++l) m_index[l] = m_first + static_cast<PetscInt>(l);
  }
  GatheredNodes(const GatheredNodes&) = delete;
  GatheredNodes& operator=(const GatheredNodes&) = delete;

  /// The slot of global PETSc index idx (numbering it on first use). Not collective.
  int slot(PetscInt idx) {
    if (idx >= m_first && idx < m_last) return static_cast<int>(idx - m_first);
    auto [it, inserted] = m_slot_of.emplace(idx, static_cast<int>(m_index.size()));
    if (inserted) m_index.push_back(idx);
    return it->second;
  }
  /// Builds the scatter of every numbered node. Collective.
  void finish(const TensorGrid<D>& grid) {
    m_slot_of.clear();
    const OwnedVec global = grid.create_vector();
    HJB_PETSC(VecCreateSeq(PETSC_COMM_SELF, static_cast<PetscInt>(m_index.size()), m_needed.out()));
    OwnedIs is;
    HJB_PETSC(ISCreateGeneral(PETSC_COMM_SELF, static_cast<PetscInt>(m_index.size()), m_index.data(),
                              PETSC_COPY_VALUES, is.out()));
    HJB_PETSC(VecScatterCreate(global, is, m_needed, nullptr, m_scatter.out()));
  }
  /// Gathers the numbered nodes' values of v into needed(). Collective.
  void gather(Vec v) {
    HJB_PETSC(VecScatterBegin(m_scatter, v, m_needed, INSERT_VALUES, SCATTER_FORWARD));
    HJB_PETSC(VecScatterEnd(m_scatter, v, m_needed, INSERT_VALUES, SCATTER_FORWARD));
  }
  Vec needed() const { return m_needed; }
  /// Global PETSc index of a slot (an owned one's without a lookup: the policy evaluation asks for
  /// every corner of every row, and the table is a scattered read).
  PetscInt global_index(int slot) const {
    return slot < m_owned ? m_first + static_cast<PetscInt>(slot) : m_index[static_cast<std::size_t>(slot)];
  }
  std::int64_t owned() const { return m_owned; }

 private:
  std::int64_t m_owned;
  PetscInt m_first = 0, m_last = 0;
  std::vector<PetscInt> m_index;
  std::unordered_map<PetscInt, int> m_slot_of;
  OwnedVec m_needed;
  OwnedScatter m_scatter;
};

template <StationaryProblem P>
class ControlledChain {
 public:
  static constexpr int D = P::dim, M = P::control_dim, corners = 1 << D;

  /// The cost is kept as one value per node plus one per action when the problem declares its step
  /// cost separable (core/problem_interface.hpp) and no step terminates (a terminal step's cost
  /// includes the terminal reward at its foot): 8 fewer bytes per (node, action) for every sweep to
  /// stream. The build checks every row's sum against step_cost, bit for bit.
  static constexpr bool separable_cost = SeparableStepCostProblem<P> && !HasTerminalStates<P>;

  /// Collective: builds the transitions of all owned nodes under `actions_per_axis`^M actions and
  /// the scatter of the nodes they read. Storage per (node, action): the cost (unless separable),
  /// one int32 slot and the D cell coordinates of the foot point, from which the multilinear
  /// weights are recomputed bit for bit as cell_weights forms them: 12 + 8 D bytes (28 in 2-D, 44
  /// in 4-D; 4 + 8 D with a separable cost) instead of 8 + 12 * 2^D with stored corner slots and
  /// weights. The gathered vector starts with the owned
  /// block in row-major order, so a cell whose corners are all owned (and do not wrap) is its first
  /// corner's slot plus fixed offsets; the other cells (at block edges and periodic seams) keep
  /// their 2^D slots in a side table.
  ControlledChain(const P& problem, const TensorGrid<D>& grid, int actions_per_axis)
      : m_grid(grid), m_nodes(grid) {
    m_actions = action_grid(problem.action_box(), actions_per_axis);
    const ScopedLogEvent timed(log_events().transition_build);
    const std::int64_t n = grid.owned_count(), k_count = action_count();
    if constexpr (separable_cost) {
      m_node_cost.resize(n);
      m_action_cost.resize(k_count);
      for (std::int64_t k = 0; k < k_count; ++k) m_action_cost[k] = problem.action_step_cost(m_actions[k]);
    } else {
      m_cost.resize(n * k_count);
    }
    m_slot.resize(n * k_count);
    m_fraction.resize(n * k_count * D);
    // Offsets of the corners from the first one in the owned block (row-major, last axis fastest).
    {
      std::int64_t stride[D];
      stride[D - 1] = 1;
      for (int a = D - 2; a >= 0; --a) stride[a] = stride[a + 1] * grid.owned_extent()[a + 1];
      for (int c = 0; c < corners; ++c) {
        std::int64_t off = 0;
        for (int a = 0; a < D; ++a) off += ((c >> a) & 1) * stride[a];
        m_corner_offset[c] = static_cast<int>(off);
      }
    }
    const std::string not_separable = build_rows(problem);
    // The same error on every rank before the scatter's collective set-up.
    if constexpr (separable_cost) agree_on_success(grid.comm(), not_separable.empty(), not_separable);
    m_nodes.finish(grid);
  }
  ControlledChain(const ControlledChain&) = delete;
  ControlledChain& operator=(const ControlledChain&) = delete;

  const std::vector<Point<M>>& actions() const { return m_actions; }
  std::int64_t action_count() const { return static_cast<std::int64_t>(m_actions.size()); }
  const TensorGrid<D>& grid() const { return m_grid; }

  /// Gathers the values the owned transitions read into the local vector needed(). Collective.
  void gather(Vec v) { m_nodes.gather(v); }
  Vec needed() const { return m_nodes.needed(); }

  /// c(x_l, a_k) + gamma sum_j w_j V(x_j), with `needed` the gathered values.
  double q_value(std::int64_t l, std::int64_t k, const PetscScalar* needed, double gamma) const {
    const std::int64_t row = l * action_count() + k;
    const int s = m_slot[row];
    if (s == terminal_slot) return cost(l, k);  // the step terminates: no continuation
    return cost(l, k) + gamma * expected_value(s, &m_fraction[row * D], needed);
  }
  /// A transition as its code (transition_code: the first corner's slot, or the terminal or
  /// irregular marker) and its D fractions (fractions), which a caller may copy to read them again
  /// and again (the policy evaluation's products); expected_value(code, fractions, needed) is then
  /// sum_j w_j needed(x_j), 0 for a terminal step — the sum q_value forms, bit for bit.
  int transition_code(std::int64_t l, std::int64_t k) const { return m_slot[l * action_count() + k]; }
  const double* fractions(std::int64_t l, std::int64_t k) const {
    return &m_fraction[(l * action_count() + k) * D];
  }
  double expected_value(int code, const double* fraction, const PetscScalar* needed) const {
    if (code == terminal_slot) return 0.0;
    double w[corners];
    all_weights(fraction, w);
    double ev = 0.0;
    if (code >= 0) {
#pragma GCC unroll 16
      for (int c = 0; c < corners; ++c) ev += w[c] * needed[code + m_corner_offset[c]];
    } else {
      const int* slots = &m_irregular[static_cast<std::size_t>(-2 - code) * corners];
      for (int c = 0; c < corners; ++c) ev += w[c] * needed[slots[c]];
    }
    return ev;
  }
  /// c(x_l, a_k) (minus the terminal reward where the step terminates).
  double cost(std::int64_t l, std::int64_t k) const {
    if constexpr (separable_cost)
      return m_node_cost[l] + m_action_cost[k];
    else
      return m_cost[l * action_count() + k];
  }
  /// The multilinear weight of corner c (0 for a terminal step), formed as cell_weights forms it.
  double weight(std::int64_t row, int corner) const {
    return m_slot[row] == terminal_slot ? 0.0 : weight_of(row, corner);
  }
  /// The slot in needed() of a transition's corner (-1 for a terminal step).
  int slot(std::int64_t row, int corner) const {
    const int s = m_slot[row];
    if (s == terminal_slot) return -1;
    if (s >= 0) return s + m_corner_offset[corner];
    return m_irregular[static_cast<std::size_t>(-2 - s) * corners + corner];
  }
  /// Hints the cache to load a row's transition (policy evaluation reads one scattered row per node).
  void prefetch(std::int64_t row) const {
    __builtin_prefetch(&m_slot[row]);
    __builtin_prefetch(&m_fraction[row * D]);
    if constexpr (!separable_cost) __builtin_prefetch(&m_cost[row]);
  }
  /// Hints the cache to load the gathered values a row's transition reads (regular cells: one
  /// line per pair of corners adjacent along the last axis).
  void prefetch_values(std::int64_t row, const PetscScalar* needed) const {
    const int s = m_slot[row];
    if (s < 0) return;
    for (int c = 0; c < corners / 2; ++c) __builtin_prefetch(&needed[s + m_corner_offset[c]]);
  }
  /// Bytes of transition storage per (node, action), and per node (the separable cost's node part;
  /// its action part is one value per action).
  static constexpr double bytes_per_transition = (separable_cost ? 4.0 : 12.0) + 8.0 * D;
  static constexpr double bytes_per_node = separable_cost ? 8.0 : 0.0;
  template <class Options>
  static double planned_bytes_per_transition(const Options&) {
    return bytes_per_transition;
  }
  /// Global PETSc index of a transition's corner.
  PetscInt corner_index(std::int64_t row, int corner) const {
    const int s = slot(row, corner);
    return s < 0 ? -1 : m_nodes.global_index(s);
  }

  /// out = T_gamma v; policy[l] = the minimising action (first of equals); returns
  /// max_l |out_l - v_l| over all ranks (chain_bellman, bellman_sweep.hpp). Collective.
  double bellman(Vec v, Vec out, double gamma, std::vector<int>& policy, const std::string& where,
                 SweepMemory* memory = nullptr) {
    return chain_bellman(*this, v, out, gamma, policy, where, memory);
  }

  /// Calls f(global column, coefficient) for the successors of a row (coefficients before gamma).
  template <class F>
  void for_each_entry(std::int64_t row, F&& f) const {
    for (int c = 0; c < corners; ++c) {
      const double w = weight(row, c);
      if (w != 0.0) f(corner_index(row, c), w);
    }
  }
  /// The largest discount factor inside a row (the chain contracts by gamma times this).
  double max_row_discount() const { return 1.0; }

 private:
  static constexpr int terminal_slot = -1;
  /// The constructor's rows: every owned node's transitions (cost, slot, fractions) and the
  /// numbering of the off-rank nodes they read. Returns the first row whose cost is not the declared
  /// separable sum (empty if none). Not collective.
  std::string build_rows(const P& source) {
    // The feet from a local copy of a problem that is a plain value: the compiler then knows that
    // the rows' stores do not change its parameters and keeps the step's constants (Pendulum's
    // 3g/(2l) and 3/(ml^2), two divisions) in registers instead of forming them for every action.
    using Model = std::conditional_t<std::is_trivially_copyable_v<P>, const P, const P&>;
    Model problem = source;
    const TensorGrid<D>& grid = m_grid;
    const std::int64_t n = grid.owned_count(), k_count = action_count();
    const auto& axes = grid.axes();
    double spacing[D];
    for (int a = 0; a < D; ++a) spacing[a] = axes[a].spacing();
    std::string not_separable;  // the first row whose cost is not the declared sum
    // One node's actions at a time: their feet axis by axis, then all their cells along an axis in
    // one vectorised call (locate_many: the fractions and first corner that cell_weights forms; its
    // 2^D weights are recomputed from the fractions when needed).
    std::vector<double> foot(static_cast<std::size_t>(D * k_count)), fraction(foot.size());
    std::vector<int> corner(foot.size());
    std::vector<char> terminal(static_cast<std::size_t>(k_count));
    for (std::int64_t l = 0; l < n; ++l) {
      const auto x = grid.coordinates(grid.owned_node(l));
      if constexpr (separable_cost) m_node_cost[l] = problem.state_step_cost(x);
      for (std::int64_t k = 0; k < k_count; ++k) {
        const Foot<D> f = semi_lagrangian_foot(problem, x, m_actions[k]);
        if constexpr (separable_cost) {
          // (Both NaN is agreement: the sweep then names the node, as for any non-finite cost.)
          const double sum = m_node_cost[l] + m_action_cost[k];
          if (f.cost != sum && !(std::isnan(f.cost) && std::isnan(sum)) && not_separable.empty())
            not_separable = not_separable_message(x, k, f.cost);
        } else {
          m_cost[l * k_count + k] = f.cost;
        }
        for (int a = 0; a < D; ++a) foot[a * k_count + k] = f.y[a];
        terminal[k] = f.terminal;
      }
      for (int a = 0; a < D; ++a)
        locate_many(axes[a], spacing[a], &foot[a * k_count], k_count, &corner[a * k_count],
                    &fraction[a * k_count]);
      for (std::int64_t k = 0; k < k_count; ++k) {
        const std::int64_t row = l * k_count + k;
        Index<D> base;
        for (int a = 0; a < D; ++a) {
          base[a] = corner[a * k_count + k];
          m_fraction[row * D + a] = fraction[a * k_count + k];
        }
#ifndef NDEBUG
        State<D> y;
        for (int a = 0; a < D; ++a) y[a] = foot[a * k_count + k];
        const CellWeights<D> cell = cell_weights<D>(axes, y);
#endif
        if (terminal[k]) {
          m_slot[row] = terminal_slot;
          continue;
        }
        // A cell whose corners all lie in the owned block (the common case) is its first corner's
        // row-major position there: no global index, no division, nothing numbered.
        const std::int64_t local = grid.owned_cell_position(base);
        if (local >= 0) {
          m_slot[row] = static_cast<int>(local);
          for (int c = 0; c < corners; ++c)
            assert(weight(row, c) == cell.weight[c] &&
                   slot(row, c) == m_nodes.slot(grid.petsc_index(cell.node[c])));
          continue;
        }
        int slots[corners];
        bool regular = true;
        for (int c = 0; c < corners; ++c) {
          slots[c] = m_nodes.slot(grid.petsc_index(cell_corner<D>(axes, base, c)));
          regular = regular && slots[c] == slots[0] + m_corner_offset[c] && slots[c] < n;
        }
        if (regular) {
          m_slot[row] = slots[0];
        } else {
          m_slot[row] = -2 - static_cast<int>(m_irregular.size() / corners);
          m_irregular.insert(m_irregular.end(), slots, slots + corners);
        }
        for (int c = 0; c < corners; ++c)
          assert(weight(row, c) == cell.weight[c] && slot(row, c) == slots[c]);
      }
    }
    return not_separable;
  }
  /// Every corner's weight at once, by the tensor product built axis by axis: after axis a, w[c]
  /// for c < 2^(a+1) is the product over axes 0..a in that order — the same products, rounded the
  /// same way, as weight_of's, with 2^(D+1) - 2 multiplications instead of D 2^D and no branches.
  static void all_weights(const double* f, double* w) {
    w[0] = 1.0;
#pragma GCC unroll 4
    for (int a = 0; a < D; ++a) {
      const double up = f[a], down = 1.0 - f[a];
      const int half = 1 << a;
#pragma GCC unroll 8
      for (int c = 0; c < half; ++c) {
        w[c + half] = w[c] * up;
        w[c] = w[c] * down;
      }
    }
  }
  /// A problem that declares a separable step cost whose step_cost is not that sum (a bug in the
  /// problem's definition).
  static std::string not_separable_message(const State<D>& x, std::int64_t k, double cost) {
    std::ostringstream os;
    os.precision(17);
    os << P::name() << " declares a separable step cost, but step_cost(x, a) = " << cost
       << " differs from state_step_cost(x) + action_step_cost(a) at x = (";
    for (int a = 0; a < D; ++a) os << (a ? ", " : "") << x[a];
    os << "), action " << k << ": step_cost must return exactly that sum";
    return os.str();
  }
  double weight_of(std::int64_t row, int corner) const {
    const double* w = &m_fraction[row * D];
    double product = 1.0;
    for (int a = 0; a < D; ++a) product *= ((corner >> a) & 1) ? w[a] : 1.0 - w[a];
    return product;
  }

  const TensorGrid<D>& m_grid;
  std::vector<Point<M>> m_actions;
  // Written in full by the constructor (every row's cost, fractions and slot): not zeroed first.
  // The cost per row (m_cost), or per node and per action (separable_cost).
  UninitializedVector<double> m_cost, m_fraction, m_node_cost;
  std::vector<double> m_action_cost;
  /// Per row: >= 0 the first corner's slot of a regular cell, -1 a terminal step, -2 - j the j-th
  /// irregular cell, whose 2^D slots are m_irregular[j * 2^D ...].
  UninitializedVector<int> m_slot;
  std::vector<int> m_irregular;
  int m_corner_offset[corners] = {};
  GatheredNodes<D> m_nodes;
};

}  // namespace hjb
