// Interval arithmetic with outward rounding, for enclosures of problems' exact steps (the certified
// upper bounds of rl_baselines/agents/box_bound.hpp).
//
// Rounding: every operation computes its endpoints in round-to-nearest and then moves each one
// outward by one unit in the last place (std::nextafter). IEEE +, -, *, / and sqrt are correctly
// rounded, so one ulp covers their error; glibc's sin and cos are accurate to within 1 ulp on
// x86-64, so two ulps are added there. The result always contains the exact image.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace hjb {

struct Interval {
  double lo = 0.0, hi = 0.0;

  Interval() = default;
  constexpr Interval(double value) : lo(value), hi(value) {}  // NOLINT: a point is an interval
  constexpr Interval(double l, double h) : lo(l), hi(h) {}

  double width() const { return hi - lo; }
  bool contains(double x) const { return lo <= x && x <= hi; }
};

namespace interval_detail {
inline double down(double x, int ulps = 1) {
  for (int i = 0; i < ulps; ++i) x = std::nextafter(x, -std::numeric_limits<double>::infinity());
  return x;
}
inline double up(double x, int ulps = 1) {
  for (int i = 0; i < ulps; ++i) x = std::nextafter(x, std::numeric_limits<double>::infinity());
  return x;
}
inline Interval outward(double lo, double hi, int ulps = 1) { return {down(lo, ulps), up(hi, ulps)}; }
}  // namespace interval_detail

inline Interval operator+(const Interval& a, const Interval& b) {
  return interval_detail::outward(a.lo + b.lo, a.hi + b.hi);
}
inline Interval operator-(const Interval& a, const Interval& b) {
  return interval_detail::outward(a.lo - b.hi, a.hi - b.lo);
}
inline Interval operator-(const Interval& a) { return {-a.hi, -a.lo}; }
inline Interval operator*(const Interval& a, const Interval& b) {
  const double p[4] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
  return interval_detail::outward(*std::min_element(p, p + 4), *std::max_element(p, p + 4));
}
/// Division (a divisor containing 0 gives the whole line).
inline Interval operator/(const Interval& a, const Interval& b) {
  if (b.lo <= 0.0 && b.hi >= 0.0)
    return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  const double q[4] = {a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi};
  return interval_detail::outward(*std::min_element(q, q + 4), *std::max_element(q, q + 4));
}
/// x^2 (tighter than x * x when x contains 0).
inline Interval sqr(const Interval& x) {
  const double a = std::abs(x.lo), b = std::abs(x.hi);
  const double m = std::max(a, b) * std::max(a, b);
  const double l = x.lo <= 0.0 && x.hi >= 0.0 ? 0.0 : std::min(a, b) * std::min(a, b);
  return {l == 0.0 ? 0.0 : interval_detail::down(l), interval_detail::up(m)};
}
/// The hull of two intervals.
inline Interval hull(const Interval& a, const Interval& b) {
  return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
}
/// clip(x, lo, hi) pointwise (monotone: the clipped endpoints).
inline Interval clamp(const Interval& x, double lo, double hi) {
  return {std::clamp(x.lo, lo, hi), std::clamp(x.hi, lo, hi)};
}
namespace interval_detail {
/// f over [x.lo, x.hi] for f = sin or cos: the endpoints' values, with 1 where a maximum (at
/// `top` + 2 k pi) and -1 where a minimum (at `top` + pi + 2 k pi) lies inside; an extremum within
/// 1e-12 of an endpoint counts as inside (that only widens). Two ulps outward (glibc's accuracy).
template <class F>
Interval periodic(const Interval& x, F&& f, double top) {
  constexpr double two_pi = 2 * std::numbers::pi;
  if (!(x.width() < two_pi)) return {-1.0, 1.0};
  double lo = std::min(f(x.lo), f(x.hi)), hi = std::max(f(x.lo), f(x.hi));
  auto contains_point = [&](double phase) {
    const double k = std::ceil((x.lo - phase) / two_pi - 1e-12);
    return phase + k * two_pi <= x.hi + 1e-12;
  };
  if (contains_point(top)) hi = 1.0;
  if (contains_point(top + std::numbers::pi)) lo = -1.0;
  return {std::max(-1.0, down(lo, 2)), std::min(1.0, up(hi, 2))};
}
}  // namespace interval_detail

/// sin over an interval (maxima at pi/2 + 2 k pi).
inline Interval sin(const Interval& x) {
  return interval_detail::periodic(
      x, [](double v) { return std::sin(v); }, std::numbers::pi / 2);
}
/// cos over an interval (maxima at 2 k pi).
inline Interval cos(const Interval& x) {
  return interval_detail::periodic(
      x, [](double v) { return std::cos(v); }, 0.0);
}
/// The interval of a box's axis k.
template <class B>
Interval axis_interval(const B& box, int k) {
  return {box.lo[k], box.hi[k]};
}

}  // namespace hjb
