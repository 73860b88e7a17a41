// A grid axis: node coordinates, spacing and periodicity; uniform, or graded (nodes concentrated at
// the middle of the axis by a sinh map).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace hjb {

/// Nodes lo + i h. A non-periodic axis includes both ends (h = (hi - lo) / (n - 1)); a periodic
/// axis excludes hi, which is identified with lo (h = (hi - lo) / n).
///
/// A graded axis (grading b > 0, non-periodic only) places node i at
///     x_i = c + r sinh(b s_i) / sinh(b),   s_i = -1 + 2 i / (n - 1),   c = (lo + hi) / 2,  r = (hi - lo) /
///     2,
/// both ends included: the spacing at the middle is about b / sinh(b) times the uniform one, at the
/// ends about b cosh(b) / sinh(b) times (b = 2: 0.55 and 2.1). Values between nodes are interpolated
/// linearly in x within each cell, as on a uniform axis.
struct Axis {
  std::string name;
  double lo = 0.0, hi = 1.0;
  std::int64_t n = 2;
  bool periodic = false;
  double grading = 0.0;  ///< 0: uniform; b > 0: graded (non-periodic axes)

  bool graded() const { return grading > 0.0; }
  /// The uniform spacing (a graded axis: the mean spacing).
  double spacing() const { return (hi - lo) / static_cast<double>(periodic ? n : n - 1); }
  double coordinate(std::int64_t i) const {
    if (!graded()) return lo + static_cast<double>(i) * spacing();
    if (i <= 0) return lo;
    if (i >= n - 1) return hi;
    const double s = -1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(n - 1);
    return 0.5 * (lo + hi) + 0.5 * (hi - lo) * std::sinh(grading * s) / std::sinh(grading);
  }
  /// The continuous node index of x (x inside [lo, hi] on a graded axis): i + w for x in cell i.
  /// Uniform axes: (x - lo) / h; graded ones the inverse of the map above, whose cell is then
  /// corrected against the nodes so that coordinate(i) <= x < coordinate(i + 1).
  double index_of(double x) const {
    if (!graded()) return (x - lo) / spacing();
    const double r = 0.5 * (hi - lo),
                 s = std::asinh(std::sinh(grading) * (x - 0.5 * (lo + hi)) / r) / grading;
    return std::clamp(0.5 * (s + 1.0) * static_cast<double>(n - 1), 0.0, static_cast<double>(n - 1));
  }
  /// The smallest cell width (the middle one on a graded axis).
  double min_spacing() const {
    if (!graded()) return spacing();
    const std::int64_t mid = (n - 1) / 2;
    return coordinate(mid + 1) - coordinate(mid);
  }
};

}  // namespace hjb
