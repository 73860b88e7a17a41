// Multilinear interpolation on a tensor grid: a pointwise kernel and a distributed evaluator.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "grids/halo_exchange.hpp"

namespace hjb {

/// Cell and local coordinate of x along one axis: node index i and weight w in [0, 1] such that
/// x = (1 - w) x_i + w x_{i+1}. Periodic axes wrap x into [lo, hi) and may return i = n - 1 (its
/// right neighbour is node 0); other axes clamp x into [lo, hi].
inline void locate(const Axis& ax, double x, std::int64_t& i, double& w) {
  const double h = ax.spacing();
  double t = (x - ax.lo) / h;
  if (ax.periodic) {
    const double n = static_cast<double>(ax.n);
    t = t - n * std::floor(t / n);
    i = std::min<std::int64_t>(static_cast<std::int64_t>(t), ax.n - 1);
  } else {
    t = std::clamp(t, 0.0, static_cast<double>(ax.n - 1));
    i = std::min<std::int64_t>(static_cast<std::int64_t>(t), ax.n - 2);
  }
  w = t - static_cast<double>(i);
}

/// Multilinear interpolation: sum over the 2^D cell corners of prod(weights) * value(corner).
/// `value(g)` receives global indices where g_a may equal n on periodic axes (meaning node 0).
template <int D, class ValueAt>
double multilinear(const std::array<Axis, D>& axes, const std::array<double, D>& x, ValueAt&& value) {
  Index<D> base;
  std::array<double, D> w;
  for (int a = 0; a < D; ++a) locate(axes[a], x[a], base[a], w[a]);
  double sum = 0.0;
  for (int corner = 0; corner < (1 << D); ++corner) {
    Index<D> g = base;
    double weight = 1.0;
    for (int a = 0; a < D; ++a) {
      const bool up = (corner >> a) & 1;
      g[a] += up;
      weight *= up ? w[a] : 1.0 - w[a];
    }
    if (weight != 0.0) sum += weight * value(g);
  }
  return sum;
}

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
