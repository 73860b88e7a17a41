// Interpolation at a semi-Lagrangian foot point inside a padded block of grid values, pointwise
// (no MPI, no PETSc): multilinear over the 2^D corners of the foot's cell, or tensor-product cubic
// Lagrange over 4^D nodes limited to the corners' range (a cubic through a kink overshoots; the
// limiter keeps the scheme free of new extrema, as Bermejo & Staniforth's quasi-monotone
// semi-Lagrangian schemes do, and is inactive where V is smooth and the cubic stays inside).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

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

/// Four doubles as one vector (GCC/Clang vector extension: one AVX register, two SSE2 ones).
using Double4 = double __attribute__((vector_size(4 * sizeof(double))));

/// The 4 contiguous values at p - 1 .. p + 2 of the stencil's rows over the axes A .. D - 2 (the
/// last axis is contiguous), summed with the weights of those axes: a 4-wide vector per row, so a
/// cell costs 4^(D-1) vector multiply-adds; the last axis's weights are applied by the caller.
/// Inner: the rows pass through the foot's cell (offsets 0 or 1 on every axis so far), whose values
/// 1 and 2 are corners of the cell: they widen [lo, hi], the limiter's range.
template <int A, int D, bool Inner>
inline void cubic_rows(const double* p, const Index<D>& stride, const double (&w)[D][4], Double4& sum,
                       double& lo, double& hi) {
  if constexpr (A == D - 1) {
    std::memcpy(&sum, p - 1, sizeof(sum));
    if constexpr (Inner) {
      lo = std::min(lo, std::min(sum[1], sum[2]));
      hi = std::max(hi, std::max(sum[1], sum[2]));
    }
  } else {
    const std::int64_t s = stride[A];
    Double4 r0, r1, r2, r3;
    cubic_rows<A + 1, D, false>(p - s, stride, w, r0, lo, hi);
    cubic_rows<A + 1, D, Inner>(p, stride, w, r1, lo, hi);
    cubic_rows<A + 1, D, Inner>(p + s, stride, w, r2, lo, hi);
    cubic_rows<A + 1, D, false>(p + 2 * s, stride, w, r3, lo, hi);
    sum = (w[A][0] * r0 + w[A][1] * r1) + (w[A][2] * r2 + w[A][3] * r3);
  }
}

/// The tensor-product cubic at the cell with lower corner p (stride[D - 1] == 1), limited to the
/// range of the cell's 2^D corners.
template <int D>
inline double limited_cubic(const double* p, const Index<D>& stride, const double (&w)[D][4]) {
  double lo = p[0], hi = p[0];
  Double4 row;
  cubic_rows<0, D, true>(p, stride, w, row, lo, hi);
  const double v =
      (w[D - 1][0] * row[0] + w[D - 1][1] * row[1]) + (w[D - 1][2] * row[2] + w[D - 1][3] * row[3]);
  return std::clamp(v, lo, hi);
}

/// The multilinear value over the cell with lower corner p.
template <int A, int D>
inline double linear_sum(const double* p, const Index<D>& stride, const std::array<double, D>& t) {
  if constexpr (A == D) {
    return *p;
  } else {
    const double v0 = linear_sum<A + 1, D>(p, stride, t);
    const double v1 = linear_sum<A + 1, D>(p + stride[A], stride, t);
    return v0 + t[A] * (v1 - v0);
  }
}

}  // namespace detail

/// V at the foot from the padded values (the caller guarantees the stencil lies inside).
template <int D, bool Cubic>
inline double sl_interpolate(const double* padded, const Index<D>& stride, const SlFoot<D>& foot) {
  const double* p = padded + foot.base;
  if constexpr (!Cubic) {
    return detail::linear_sum<0, D>(p, stride, foot.fraction);
  } else {
    double w[D][4];
    for (int a = 0; a < D; ++a) detail::cubic_lagrange_weights(foot.fraction[a], w[a]);
    return detail::limited_cubic<D>(p, stride, w);
  }
}

}  // namespace hjb
