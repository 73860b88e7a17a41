// One-sided (upwind) first-derivative approximations: first order, ENO2, WENO3, WENO5.
// Pointwise kernels with no MPI; the row kernels below vectorise over a contiguous row.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace hjb {

enum class DerivativeScheme { upwind1, eno2, weno3, weno5 };

/// Ghost nodes needed on each side of a node.
constexpr int stencil_half_width(DerivativeScheme s) {
  return s == DerivativeScheme::upwind1 ? 1 : (s == DerivativeScheme::weno5 ? 3 : 2);
}

/// Formal order of accuracy on smooth data.
constexpr int formal_order(DerivativeScheme s) {
  switch (s) {
    case DerivativeScheme::upwind1:
      return 1;
    case DerivativeScheme::eno2:
      return 2;
    case DerivativeScheme::weno3:
      return 3;
    case DerivativeScheme::weno5:
      return 5;
  }
  return 0;
}

namespace kernels {

/// Regulariser of the WENO smoothness indicators (on divided differences, as hj_reachability).
inline constexpr double weno_epsilon = 1e-6;

/// Second-order ENO correction (Osher & Shu 1991): of two undivided second differences, the one
/// of smaller magnitude (the smoother stencil); ties take the first.
inline double min_abs(double a, double b) { return std::abs(a) <= std::abs(b) ? a : b; }

/// WENO3 from divided differences d1 = D-v_{i-1}, d2 = D-v_i, d3 = D+v_i (left-biased); the right
/// derivative uses the mirrored arguments (d1 = D+v_{i+1}, d2 = D+v_i, d3 = D-v_i).
inline double weno3(double d1, double d2, double d3) {
  const double p0 = -0.5 * d1 + 1.5 * d2, p1 = 0.5 * d2 + 0.5 * d3;
  const double s0 = (d2 - d1) * (d2 - d1), s1 = (d3 - d2) * (d3 - d2);
  // Weights (1/3)/q0 and (2/3)/q1 with q = (s + eps)^2, both multiplied by q0 q1: one division.
  const double q0 = (s0 + weno_epsilon) * (s0 + weno_epsilon), q1 = (s1 + weno_epsilon) * (s1 + weno_epsilon);
  const double b0 = (1.0 / 3.0) * q1, b1 = (2.0 / 3.0) * q0;
  return (b0 * p0 + b1 * p1) / (b0 + b1);
}

/// The three substencil estimates of WENO5 combined, given the squared regularised smoothness
/// indicators q_k = (s_k + eps)^2 (weno5 below forms them; the contiguous-axis kernel shares them
/// between neighbouring nodes). Weights 0.1/q0, 0.6/q1, 0.3/q2, all multiplied by q0 q1 q2 so that
/// one division remains (four before: the divider was the kernel's bottleneck). The products stay
/// finite for divided differences below ~1e38; beyond, the result is NaN and the solver's
/// finiteness guard stops the run.
inline double weno5_combine(double v1, double v2, double v3, double v4, double v5, double q0, double q1,
                            double q2) {
  // Coefficients as products (x / 3.0 would be a division: the compiler may not replace it).
  constexpr double third = 1.0 / 3.0, sixth = 1.0 / 6.0;
  const double p0 = third * v1 - 7.0 / 6.0 * v2 + 11.0 / 6.0 * v3;
  const double p1 = -sixth * v2 + 5.0 / 6.0 * v3 + third * v4;
  const double p2 = third * v3 + 5.0 / 6.0 * v4 - sixth * v5;
  const double b0 = 0.1 * (q1 * q2), b1 = 0.6 * (q0 * q2), b2 = 0.3 * (q0 * q1);
  return (b0 * p0 + b1 * p1 + b2 * p2) / (b0 + b1 + b2);
}

/// The smoothness indicators of the three-difference window (a, b, c) = (D_{t-1}, D_t, D_{t+1}),
/// squared and regularised: WENO5's left-biased s0 on it (`first`), its central s1 (`middle`) and
/// its s2 (`last`). All three share the curvature term 13/12 (a - 2b + c)^2.
struct Weno5Indicators {
  double first, middle, last;
};
inline Weno5Indicators weno5_indicators(double a, double b, double c) {
  const double curvature = 13.0 / 12.0 * (a - 2 * b + c) * (a - 2 * b + c);
  const double s0 = curvature + 0.25 * (a - 4 * b + 3 * c) * (a - 4 * b + 3 * c);
  const double s1 = curvature + 0.25 * (a - c) * (a - c);
  const double s2 = curvature + 0.25 * (3 * a - 4 * b + c) * (3 * a - 4 * b + c);
  return {(s0 + weno_epsilon) * (s0 + weno_epsilon), (s1 + weno_epsilon) * (s1 + weno_epsilon),
          (s2 + weno_epsilon) * (s2 + weno_epsilon)};
}

/// WENO5 of Jiang & Peng (2000), in Osher & Fedkiw's notation: v1..v5 are the divided differences
/// D-phi_{i-2}, D-phi_{i-1}, D-phi_i, D+phi_i, D+phi_{i+1} for the left derivative (mirrored for the
/// right). Three third-order substencil estimates combined with weights 0.1, 0.6, 0.3 scaled by
/// their smoothness indicators.
inline double weno5(double v1, double v2, double v3, double v4, double v5) {
  return weno5_combine(v1, v2, v3, v4, v5, weno5_indicators(v1, v2, v3).first,
                       weno5_indicators(v2, v3, v4).middle, weno5_indicators(v3, v4, v5).last);
}

/// Left and right WENO5 derivatives along the contiguous axis (stride 1) for `count` nodes: the
/// window of three differences centred at node t gives the left derivative of t - 1, t, t + 1 and
/// the right one of t - 2, t - 1, t one indicator each, so every window's indicators are formed
/// once, not six times (one_sided_derivatives, per node). The left derivatives are bit-identical to
/// the per-node form; a right one sums its mirrored windows' curvature in the other order
/// (rounding: relative 4e-16 in tests/unit/test_upwind_derivatives.cpp). Blocks of 256 nodes on the stack.
inline void weno5_contiguous(const double* __restrict v, std::int64_t count, double inv_h,
                             double* __restrict left, double* __restrict right) {
  constexpr std::int64_t block = 256;
  // d[t + 2] = D-phi_t for t in [-2, m + 3); window centred at t in [-1, m + 2) at index t + 1.
  double d[block + 5], first[block + 3], middle[block + 3], last[block + 3];
  for (std::int64_t j0 = 0; j0 < count; j0 += block) {
    const std::int64_t m = count - j0 < block ? count - j0 : block;
    const double* c = v + j0;
#pragma GCC ivdep
    for (std::int64_t t = -2; t < m + 3; ++t) d[t + 2] = (c[t] - c[t - 1]) * inv_h;
#pragma GCC ivdep
    for (std::int64_t t = -1; t < m + 2; ++t) {
      const Weno5Indicators w = weno5_indicators(d[t + 1], d[t + 2], d[t + 3]);
      first[t + 1] = w.first;
      middle[t + 1] = w.middle;
      last[t + 1] = w.last;
    }
#pragma GCC ivdep
    for (std::int64_t j = 0; j < m; ++j) {
      const double* D = d + j + 2;  // D[k] = D-phi_{j + k}
      left[j0 + j] = weno5_combine(D[-2], D[-1], D[0], D[1], D[2], first[j], middle[j + 1], last[j + 2]);
      // Mirrored: the windows centred at j + 2, j + 1, j read backwards (s0 <-> s2).
      right[j0 + j] = weno5_combine(D[3], D[2], D[1], D[0], D[-1], last[j + 3], middle[j + 2], first[j + 1]);
    }
  }
}

/// Doubles of scratch weno5_rows needs for `rows` rows of `count` nodes.
constexpr std::int64_t weno5_rows_scratch(std::int64_t count, std::int64_t rows) {
  return count * (4 * rows + 14);
}

/// Left and right WENO5 derivatives along a strided axis (stride s) for `rows` consecutive rows of
/// `count` contiguous nodes (row r at v + r s; its results at left + r count): weno5_contiguous with
/// each position a whole row, so a window's indicators are formed once per row (vectorised along
/// it), not six times per node. Bit for bit as weno5_contiguous on the same values (left
/// derivatives as the per-node form, right ones to rounding). `scratch`: weno5_rows_scratch doubles.
inline void weno5_rows(const double* __restrict v, std::ptrdiff_t s, std::int64_t count, std::int64_t rows,
                       double inv_h, double* __restrict left, double* __restrict right,
                       double* __restrict scratch) {
  // d row t + 2 = D-phi of position t for t in [-2, rows + 3); window centred at t in [-1, rows + 2)
  // at row t + 1 of first, middle, last.
  double* __restrict d = scratch;
  double* __restrict first = d + (rows + 5) * count;
  double* __restrict middle = first + (rows + 3) * count;
  double* __restrict last = middle + (rows + 3) * count;
  for (std::int64_t t = -2; t < rows + 3; ++t) {
    const double* c = v + t * s;
    double* out = d + (t + 2) * count;
#pragma GCC ivdep
    for (std::int64_t j = 0; j < count; ++j) out[j] = (c[j] - c[j - s]) * inv_h;
  }
  for (std::int64_t t = -1; t < rows + 2; ++t) {
    const double *a = d + (t + 1) * count, *b = a + count, *c = b + count;
    const std::int64_t o = (t + 1) * count;
#pragma GCC ivdep
    for (std::int64_t j = 0; j < count; ++j) {
      const Weno5Indicators w = weno5_indicators(a[j], b[j], c[j]);
      first[o + j] = w.first;
      middle[o + j] = w.middle;
      last[o + j] = w.last;
    }
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* D = d + (r + 2) * count;  // D[k count + j] = D-phi at position r + k
    const std::int64_t n = count;
    double* __restrict l = left + r * count;
    double* __restrict rr = right + r * count;
#pragma GCC ivdep
    for (std::int64_t j = 0; j < count; ++j) {
      l[j] = weno5_combine(D[j - 2 * n], D[j - n], D[j], D[j + n], D[j + 2 * n], first[r * n + j],
                           middle[(r + 1) * n + j], last[(r + 2) * n + j]);
      rr[j] = weno5_combine(D[j + 3 * n], D[j + 2 * n], D[j + n], D[j], D[j - n], last[(r + 3) * n + j],
                            middle[(r + 2) * n + j], first[(r + 1) * n + j]);
    }
  }
}

/// Left and right derivatives along a stride-`s` axis for `count` consecutive nodes v[0..count).
/// Reads v[j + k s] for |k| <= stencil_half_width(S).
template <DerivativeScheme S>
inline void one_sided_derivatives(const double* __restrict v, std::ptrdiff_t s, std::int64_t count,
                                  double inv_h, double* __restrict left, double* __restrict right) {
  if constexpr (S == DerivativeScheme::weno5)
    if (s == 1) return weno5_contiguous(v, count, inv_h, left, right);
#pragma GCC ivdep
  for (std::int64_t j = 0; j < count; ++j) {
    const double* c = v + j;
    if constexpr (S == DerivativeScheme::upwind1) {
      left[j] = (c[0] - c[-s]) * inv_h;
      right[j] = (c[s] - c[0]) * inv_h;
    } else if constexpr (S == DerivativeScheme::eno2) {
      const double dm2 = c[0] - 2 * c[-s] + c[-2 * s], d0 = c[s] - 2 * c[0] + c[-s],
                   dp2 = c[2 * s] - 2 * c[s] + c[0];
      left[j] = (c[0] - c[-s] + 0.5 * min_abs(dm2, d0)) * inv_h;
      right[j] = (c[s] - c[0] - 0.5 * min_abs(d0, dp2)) * inv_h;
    } else if constexpr (S == DerivativeScheme::weno3) {
      const double dm2 = (c[-s] - c[-2 * s]) * inv_h, dm1 = (c[0] - c[-s]) * inv_h,
                   dp1 = (c[s] - c[0]) * inv_h, dp2 = (c[2 * s] - c[s]) * inv_h;
      left[j] = weno3(dm2, dm1, dp1);
      right[j] = weno3(dp2, dp1, dm1);
    } else {
      const double dm3 = (c[-2 * s] - c[-3 * s]) * inv_h, dm2 = (c[-s] - c[-2 * s]) * inv_h,
                   dm1 = (c[0] - c[-s]) * inv_h, dp1 = (c[s] - c[0]) * inv_h, dp2 = (c[2 * s] - c[s]) * inv_h,
                   dp3 = (c[3 * s] - c[2 * s]) * inv_h;
      left[j] = weno5(dm3, dm2, dm1, dp1, dp2);
      right[j] = weno5(dp3, dp2, dp1, dm1, dm2);
    }
  }
}

}  // namespace kernels
}  // namespace hjb
