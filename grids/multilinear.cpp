#include "grids/multilinear.hpp"

#include "core/multiversion.hpp"

namespace hjb {

namespace {

/// The cell and fraction at t (in nodes from lo, after the wrap or clamp) as locate forms them;
/// 1 where t is outside [0, n] (then locate must place the point).
inline int place(double t, double n, int last, int& i, double& w) {
  const bool inside = t >= 0.0 && t <= n;  // false for NaN
  int c = static_cast<int>(inside ? t : 0.0);
  c = c < last ? c : last;
  i = c;
  w = t - static_cast<double>(c);
  return inside ? 0 : 1;
}

void locate_each(const Axis& ax, double h, const double* x, std::int64_t count, int* i, double* w) {
  for (std::int64_t k = 0; k < count; ++k) {
    std::int64_t c = 0;
    locate(ax, h, x[k], c, w[k]);
    i[k] = static_cast<int>(c);
  }
}

}  // namespace

// Written for the vectoriser (CMakeLists.txt compiles this file with -fno-trapping-math, without
// which GCC neither vectorises floor nor evaluates both sides of a select; no value changes): the
// periodic wrap is formed for every point and selected where locate forms it (outside [0, n - 1)),
// the cell index is converted through int (exact: after the wrap or clamp t lies in [0, n]), and
// `odd` counts the points whose t is not there — a non-finite foot, or one so far out that the
// wrap rounds outside — which are then located again by locate itself (locate_each), as every point of a
// graded axis is.
HJB_HOT void locate_many(const Axis& ax, double h, const double* __restrict x, std::int64_t count,
                         int* __restrict i, double* __restrict w) {
  if (ax.graded()) return locate_each(ax, h, x, count, i, w);
  const double lo = ax.lo, n = static_cast<double>(ax.n);
  const int last = static_cast<int>(ax.periodic ? ax.n - 1 : ax.n - 2), points = static_cast<int>(count);
  int odd = 0;
  if (ax.periodic) {
    for (int k = 0; k < points; ++k) {
      const double t0 = (x[k] - lo) / h, wrapped = t0 - n * std::floor(t0 / n);
      odd += place(t0 >= 0.0 && t0 < n - 1.0 ? t0 : wrapped, n, last, i[k], w[k]);
    }
  } else {
    for (int k = 0; k < points; ++k)
      odd += place(std::clamp((x[k] - lo) / h, 0.0, n - 1.0), n, last, i[k], w[k]);
  }
  if (odd != 0) locate_each(ax, h, x, count, i, w);
}

}  // namespace hjb
