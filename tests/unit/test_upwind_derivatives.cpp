// One-sided derivative kernels: exactness on polynomials and observed order on smooth data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/schemes/upwind_derivatives.hpp"

using namespace hjb;

namespace {

/// Left and right derivatives of f at x0 with spacing h, through the row kernel (stride s = 3 to
/// exercise strided access).
template <DerivativeScheme S, class F>
std::pair<double, double> derivatives_at(F&& f, double x0, double h) {
  const int w = stencil_half_width(S), s = 3;
  std::vector<double> v((2 * w + 1) * s, 0.0);
  for (int k = -w; k <= w; ++k) v[(k + w) * s] = f(x0 + k * h);
  double left, right;
  kernels::one_sided_derivatives<S>(v.data() + w * s, s, 1, 1.0 / h, &left, &right);
  return {left, right};
}

template <DerivativeScheme S>
void expect_exact_on_polynomials(int degree) {
  for (int d = 0; d <= degree; ++d) {
    auto f = [d](double x) { return std::pow(x - 0.1, d); };
    const double exact = d == 0 ? 0.0 : d * std::pow(0.37 - 0.1, d - 1);
    const auto [l, r] = derivatives_at<S>(f, 0.37, 0.05);
    EXPECT_NEAR(l, exact, 1e-10) << to_string(S) << " degree " << d;
    EXPECT_NEAR(r, exact, 1e-10) << to_string(S) << " degree " << d;
  }
}

}  // namespace

TEST(UpwindDerivatives, ExactOnPolynomialsOfTheirDegree) {
  expect_exact_on_polynomials<DerivativeScheme::upwind1>(1);
  expect_exact_on_polynomials<DerivativeScheme::eno2>(2);
  expect_exact_on_polynomials<DerivativeScheme::weno3>(2);
  expect_exact_on_polynomials<DerivativeScheme::weno5>(3);  // each third-order substencil is exact
}

template <DerivativeScheme S>
double observed_order() {
  auto f = [](double x) { return std::sin(2.0 * x) + 0.3 * x * x; };
  const double x0 = 0.4, exact = 2.0 * std::cos(2.0 * x0) + 0.6 * x0;
  const double h1 = 0.04, h2 = 0.02;
  const auto [l1, r1] = derivatives_at<S>(f, x0, h1);
  const auto [l2, r2] = derivatives_at<S>(f, x0, h2);
  const double e1 = std::max(std::abs(l1 - exact), std::abs(r1 - exact));
  const double e2 = std::max(std::abs(l2 - exact), std::abs(r2 - exact));
  const double order = std::log2(e1 / e2);
  std::printf("  %-8s error(h=%.2f) = %.3e  error(h=%.2f) = %.3e  observed order %.2f\n",
              to_string(S).c_str(), h1, e1, h2, e2, order);
  return order;
}

TEST(UpwindDerivatives, ObservedOrderOnSmoothDataMatchesTheFormalOrder) {
  EXPECT_GT(observed_order<DerivativeScheme::upwind1>(), 0.9);
  EXPECT_GT(observed_order<DerivativeScheme::eno2>(), 1.8);
  EXPECT_GT(observed_order<DerivativeScheme::weno3>(), 1.8);  // WENO3 with fixed epsilon: >= 2 in practice
  EXPECT_GT(observed_order<DerivativeScheme::weno5>(), 4.5);
}

TEST(UpwindDerivatives, Weno5PrefersTheSmoothSideAtAKink) {
  // |x| sampled around x0 = 2h: the left-biased stencils crossing the kink at 0 get small weights.
  auto f = [](double x) { return std::abs(x); };
  const double h = 0.1;
  const auto [l, r] = derivatives_at<DerivativeScheme::weno5>(f, 2 * h, h);
  EXPECT_NEAR(r, 1.0, 1e-12);
  EXPECT_NEAR(l, 1.0, 0.05);
}

TEST(UpwindDerivatives, Weno5OnTheContiguousAxisSharesIndicatorsAndAgreesWithThePerNodeForm) {
  // 600 nodes (three blocks of the contiguous kernel, the last partial) of a function with kinks
  // and a jump: the contiguous kernel (stride 1) against the per-node form (the same data laid out
  // with stride 2). Left derivatives bit for bit; right ones to rounding (the mirrored windows'
  // curvature is summed in the other order).
  const std::int64_t n = 600;
  const int w = stencil_half_width(DerivativeScheme::weno5);
  auto f = [](double x) {
    return std::abs(std::sin(3.0 * x)) + (x > 1.7 ? 0.5 : 0.0) + 0.01 * std::cos(40.0 * x);
  };
  std::vector<double> contiguous(n + 2 * w), strided(2 * (n + 2 * w));
  for (std::int64_t i = 0; i < n + 2 * w; ++i)
    contiguous[i] = strided[2 * i] = f(0.005 * static_cast<double>(i));
  std::vector<double> l1(n), r1(n), l2(2 * n), r2(2 * n);
  kernels::one_sided_derivatives<DerivativeScheme::weno5>(contiguous.data() + w, 1, n, 200.0, l1.data(),
                                                          r1.data());
  // The strided kernel visits consecutive memory positions; the even ones are the nodes.
  kernels::one_sided_derivatives<DerivativeScheme::weno5>(strided.data() + 2 * w, 2, 2 * n - 1, 200.0,
                                                          l2.data(), r2.data());
  double worst = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    EXPECT_EQ(l1[i], l2[2 * i]) << "node " << i;
    worst = std::max(worst, std::abs(r1[i] - r2[2 * i]) / std::max(1.0, std::abs(r2[2 * i])));
  }
  std::printf("  contiguous WENO5: left identical, right max relative difference %.2e\n", worst);
  EXPECT_LE(worst, 1e-13);
}

TEST(UpwindDerivatives, Weno5AlongAStridedAxisByWholeRowsAgreesWithThePerNodeForm) {
  // 9 rows of 13 nodes (row stride 19, 3 ghost rows each side) of a function with kinks and a jump
  // along the strided axis: weno5_rows against the per-node form on the same array. Left
  // derivatives bit for bit, right ones to rounding.
  const std::int64_t count = 13, rows = 9, s = 19;
  const int w = stencil_half_width(DerivativeScheme::weno5);
  std::vector<double> v((rows + 2 * w) * s);
  for (std::int64_t r = 0; r < rows + 2 * w; ++r)
    for (std::int64_t j = 0; j < s; ++j) {
      const double x = 0.05 * static_cast<double>(r), y = 0.1 * static_cast<double>(j);
      v[r * s + j] = std::abs(std::sin(3.0 * x + y)) + (x > 0.27 ? 0.5 : 0.0) + 0.01 * std::cos(40.0 * x * y);
    }
  const double* origin = v.data() + w * s + 2;  // row 0, node 0 (2 spare columns on the left)
  std::vector<double> l1(rows * count), r1(rows * count), scratch(kernels::weno5_rows_scratch(count, rows));
  kernels::weno5_rows(origin, s, count, rows, 20.0, l1.data(), r1.data(), scratch.data());
  double worst = 0.0;
  for (std::int64_t r = 0; r < rows; ++r) {
    std::vector<double> l2(count), r2(count);
    kernels::one_sided_derivatives<DerivativeScheme::weno5>(origin + r * s, s, count, 20.0, l2.data(),
                                                            r2.data());
    for (std::int64_t j = 0; j < count; ++j) {
      EXPECT_EQ(l1[r * count + j], l2[j]) << "row " << r << " node " << j;
      worst = std::max(worst, std::abs(r1[r * count + j] - r2[j]) / std::max(1.0, std::abs(r2[j])));
    }
  }
  std::printf("  WENO5 by whole rows: left identical, right max relative difference %.2e\n", worst);
  EXPECT_LE(worst, 1e-13);
}
