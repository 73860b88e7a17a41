// Multilinear interpolation on a uniform tensor grid: pointwise kernels, free of MPI and PETSc
// (used by the distributed interpolator, the semi-Lagrangian transitions and table readers).
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "grids/axis.hpp"
#include "grids/index.hpp"

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

/// The 2^D corners of the cell containing x and their multilinear weights: corner c has index
/// base + bits(c) (wrapped to 0 on periodic axes) and weight prod_a (bit_a ? w_a : 1 - w_a).
template <int D>
struct CellWeights {
  static constexpr int corners = 1 << D;
  std::array<Index<D>, corners> node;
  std::array<double, corners> weight;
};

template <int D>
CellWeights<D> cell_weights(const std::array<Axis, D>& axes, const std::array<double, D>& x) {
  Index<D> base;
  std::array<double, D> w;
  for (int a = 0; a < D; ++a) locate(axes[a], x[a], base[a], w[a]);
  CellWeights<D> cell;
  for (int c = 0; c < CellWeights<D>::corners; ++c) {
    Index<D> g = base;
    double weight = 1.0;
    for (int a = 0; a < D; ++a) {
      const bool up = (c >> a) & 1;
      g[a] += up;
      if (g[a] == axes[a].n) g[a] = 0;  // periodic wrap (locate keeps other axes inside)
      weight *= up ? w[a] : 1.0 - w[a];
    }
    cell.node[c] = g;
    cell.weight[c] = weight;
  }
  return cell;
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

/// Multilinear interpolation with the dimension known at run time (table readers): `values` is
/// row-major over `axes` (axis 0 slowest), x has axes.size() components; at most 16 axes.
inline double interpolate_table(const std::vector<Axis>& axes, const std::vector<double>& values,
                                const double* x) {
  const int d = static_cast<int>(axes.size());
  std::int64_t base[16];
  double w[16];
  for (int a = 0; a < d; ++a) locate(axes[a], x[a], base[a], w[a]);
  double sum = 0.0;
  for (int c = 0; c < (1 << d); ++c) {
    std::int64_t index = 0;
    double weight = 1.0;
    for (int a = 0; a < d; ++a) {
      const bool up = (c >> a) & 1;
      std::int64_t g = base[a] + up;
      if (g == axes[a].n) g = 0;  // periodic wrap (locate keeps other axes inside)
      index = index * axes[a].n + g;
      weight *= up ? w[a] : 1.0 - w[a];
    }
    if (weight != 0.0) sum += weight * values[static_cast<std::size_t>(index)];
  }
  return sum;
}

}  // namespace hjb
