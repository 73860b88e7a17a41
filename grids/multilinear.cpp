#include "grids/multilinear.hpp"

#include "core/multiversion.hpp"

namespace hjb {

// Written for the vectoriser (CMakeLists.txt compiles this file with -fno-trapping-math, without
// which GCC neither vectorises floor nor evaluates both sides of a select; no value changes): the
// periodic wrap is formed for every point and selected where locate forms it (outside [0, n - 1)),
// the cell index is converted through int (exact: after the wrap or clamp t lies in [0, n]), and
// `odd` counts the points whose t is not there — a non-finite foot, or one so far out that the
// wrap rounds outside — which are then located again by locate itself, as every point of a graded axis is.
HJB_HOT void locate_many(const Axis& ax, double h, const double* __restrict x, std::int64_t count,
                         int* __restrict i, double* __restrict w) {
  if (!ax.graded()) {  // a graded axis: every point by locate (below)
    const double lo = ax.lo, n = static_cast<double>(ax.n);
    const int last = static_cast<int>(ax.periodic ? ax.n - 1 : ax.n - 2), points = static_cast<int>(count);
    int odd = 0;
    if (ax.periodic) {
      for (int k = 0; k < points; ++k) {
        const double t0 = (x[k] - lo) / h, wrapped = t0 - n * std::floor(t0 / n);
        const double t = t0 >= 0.0 && t0 < n - 1.0 ? t0 : wrapped;
        const bool inside = t >= 0.0 && t <= n;
        odd += inside ? 0 : 1;
        int c = static_cast<int>(inside ? t : 0.0);
        c = c < last ? c : last;
        i[k] = c;
        w[k] = t - static_cast<double>(c);
      }
    } else {
      for (int k = 0; k < points; ++k) {
        const double t0 = (x[k] - lo) / h;
        const double t = std::clamp(t0, 0.0, n - 1.0);
        const bool inside = t >= 0.0 && t <= n;  // false only for NaN
        odd += inside ? 0 : 1;
        int c = static_cast<int>(inside ? t : 0.0);
        c = c < last ? c : last;
        i[k] = c;
        w[k] = t - static_cast<double>(c);
      }
    }
    if (odd == 0) return;
  }
  for (std::int64_t k = 0; k < count; ++k) {
    std::int64_t c = 0;
    locate(ax, h, x[k], c, w[k]);
    i[k] = static_cast<int>(c);
  }
}

}  // namespace hjb
