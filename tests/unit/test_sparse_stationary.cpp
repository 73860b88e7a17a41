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
