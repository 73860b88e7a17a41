// Interpolation at a semi-Lagrangian foot point inside a padded block of grid values, pointwise
// (no MPI, no PETSc): multilinear over the 2^D corners of the foot's cell, or tensor-product cubic
// Lagrange over 4^D nodes limited to the corners' range (a cubic through a kink overshoots; the
// limiter keeps the scheme free of new extrema, as Bermejo & Staniforth's quasi-monotone
// semi-Lagrangian schemes do, and is inactive where V is smooth and the cubic stays inside).
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "grids/index.hpp"

namespace hjb {

/// A foot point: the offset of its cell's lower corner in the padded block relative to its node's
/// own position, and its fractions in [0, 1) per axis as 31-bit fixed point (steps of 2^-31 of a
/// cell, far below the scheme's O(dt) + O(h^4 / dt) error; signed, so four convert to double in
/// one packed instruction). 16 bytes in 3-D instead of 32 with an int64 offset and double
/// fractions: the solver caches every node's feet for every candidate pair (Air3D: 4 per node, 64
/// bytes, eight times the value itself), so this halves the largest array of a semi-Lagrangian run
/// (Air3D 101^3 on 1 rank: peak 198 -> 135 MB; the table within 3e-9 mean, 1e-5 max).
template <int D>
struct SlFoot {
  std::int32_t offset = 0;
  std::array<std::int32_t, D> fixed{};

  double fraction(int a) const { return static_cast<double>(fixed[a]) * 0x1p-31; }
  /// t in [0, 1), rounded to the nearest step below 1.
  void set_fraction(int a, double t) {
    const double scaled = std::nearbyint(t * 0x1p31);
    fixed[a] = scaled >= 0x1p31 ? 0x7fffffff : scaled <= 0.0 ? 0 : static_cast<std::int32_t>(scaled);
  }
};

namespace detail {

/// Four doubles as one vector (GCC/Clang vector extension: one AVX register, two SSE2 ones).
using Double4 = double __attribute__((vector_size(4 * sizeof(double))));
using Int4 = std::int32_t __attribute__((vector_size(4 * sizeof(std::int32_t))));

/// The Lagrange weights of the nodes -1, 0, 1, 2 at the foot's fraction along every axis, four
/// axes at a time: w[a][k] for node k - 1 along axis a.
template <int D>
inline void cubic_lagrange_weights(const SlFoot<D>& foot, double (&w)[D][4]) {
  for (int a0 = 0; a0 < D; a0 += 4) {
    Int4 fixed{};
    for (int k = 0; k < 4 && a0 + k < D; ++k) fixed[k] = foot.fixed[a0 + k];
    const Double4 t = __builtin_convertvector(fixed, Double4) * 0x1p-31;
    const Double4 tp = t + 1.0, tm = t - 1.0, t2 = t - 2.0;
    const Double4 w0 = -t * tm * t2 * (1.0 / 6.0), w1 = tp * tm * t2 * 0.5, w2 = -tp * t * t2 * 0.5,
                  w3 = tp * t * tm * (1.0 / 6.0);
    for (int k = 0; k < 4 && a0 + k < D; ++k) {
      w[a0 + k][0] = w0[k];
      w[a0 + k][1] = w1[k];
      w[a0 + k][2] = w2[k];
      w[a0 + k][3] = w3[k];
    }
  }
}

/// The 4 contiguous values at p - 1 .. p + 2 of the stencil's rows over the axes A .. D - 2 (the
/// last axis is contiguous), summed with the weights of those axes: a 4-wide vector per row, so a
/// cell costs 4^(D-1) vector multiply-adds; the last axis's weights are applied by the caller.
/// Inner: the rows pass through the foot's cell (offsets 0 or 1 on every axis so far), whose values
/// 1 and 2 are corners of the cell: lanes 1 and 2 of [lo, hi] (elementwise over the inner rows)
/// give the limiter's range.
template <int A, int D, bool Inner>
inline void cubic_rows(const double* p, const Index<D>& stride, const double (&w)[D][4], Double4& sum,
                       Double4& lo, Double4& hi) {
  if constexpr (A == D - 1) {
    std::memcpy(&sum, p - 1, sizeof(sum));
    if constexpr (Inner) {
      lo = sum < lo ? sum : lo;
      hi = hi < sum ? sum : hi;
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
  const double inf = std::numeric_limits<double>::infinity();
  Double4 row, lo{inf, inf, inf, inf}, hi{-inf, -inf, -inf, -inf};
  cubic_rows<0, D, true>(p, stride, w, row, lo, hi);
  const double v =
      (w[D - 1][0] * row[0] + w[D - 1][1] * row[1]) + (w[D - 1][2] * row[2] + w[D - 1][3] * row[3]);
  return std::clamp(v, std::min(lo[1], lo[2]), std::max(hi[1], hi[2]));
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

/// V at the foot from the padded values; `node` points at the foot's node in the padded block (the
/// caller guarantees the stencil lies inside).
template <int D, bool Cubic>
inline double sl_interpolate(const double* node, const Index<D>& stride, const SlFoot<D>& foot) {
  const double* p = node + foot.offset;
  if constexpr (!Cubic) {
    std::array<double, D> t;
    for (int a = 0; a < D; ++a) t[a] = foot.fraction(a);
    return detail::linear_sum<0, D>(p, stride, t);
  } else {
    double w[D][4];
    detail::cubic_lagrange_weights(foot, w);
    return detail::limited_cubic<D>(p, stride, w);
  }
}

}  // namespace hjb
