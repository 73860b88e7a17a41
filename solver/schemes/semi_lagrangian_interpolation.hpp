// Interpolation at a semi-Lagrangian foot point inside a padded block of grid values, pointwise
// (no MPI, no PETSc): multilinear over the 2^D corners of the foot's cell, or tensor-product cubic
// Lagrange over 4^D nodes limited to the corners' range (a cubic through a kink overshoots; the
// limiter keeps the scheme free of new extrema, as Bermejo & Staniforth's quasi-monotone
// semi-Lagrangian schemes do, and is inactive where V is smooth and the cubic stays inside).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "grids/index.hpp"

namespace hjb {

/// A foot point: the padded offset of its cell's lower corner and its fractions in [0, 1) per axis.
template <int D>
struct SlFoot {
  std::int64_t base = 0;
  std::array<double, D> fraction{};
};

namespace detail {

/// Lagrange weights of the nodes -1, 0, 1, 2 at t in [0, 1).
inline void cubic_lagrange_weights(double t, double* w) {
  const double tp = t + 1.0, tm = t - 1.0, t2 = t - 2.0;
  w[0] = -t * tm * t2 * (1.0 / 6.0);
  w[1] = tp * tm * t2 * 0.5;
  w[2] = -tp * t * t2 * 0.5;
  w[3] = tp * t * tm * (1.0 / 6.0);
}

template <int A, int D>
inline double cubic_sum(const double* p, const Index<D>& stride, const double (&w)[D][4]) {
  if constexpr (A == D) {
    return *p;
  } else {
    const std::int64_t s = stride[A];
    return w[A][0] * cubic_sum<A + 1, D>(p - s, stride, w) + w[A][1] * cubic_sum<A + 1, D>(p, stride, w) +
           w[A][2] * cubic_sum<A + 1, D>(p + s, stride, w) +
           w[A][3] * cubic_sum<A + 1, D>(p + 2 * s, stride, w);
  }
}

/// The multilinear value and the corners' range.
template <int A, int D>
inline double linear_sum(const double* p, const Index<D>& stride, const std::array<double, D>& t, double& lo,
                         double& hi) {
  if constexpr (A == D) {
    lo = std::min(lo, *p);
    hi = std::max(hi, *p);
    return *p;
  } else {
    const double v0 = linear_sum<A + 1, D>(p, stride, t, lo, hi);
    const double v1 = linear_sum<A + 1, D>(p + stride[A], stride, t, lo, hi);
    return v0 + t[A] * (v1 - v0);
  }
}

}  // namespace detail

/// V at the foot from the padded values (the caller guarantees the stencil lies inside).
template <int D, bool Cubic>
inline double sl_interpolate(const double* padded, const Index<D>& stride, const SlFoot<D>& foot) {
  const double* p = padded + foot.base;
  double lo = padded[foot.base], hi = lo;
  const double linear = detail::linear_sum<0, D>(p, stride, foot.fraction, lo, hi);
  if constexpr (!Cubic) {
    return linear;
  } else {
    double w[D][4];
    for (int a = 0; a < D; ++a) detail::cubic_lagrange_weights(foot.fraction[a], w[a]);
    return std::clamp(detail::cubic_sum<0, D>(p, stride, w), lo, hi);
  }
}

}  // namespace hjb
