// The dynamics of an autonomous problem evaluated once per node and kept (issue 23): the
// method-of-lines solver evaluates f0, G, K and the dissipation bound alpha at every node in every
// Runge–Kutta stage, and for problems whose dynamics call sin/cos (Air3D, the cars, the pendulum)
// that evaluation was 40 % of a WENO5 run. Stored as structure of arrays per block of consecutive
// owned nodes — varying component k of node j of block b (length n) at data[b * block * varying +
// k * n + j] — so that the per-node Hamiltonian loop reads contiguous vectors and the compiler vectorises
// it. A component with the same bits at every owned node (Air3D: dpsi/dt's drift and inputs, alpha
// along psi — half of its twelve) is kept once, as one block-long run that every block's view points
// to: the loop is unchanged and reads it from cache instead of memory. Pointwise (no MPI), except
// planned_bytes_per_node, the memory plan's count, which takes the largest over the ranks.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"
#include "grids/distributed/tensor_grid.hpp"
#include "solver/schemes/lax_friedrichs.hpp"

namespace hjb {

template <ControlProblem P>
class DynamicsCache {
 public:
  static constexpr int D = P::dim, MA = P::control_dim, MB = P::disturbance_dim;
  using Affine = AffineDynamics<D, MA, MB>;
  /// Doubles per node: f0, G and K, and alpha when the dissipation is per node.
  static constexpr int components(bool with_alpha) { return D * (1 + MA + MB) + (with_alpha ? D : 0); }
  static constexpr int max_components = components(true);

  /// One block's components: component k of node j at comp[k][j].
  struct Block {
    std::array<const double*, max_components> comp{};
  };

  DynamicsCache() = default;
  /// Evaluates problem.affine(x, 0) and, with `with_alpha`, partial_max_magnitudes at every owned
  /// node of `grid` (the time argument is irrelevant: only autonomous problems are cached), stored
  /// in blocks of `block` consecutive owned nodes (the last one shorter).
  DynamicsCache(const P& problem, const TensorGrid<D>& grid, bool with_alpha, std::int64_t block)
      : m_block(block), m_count(grid.owned_count()), m_components(components(with_alpha)) {
    static_assert(declared_features<P>().autonomous, "only problems declared autonomous are cached");
    // Two passes, so that no more than the varying components is ever held: which components have
    // the same bits at every node, then the varying ones stored (the dynamics evaluated twice).
    const Constancy constancy = constant_components(problem, grid, with_alpha);
    m_constant = constancy.same;
    for (int k = 0; k < m_components; ++k) {
      if (!m_constant[k]) {
        m_slot[k] = m_varying++;
        continue;
      }
      m_slot[k] = static_cast<int>(m_constants.size() / static_cast<std::size_t>(m_block));
      m_constants.insert(m_constants.end(), static_cast<std::size_t>(m_block), constancy.first[k]);
    }
    m_data.resize(static_cast<std::size_t>(m_count * m_varying));
    std::array<double, max_components> v{};
    for (std::int64_t l = 0; l < m_count; ++l) {
      node_values(problem, grid, l, with_alpha, v);
      const std::int64_t b = l / m_block, n = block_length(b);
      double* c = m_data.data() + b * m_block * m_varying + l % m_block;
      for (int k = 0; k < m_components; ++k)
        if (!m_constant[k]) c[m_slot[k] * n] = v[k];
    }
  }

  /// Which components have the same bits at every owned node of this rank (`same`; all of them on a
  /// rank without nodes) and the first node's values (`first`). One pass over the dynamics, nothing
  /// stored. Pointwise.
  struct Constancy {
    std::array<bool, max_components> same{};
    std::array<double, max_components> first{};
  };
  static Constancy constant_components(const P& problem, const TensorGrid<D>& grid, bool with_alpha) {
    Constancy c;
    c.same.fill(true);
    std::array<double, max_components> v{};
    if (grid.owned_count() > 0) node_values(problem, grid, 0, with_alpha, c.first);
    for (std::int64_t l = 1; l < grid.owned_count(); ++l) {
      node_values(problem, grid, l, with_alpha, v);
      for (int k = 0; k < components(with_alpha); ++k)
        c.same[k] = c.same[k] && std::memcmp(&v[k], &c.first[k], sizeof(double)) == 0;
    }
    return c;
  }
  /// The bytes per owned node a cache on `grid` will hold, the largest over the ranks (the plan of a
  /// dry run and of --memory-per-rank, before any cache exists). Collective.
  static double planned_bytes_per_node(const P& problem, const TensorGrid<D>& grid, bool with_alpha) {
    const auto same = constant_components(problem, grid, with_alpha).same;
    int varying = 0;
    for (int k = 0; k < components(with_alpha); ++k) varying += same[k] ? 0 : 1;
    int most = varying;
    MPI_Allreduce(&varying, &most, 1, MPI_INT, MPI_MAX, grid.comm());
    return 8.0 * most;
  }

  bool empty() const { return m_count == 0; }
  /// Bytes held per owned node (the constant components' runs not counted).
  double stored_bytes_per_node() const { return 8.0 * m_varying; }
  /// The components of block b (its nodes j = 0 .. block_length(b)-1).
  Block block(std::int64_t b) const {
    Block v;
    const double* varying = m_data.data() + b * m_block * m_varying;
    const std::int64_t n = block_length(b);
    for (int k = 0; k < m_components; ++k)
      v.comp[k] = m_constant[k] ? m_constants.data() + m_slot[k] * m_block : varying + m_slot[k] * n;
    return v;
  }
  std::int64_t block_length(std::int64_t b) const { return std::min(m_block, m_count - b * m_block); }

  /// The affine form of node j of a block.
  static Affine affine(const Block& c, std::int64_t j) {
    Affine f;
    int k = 0;
    for_each_component(f, [&](double& v) { v = c.comp[k++][j]; });
    return f;
  }
  /// alpha of node j (only when built with_alpha).
  static State<D> alpha(const Block& c, std::int64_t j) {
    State<D> a;
    for (int i = 0; i < D; ++i) a[i] = c.comp[D * (1 + MA + MB) + i][j];
    return a;
  }

  /// max over the owned nodes of stable_rate(alpha), folded as the solver folds it per stage (the
  /// same number, bit for bit); built with_alpha.
  double max_rate(const State<D>& inv_spacing) const {
    double max_rate = 0.0;
    for (std::int64_t b = 0; b * m_block < m_count; ++b) {
      const Block c = block(b);
      for (std::int64_t j = 0; j < block_length(b); ++j)
        max_rate = std::max(max_rate, stable_rate<D>(alpha(c, j), inv_spacing));
    }
    return max_rate;
  }

 private:
  /// The components of owned node l, in storage order.
  static void node_values(const P& problem, const TensorGrid<D>& grid, std::int64_t l, bool with_alpha,
                          std::array<double, max_components>& out) {
    Affine f = problem.affine(grid.coordinates(grid.owned_node(l)), 0.0);
    int k = 0;
    for_each_component(f, [&](double& x) { out[k++] = x; });
    if (with_alpha)
      for (double a : partial_max_magnitudes(problem, f)) out[k++] = a;
  }

  /// f(value&) for every stored component of an affine form (f0, then G, then K, row by row): the
  /// one statement of the layout, for writing and for reading.
  template <class F>
  static void for_each_component(Affine& a, F&& f) {
    for (double& v : a.drift) f(v);
    for (auto& row : a.control)
      for (double& v : row) f(v);
    for (auto& row : a.disturbance)
      for (double& v : row) f(v);
  }

  std::int64_t m_block = 1, m_count = 0;
  int m_components = 0, m_varying = 0;
  std::array<bool, max_components> m_constant{};
  std::array<int, max_components> m_slot{};  ///< row among the varying ones, or run among m_constants
  std::vector<double> m_data;                ///< the varying components, per block
  std::vector<double> m_constants;           ///< one block-long run per constant component
};

}  // namespace hjb
