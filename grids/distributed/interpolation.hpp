// Distributed multilinear interpolation on a tensor grid (the pointwise kernel: grids/multilinear.hpp).
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "grids/distributed/halo_exchange.hpp"
#include "grids/multilinear.hpp"

namespace hjb {

/// Interpolates a distributed grid function at points lying in cells whose lower corner this rank
/// owns; the other corners come from a full halo of width 1.
template <int D>
class GridInterpolator {
 public:
  explicit GridInterpolator(const TensorGrid<D>& grid)
      : m_grid(grid), m_halo(grid, 1, HaloShape::full), m_padded(m_halo.padded_count(), NAN) {}

  /// Collective: refreshes the local copy from v.
  void update(Vec v) { m_halo.exchange(v, m_padded.data()); }

  /// Whether x lies in a cell owned by this rank (each point of the domain has exactly one owner).
  bool owns(const std::array<double, D>& x) const {
    for (int a = 0; a < D; ++a) {
      std::int64_t i;
      double w;
      locate(m_grid.axis(a), x[a], i, w);
      const auto s = m_grid.owned_start()[a], e = m_grid.owned_extent()[a];
      if (i < s || i >= s + e) return false;
    }
    return true;
  }

  /// Pointwise, for points with owns(x).
  double operator()(const std::array<double, D>& x) const {
    return multilinear<D>(m_grid.axes(), x, [&](const Index<D>& g) {
      std::int64_t off = 0;
      for (int a = 0; a < D; ++a) off += (g[a] - m_grid.owned_start()[a] + 1) * m_halo.stride()[a];
      return m_padded[off];
    });
  }

 private:
  const TensorGrid<D>& m_grid;
  HaloExchange<D> m_halo;
  std::vector<double> m_padded;
};

}  // namespace hjb
