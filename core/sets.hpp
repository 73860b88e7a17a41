// Control and disturbance sets (box, Euclidean ball, finite set) and the support function over them.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace hjb {

template <int M>
using Point = std::array<double, M>;

/// Whether a player maximises or minimises the value.
enum class Optimize { maximize, minimize };
inline Optimize opposite(Optimize o) {
  return o == Optimize::maximize ? Optimize::minimize : Optimize::maximize;
}

/// The optimum of the linear function c·a over a set, and the argument attaining it.
template <int M>
struct Extremum {
  double value;
  Point<M> argument;
};

/// Axis-aligned box lo <= a <= hi. Linear functions attain their optimum at a vertex:
/// max_a c·a = sum_j (c_j >= 0 ? c_j hi_j : c_j lo_j).
template <int M>
struct Box {
  Point<M> lo{}, hi{};

  Extremum<M> extremum(const Point<M>& c, Optimize mode) const {
    Extremum<M> e{0.0, {}};
    const bool maximize = mode == Optimize::maximize;
    for (int j = 0; j < M; ++j) {
      // The upper end when it raises c.a for a maximiser, lowers it for a minimiser (written
      // without a branch on the mode, so that loops over nodes calling it vectorise).
      const bool take_hi = (c[j] >= 0.0) == maximize;
      e.argument[j] = take_hi ? hi[j] : lo[j];
      e.value += c[j] * e.argument[j];
    }
    return e;
  }
  /// max_a |a_j|, used in the Lax–Friedrichs dissipation bound.
  Point<M> max_magnitudes() const {
    Point<M> m{};
    for (int j = 0; j < M; ++j) m[j] = std::max(std::abs(lo[j]), std::abs(hi[j]));
    return m;
  }
};

/// Ball |a - center| <= radius: max_a c·a = c·center + radius |c|.
template <int M>
struct Ball {
  Point<M> center{};
  double radius = 1.0;

  Extremum<M> extremum(const Point<M>& c, Optimize mode) const {
    double norm2 = 0.0, dot = 0.0;
    for (int j = 0; j < M; ++j) {
      norm2 += c[j] * c[j];
      dot += c[j] * center[j];
    }
    const double norm = std::sqrt(norm2);
    const double sign = (mode == Optimize::maximize) ? 1.0 : -1.0;
    Extremum<M> e{dot + sign * radius * norm, center};
    if (norm > 0.0)
      for (int j = 0; j < M; ++j) e.argument[j] += sign * radius * c[j] / norm;
    return e;
  }
  Point<M> max_magnitudes() const {
    Point<M> m{};
    for (int j = 0; j < M; ++j) m[j] = std::abs(center[j]) + radius;
    return m;
  }
};

/// A finite set of points (e.g. bang-bang controls); the optimum is found by enumeration,
/// ties broken by the first point listed so the result is deterministic.
template <int M>
struct FiniteSet {
  std::vector<Point<M>> points;

  Extremum<M> extremum(const Point<M>& c, Optimize mode) const {
    Extremum<M> best{mode == Optimize::maximize ? -INFINITY : INFINITY, {}};
    for (const auto& a : points) {
      double v = 0.0;
      for (int j = 0; j < M; ++j) v += c[j] * a[j];
      if ((mode == Optimize::maximize && v > best.value) || (mode == Optimize::minimize && v < best.value))
        best = {v, a};
    }
    return best;
  }
  Point<M> max_magnitudes() const {
    Point<M> m{};
    for (const auto& a : points)
      for (int j = 0; j < M; ++j) m[j] = std::max(m[j], std::abs(a[j]));
    return m;
  }
};

/// Box-constrained quadratic control cost: the input set |a_j| <= bound_j with the cost
/// sum_j r_j a_j^2 added to the Hamiltonian's linear term (LQ problems). Per component,
/// min_a (c a + r a^2) is attained at a = clamp(-c / (2 r), -bound, bound); a maximising player
/// maximises c a - r a^2 instead. With a bound larger than the optimal control this is exactly the
/// unconstrained LQR Hamiltonian -c^2 / (4 r).
template <int M>
struct QuadraticCostBox {
  Point<M> weight{};  ///< r_j > 0
  Point<M> bound{};   ///< bound_j > 0

  Extremum<M> extremum(const Point<M>& c, Optimize mode) const {
    const double s = (mode == Optimize::minimize) ? 1.0 : -1.0;  // optimise s*(c a) + r a^2 (min)
    Extremum<M> e{0.0, {}};
    for (int j = 0; j < M; ++j) {
      const double a = std::clamp(-s * c[j] / (2.0 * weight[j]), -bound[j], bound[j]);
      e.argument[j] = a;
      e.value += c[j] * a + s * weight[j] * a * a;
    }
    return e;
  }
  Point<M> max_magnitudes() const { return bound; }
};

/// A Cartesian grid of `per_axis` evenly spaced actions over a box (the midpoint when per_axis is 1),
/// the last component varying fastest.
template <int M>
std::vector<Point<M>> action_grid(const Box<M>& box, int per_axis) {
  long count = 1;
  for (int j = 0; j < M; ++j) count *= per_axis;
  std::vector<Point<M>> actions;
  actions.reserve(static_cast<std::size_t>(count));
  for (long k = 0; k < count; ++k) {
    Point<M> a;
    long rest = k;
    for (int j = M - 1; j >= 0; --j) {
      const int i = static_cast<int>(rest % per_axis);
      rest /= per_axis;
      a[j] = per_axis == 1 ? 0.5 * (box.lo[j] + box.hi[j])
                           : box.lo[j] + (box.hi[j] - box.lo[j]) * i / (per_axis - 1);
    }
    actions.push_back(a);
  }
  return actions;
}

}  // namespace hjb
