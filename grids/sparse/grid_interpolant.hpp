// The interpolant of nodal values on a SparseGrid, for the semi-Lagrangian solvers: hierarchical
// surpluses and the sparse-grid evaluation in general, and a fast path when the grid is the full
// tensor grid of its caps with boundary (SparseGrid(d, d n, lo, hi, {n, .., n})): then the same
// piecewise-multilinear interpolant is evaluated from the 2^d corners of the containing cell (the
// hierarchical sum over all (n+1)^d subspaces gives the same value, far more slowly). This is how
// the sparse-grid schemes run unchanged on the full grid for a like-for-like comparison.
// No MPI, no PETSc.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "grids/sparse/sparse_grid.hpp"

namespace hjb::sparse {

class GridInterpolant {
 public:
  explicit GridInterpolant(const SparseGrid& grid)
      : m_grid(&grid), m_full(grid.is_full() && grid.basis() == Basis::boundary), m_dim(grid.dimension()) {
    if (!m_full) return;
    std::int64_t stride = 1;
    for (int k = m_dim - 1; k >= 0; --k) {
      m_cells[k] = std::int64_t{1} << grid.caps()[k];
      m_stride[k] = stride;
      stride *= m_cells[k] + 1;
    }
    m_tensor.assign(static_cast<std::size_t>(stride), 0.0);
    m_position.resize(static_cast<std::size_t>(grid.size()));
    int l[max_dimension];
    std::int64_t i[max_dimension];
    for (std::int64_t p = 0; p < grid.size(); ++p) {
      grid.level_index(p, l, i);
      std::int64_t q = 0;
      for (int k = 0; k < m_dim; ++k) q += (i[k] << (grid.caps()[k] - l[k])) * m_stride[k];
      m_position[static_cast<std::size_t>(p)] = q;
    }
  }

  bool full() const { return m_full; }

  /// Takes the nodal values (in the grid's order): hierarchises a copy, or scatters them onto the
  /// tensor lattice.
  void set_values(const std::vector<double>& nodal) {
    if (m_full) {
      for (std::size_t p = 0; p < nodal.size(); ++p)
        m_tensor[static_cast<std::size_t>(m_position[p])] = nodal[p];
      return;
    }
    m_surplus = nodal;
    m_grid->hierarchize(m_surplus);
  }

  /// The interpolant at x (clamped into the box).
  double operator()(const double* x) const {
    if (!m_full) return m_grid->evaluate(m_surplus, x);
    std::int64_t base = 0;
    double t[max_dimension];
    for (int k = 0; k < m_dim; ++k) {
      const double lo = m_grid->lo()[k], hi = m_grid->hi()[k];
      const double u = std::clamp((x[k] - lo) / (hi - lo), 0.0, 1.0) * static_cast<double>(m_cells[k]);
      const std::int64_t c = std::min<std::int64_t>(static_cast<std::int64_t>(u), m_cells[k] - 1);
      t[k] = u - static_cast<double>(c);
      base += c * m_stride[k];
    }
    double corner[1 << max_dimension];
    const int n_corners = 1 << m_dim;
    for (int bits = 0; bits < n_corners; ++bits) {
      std::int64_t q = base;
      for (int k = 0; k < m_dim; ++k)
        if ((bits >> k) & 1) q += m_stride[k];
      corner[bits] = m_tensor[static_cast<std::size_t>(q)];
    }
    for (int k = m_dim - 1; k >= 0; --k) {  // collapse the highest bit: lerp along axis k
      const int half = 1 << k;
      for (int c = 0; c < half; ++c) corner[c] = (1.0 - t[k]) * corner[c] + t[k] * corner[c + half];
    }
    return corner[0];
  }

 private:
  const SparseGrid* m_grid;
  bool m_full;
  int m_dim;
  std::vector<double> m_surplus, m_tensor;
  std::vector<std::int64_t> m_position;
  std::int64_t m_cells[max_dimension] = {}, m_stride[max_dimension] = {};
};

}  // namespace hjb::sparse
