// Multilinear interpolation on a tensor grid (uniform or graded axes, grids/axis.hpp): pointwise kernels,
// free of MPI and PETSc (used by the distributed interpolator, the semi-Lagrangian transitions and table
// readers).
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "grids/axis.hpp"
#include "grids/index.hpp"

namespace hjb {

/// Cell and local coordinate of x along one axis: node index i and weight w in [0, 1] such that
/// x = (1 - w) x_i + w x_{i+1}. Periodic axes wrap x into [lo, hi) and may return i = n - 1 (its
/// right neighbour is node 0); other axes clamp x into [lo, hi]. h is the axis's uniform spacing,
/// ax.spacing(), computed by the caller once per axis (its division would otherwise lengthen the
/// dependency chain of every point of a loop); the overload below computes it.
inline void locate(const Axis& ax, double h, double x, std::int64_t& i, double& w) {
  if (ax.graded()) {  // non-periodic: the cell from the inverse map, checked against its nodes
    x = std::clamp(x, ax.lo, ax.hi);
    i = std::min<std::int64_t>(static_cast<std::int64_t>(ax.index_of(x)), ax.n - 2);
    while (i > 0 && x < ax.coordinate(i)) --i;
    while (i < ax.n - 2 && x >= ax.coordinate(i + 1)) ++i;
    const double left = ax.coordinate(i), right = ax.coordinate(i + 1);
    w = std::clamp((x - left) / (right - left), 0.0, 1.0);
    return;
  }
  double t = (x - ax.lo) / h;
  if (ax.periodic) {
    const double n = static_cast<double>(ax.n);
    // Inside [0, n - 1) floor(t / n) is 0: the wrap (a second division) changes nothing there.
    if (!(t >= 0.0 && t < n - 1.0)) t = t - n * std::floor(t / n);
    i = std::min<std::int64_t>(static_cast<std::int64_t>(t), ax.n - 1);
  } else {
    t = std::clamp(t, 0.0, static_cast<double>(ax.n - 1));
    i = std::min<std::int64_t>(static_cast<std::int64_t>(t), ax.n - 2);
  }
  w = t - static_cast<double>(i);
}

inline void locate(const Axis& ax, double x, std::int64_t& i, double& w) {
  locate(ax, ax.spacing(), x, i, w);
}

/// locate for `count` points of one axis at once, bit for bit the i and w that locate gives each
/// (i as int: the chains' transition build, whose axes have fewer than 2^31 nodes). Vectorised and
/// cloned per instruction set (grids/multilinear.cpp). A point locate cannot place (NaN, or an
/// infinite coordinate on a periodic axis: w is NaN) gets cell 0 instead of locate's int64 minimum,
/// so a chain reading it stays inside its grid; the transition's Q-value is NaN, which a Bellman
/// sweep never chooses (a node whose every action is NaN is named as non-finite).
void locate_many(const Axis& ax, double h, const double* x, std::int64_t count, int* i, double* w);

/// The 2^D corners of the cell containing x and their multilinear weights: corner c has index
/// base + bits(c) (wrapped to 0 on periodic axes) and weight prod_a (bit_a ? w_a : 1 - w_a).
template <int D>
struct CellWeights {
  static constexpr int corners = 1 << D;
  std::array<Index<D>, corners> node;
  std::array<double, corners> weight;
  std::array<double, D> fraction;  ///< the local coordinate w_a of x in the cell, per axis
};

/// Corner c of the cell whose first corner is `base` (as located by `locate`): base + bits(c),
/// wrapped to 0 on periodic axes (locate keeps the other axes inside).
template <int D>
Index<D> cell_corner(const std::array<Axis, D>& axes, const Index<D>& base, int c) {
  Index<D> g = base;
  for (int a = 0; a < D; ++a) {
    g[a] += (c >> a) & 1;
    if (g[a] == axes[a].n) g[a] = 0;
  }
  return g;
}

template <int D>
CellWeights<D> cell_weights(const std::array<Axis, D>& axes, const std::array<double, D>& x) {
  Index<D> base;
  std::array<double, D> w;
  for (int a = 0; a < D; ++a) locate(axes[a], x[a], base[a], w[a]);
  CellWeights<D> cell;
  cell.fraction = w;
  for (int c = 0; c < CellWeights<D>::corners; ++c) {
    double weight = 1.0;
    for (int a = 0; a < D; ++a) weight *= ((c >> a) & 1) ? w[a] : 1.0 - w[a];
    cell.node[c] = cell_corner<D>(axes, base, c);
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

/// Weights q_i of the nodes of one axis such that the mean of the piecewise-linear interpolant
/// sum_i v_i phi_i(x) over x uniform on [lo, hi] is sum_i q_i v_i, exactly (hat functions integrated
/// cell by cell); lo == hi gives the point evaluation at lo. Periodic axes wrap (hi - lo at most
/// one period); on other axes [lo, hi] must lie inside the axis. Returns false (and no weights)
/// when it does not.
inline bool uniform_mean_weights(const Axis& ax, double lo, double hi, std::vector<double>& q) {
  q.assign(static_cast<std::size_t>(ax.n), 0.0);
  const double h = ax.spacing(), slack = 1e-12 * (ax.hi - ax.lo);
  if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi)) return false;
  if (ax.periodic ? hi - lo > (ax.hi - ax.lo) + slack : lo < ax.lo - slack || hi > ax.hi + slack)
    return false;
  if (!ax.periodic) {
    lo = std::clamp(lo, ax.lo, ax.hi);
    hi = std::clamp(hi, ax.lo, ax.hi);
  }
  auto node = [&](std::int64_t c) {
    if (!ax.periodic) return std::min(c, ax.n - 1);
    return ((c % ax.n) + ax.n) % ax.n;
  };
  if (hi == lo) {
    std::int64_t i;
    double w;
    locate(ax, lo, i, w);
    q[static_cast<std::size_t>(node(i))] += 1.0 - w;
    q[static_cast<std::size_t>(node(i + 1))] += w;
    return true;
  }
  // Cell c = [left, left + width]: with u the local coordinate, the hat functions are 1 - u and u.
  const auto add_cell = [&](std::int64_t c, double left, double width) {
    const double u0 = std::clamp((lo - left) / width, 0.0, 1.0),
                 u1 = std::clamp((hi - left) / width, 0.0, 1.0);
    if (u1 <= u0) return;
    const double up = 0.5 * (u1 * u1 - u0 * u0);  // integral of u over [u0, u1]
    q[static_cast<std::size_t>(node(c))] += width * ((u1 - u0) - up) / (hi - lo);
    q[static_cast<std::size_t>(node(c + 1))] += width * up / (hi - lo);
  };
  if (ax.graded()) {
    for (std::int64_t c = 0; c + 1 < ax.n; ++c)
      add_cell(c, ax.coordinate(c), ax.coordinate(c + 1) - ax.coordinate(c));
    return true;
  }
  const auto first = static_cast<std::int64_t>(std::floor((lo - ax.lo) / h));
  const auto last = static_cast<std::int64_t>(std::ceil((hi - ax.lo) / h));
  for (std::int64_t c = first; c < last; ++c) add_cell(c, ax.lo + static_cast<double>(c) * h, h);
  return true;
}

/// The mean of the multilinear interpolant of `values` (row-major over `axes`) for x uniform on
/// the box [lo, hi] (point masses on axes where lo == hi), exactly. Throws std::invalid_argument
/// naming the axis when the box leaves a non-periodic axis.
inline double uniform_box_mean(const std::vector<Axis>& axes, const std::vector<double>& values,
                               const std::vector<double>& lo, const std::vector<double>& hi) {
  const std::size_t d = axes.size();
  std::vector<std::vector<double>> q(d);
  for (std::size_t a = 0; a < d; ++a)
    if (!uniform_mean_weights(axes[a], lo[a], hi[a], q[a]))
      throw std::invalid_argument("the interval [" + std::to_string(lo[a]) + ", " + std::to_string(hi[a]) +
                                  "] leaves axis '" + axes[a].name + "' [" + std::to_string(axes[a].lo) +
                                  ", " + std::to_string(axes[a].hi) + "]");
  double sum = 0.0;
  std::vector<std::int64_t> index(d, 0);
  for (std::size_t flat = 0; flat < values.size(); ++flat) {
    double w = 1.0;
    for (std::size_t a = 0; a < d && w != 0.0; ++a) w *= q[a][static_cast<std::size_t>(index[a])];
    if (w != 0.0) sum += w * values[flat];
    for (std::size_t a = d; a-- > 0;) {  // row-major: the last axis fastest
      if (++index[a] < axes[a].n) break;
      index[a] = 0;
    }
  }
  return sum;
}

}  // namespace hjb
