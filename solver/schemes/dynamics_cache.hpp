// The dynamics of an autonomous problem evaluated once per node and kept (issue 23): the
// method-of-lines solver evaluates f0, G, K and the dissipation bound alpha at every node in every
// Runge–Kutta stage, and for problems whose dynamics call sin/cos (Air3D, the cars, the pendulum)
// that evaluation was 40 % of a WENO5 run. Stored as structure of arrays per block of consecutive
// owned nodes — component k of node j of block b (length n) at data[b * block * components + k * n
// + j] — so that the per-node Hamiltonian loop reads contiguous vectors and the compiler vectorises
// it. Pointwise (no MPI).
#pragma once
#include <algorithm>
#include <cstdint>
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
  static constexpr double bytes_per_node(bool with_alpha) { return 8.0 * components(with_alpha); }

  DynamicsCache() = default;
  /// Evaluates problem.affine(x, 0) and, with `with_alpha`, partial_max_magnitudes at every owned
  /// node of `grid` (the time argument is irrelevant: only autonomous problems are cached), stored
  /// in blocks of `block` consecutive owned nodes (the last one shorter).
  DynamicsCache(const P& problem, const TensorGrid<D>& grid, bool with_alpha, std::int64_t block)
      : m_block(block), m_count(grid.owned_count()), m_components(components(with_alpha)) {
    static_assert(declared_features<P>().autonomous, "only problems declared autonomous are cached");
    m_data.resize(static_cast<std::size_t>(m_count * m_components));
    for (std::int64_t l = 0; l < m_count; ++l) {
      Affine f = problem.affine(grid.coordinates(grid.owned_node(l)), 0.0);
      const std::int64_t b = l / m_block, n = block_length(b);
      double* c = m_data.data() + b * m_block * m_components + l % m_block;
      int k = 0;
      for_each_component(f, [&](double& v) { c[(k++) * n] = v; });
      if (with_alpha)
        for (double a : partial_max_magnitudes(problem, f)) c[(k++) * n] = a;
    }
  }

  bool empty() const { return m_data.empty(); }
  /// The components of block b (its nodes j = 0 .. block_length(b)-1).
  const double* block(std::int64_t b) const { return m_data.data() + b * m_block * m_components; }
  std::int64_t block_length(std::int64_t b) const { return std::min(m_block, m_count - b * m_block); }

  /// The affine form of node j of a block; `c` from block(), `n` its length.
  static Affine affine(const double* c, std::int64_t n, std::int64_t j) {
    Affine f;
    int k = 0;
    for_each_component(f, [&](double& v) { v = c[(k++) * n + j]; });
    return f;
  }
  /// alpha of node j (only when built with_alpha).
  static State<D> alpha(const double* c, std::int64_t n, std::int64_t j) {
    State<D> a;
    for (int i = 0; i < D; ++i) a[i] = c[(D * (1 + MA + MB) + i) * n + j];
    return a;
  }

  /// max over the owned nodes of stable_rate(alpha), folded as the solver folds it per stage (the
  /// same number, bit for bit); built with_alpha.
  double max_rate(const State<D>& inv_spacing) const {
    double max_rate = 0.0;
    for (std::int64_t b = 0; b * m_block < m_count; ++b)
      for (std::int64_t j = 0; j < block_length(b); ++j)
        max_rate = std::max(max_rate, stable_rate<D>(alpha(block(b), block_length(b), j), inv_spacing));
    return max_rate;
  }

 private:
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
  int m_components = 0;
  std::vector<double> m_data;
};

}  // namespace hjb
