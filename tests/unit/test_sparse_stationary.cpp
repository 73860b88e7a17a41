// Semi-Lagrangian value iteration on sparse grids against closed forms: the discounted
// single-input LQR (Riccati) in 2-D and 3-D, errors and observed orders printed per level.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "problems/stationary_benchmarks.hpp"
#include "solver/algorithms/sparse_stationary.hpp"

using namespace hjb;

namespace {
template <int D>
double lqr_error(int level, long* nodes, double* seconds) {
  problems::SingleInputLqr<D> lqr;
  const sparse::SparseGrid grid(D, level, std::vector<double>(D, -2.0), std::vector<double>(D, 2.0));
  SparseStationaryOptions o;
  o.actions = 31;
  o.tolerance = 1e-7;
  const auto start = std::chrono::steady_clock::now();
  const auto r = sparse_semi_lagrangian(lqr, grid, o);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.converged) << "level " << level << " residual " << r.residual;
  *nodes = static_cast<long>(grid.size());
  double worst = 0.0;
  std::array<double, D> x;
  for (std::int64_t p = 0; p < grid.size(); ++p) {
    grid.coordinates(p, x.data());
    bool inside = true;
    for (double c : x) inside = inside && std::abs(c) <= 1.0;
    if (inside) worst = std::max(worst, std::abs(r.values[p] - lqr.exact(x)));
  }
  return worst;
}

template <int D>
void study(int first, int last) {
  double previous = 0.0, order = 0.0;
  for (int n = first; n <= last; ++n) {
    long nodes;
    double seconds;
    const double e = lqr_error<D>(n, &nodes, &seconds);
    std::printf("  %d-D discounted LQR on a sparse grid: level %d, %6ld nodes, max error on [-1, 1]^%d %.3e",
                D, n, nodes, D, e);
    if (previous > 0) {
      order = std::log2(previous / e);
      std::printf(", observed order %.2f", order);
    }
    std::printf(" (%.2f s)\n", seconds);
    previous = e;
  }
  EXPECT_GE(order, 0.5) << D << "-D";
}
}  // namespace

TEST(SparseSemiLagrangian, DiscountedLqr2DConvergesToTheRiccatiValue) { study<2>(5, 8); }
TEST(SparseSemiLagrangian, DiscountedLqr3DConvergesToTheRiccatiValue) { study<3>(5, 7); }

// Adaptive grids: the 2-D discounted LQR's value P|x|^2 is a sum of functions of one axis, so
// its surpluses vanish off the axis subspaces and the adaptation keeps far fewer nodes than the
// regular grid of the same deepest level — at the same accuracy (the scheme's error is the step's,
// O(h), and h is the same number of finest spacings).
TEST(SparseSemiLagrangian, AdaptiveGridReachesTheRegularGridsErrorWithFewerNodes) {
  problems::DiscountedLqr<2> lqr;
  const auto d = lqr.domain();
  const std::vector<double> lo{d[0].lo, d[1].lo}, hi{d[0].hi, d[1].hi};
  SparseStationaryOptions o;
  o.tolerance = 1e-8;
  o.step_per_spacing = 1.0;
  const auto max_error = [&](const auto& grid, const std::vector<double>& v) {
    double worst = 0.0;
    std::array<double, 2> x;
    for (std::int64_t p = 0; p < grid.size(); ++p) {
      grid.coordinates(p, x.data());
      if (std::abs(x[0]) <= 1.0 && std::abs(x[1]) <= 1.0)
        worst = std::max(worst, std::abs(v[p] - lqr.exact(x)));
    }
    return worst;
  };
  const sparse::SparseGrid regular(2, 7, lo, hi);
  const auto r = sparse_semi_lagrangian(lqr, regular, o);
  sparse::AdaptiveSparseGrid adaptive(sparse::SparseGrid(2, 4, lo, hi));
  o.adapt_threshold = 1e-3;
  o.adapt_max_level = 7;
  const auto a = sparse_semi_lagrangian(lqr, adaptive, o);
  const double e_regular = max_error(regular, r.values), e_adaptive = max_error(adaptive, a.values);
  std::printf(
      "  2-D discounted LQR: regular level 7 %lld nodes, max error on [-1, 1]^2 %.3e; adaptive (4 -> 7, "
      "threshold 1e-3) %lld nodes after %ld adaptations, %.3e\n",
      static_cast<long long>(regular.size()), e_regular, static_cast<long long>(adaptive.size()),
      a.adaptations, e_adaptive);
  EXPECT_TRUE(r.converged);
  EXPECT_TRUE(a.converged);
  EXPECT_TRUE(a.grid_settled);
  EXPECT_GT(a.adaptations, 0);
  EXPECT_EQ(a.time_step, r.time_step);  // it reached level 7 on both axes
  EXPECT_LT(adaptive.size(), regular.size() * 4 / 5);
  EXPECT_LE(e_adaptive, 1.01 * e_regular);
}
