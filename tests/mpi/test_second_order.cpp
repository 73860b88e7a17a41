// The time-dependent second-order HJB solver (solver/algorithms/second_order.hpp) against the
// Cole–Hopf closed form of the Föllmer sampler (problems/follmer.hpp) in 1-D and 2-D, with the
// observed orders printed, and the same bits on any number of ranks. The errors are measured at
// every stored time on an inner box (|x_i| <= 4.5 of the grid's +-7, where the target's modes and
// the sampler's paths lie; the linear extrapolation at the box's faces is a boundary layer).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "problems/follmer.hpp"
#include "solver/algorithms/second_order.hpp"

using namespace hjb;

namespace {

struct Errors {
  double mean = 0.0, max = 0.0;
  std::vector<double> values;  ///< the final snapshot, natural order (for rank comparisons)
};

template <int D>
Errors solve_follmer(MPI_Comm comm, std::int64_t n, int snapshots, double inner = 4.5, double sigma = 1.0) {
  problems::Follmer<D> problem;
  problem.sigma = sigma;
  std::array<Axis, D> axes;
  for (int a = 0; a < D; ++a) axes[a] = {"x" + std::to_string(a), -7.0, 7.0, n, false};
  TensorGrid<D> grid(comm, axes);
  TimeDependentOptions o;
  o.cfl = 0.9;
  o.horizon = 1.0;
  o.snapshots = snapshots;
  o.progress_seconds = INFINITY;
  SecondOrderSolver<problems::Follmer<D>> solver(problem, grid, o);
  const OwnedVec v = grid.create_vector();
  solver.set_initial(v);
  double local[3] = {0.0, 0.0, 0.0};
  solver.solve(v, [&](int, double t, Vec values) {
    const PetscScalar* data;
    VecGetArrayRead(values, &data);
    for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
      const auto x = grid.coordinates(grid.owned_node(l));
      bool in = true;
      for (int a = 0; a < D; ++a) in = in && std::abs(x[a]) <= inner + 1e-12;
      if (!in) continue;
      const double e = std::abs(data[l] - problem.exact_value(1.0 + t, x));
      local[0] += e;
      local[1] = std::max(local[1], e);
      local[2] += 1.0;
    }
    VecRestoreArrayRead(values, &data);
  });
  double sum[3];
  MPI_Allreduce(local, sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(local + 1, sum + 1, 1, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(local + 2, sum + 2, 1, MPI_DOUBLE, MPI_SUM, comm);
  Errors e{sum[0] / sum[2], sum[1], std::vector<double>(grid.global_count(), 0.0)};
  std::vector<double> mine(grid.global_count(), 0.0);
  const PetscScalar* data;
  VecGetArrayRead(v, &data);
  for (std::int64_t l = 0; l < grid.owned_count(); ++l)
    mine[grid.natural_index(grid.owned_node(l))] = data[l];
  VecRestoreArrayRead(v, &data);
  MPI_Allreduce(mine.data(), e.values.data(), static_cast<int>(mine.size()), MPI_DOUBLE, MPI_SUM, comm);
  return e;
}

/// Prints the errors and observed orders (of the mean error; spacing halves per row).
template <int D>
std::vector<double> convergence(const char* label, const std::vector<std::int64_t>& sizes) {
  std::vector<double> orders;
  double previous = 0.0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const Errors e = solve_follmer<D>(PETSC_COMM_WORLD, sizes[i], 10);
    char order[64] = "";
    if (i > 0) {
      orders.push_back(std::log2(previous / e.mean));
      std::snprintf(order, sizeof order, "  observed order %.2f", orders.back());
    }
    PetscPrintf(PETSC_COMM_WORLD, "  %-30s h = %.4f  mean error %.3e  max error %.3e%s\n", label,
                14.0 / (sizes[i] - 1), e.mean, e.max, order);
    previous = e.mean;
  }
  return orders;
}

TEST(SecondOrder, ConvergesToTheColeHopfSolutionIn1D) {
  // h = 0.1, 0.05, 0.025, 0.0125: the monotone scheme's expected order is 1.
  const auto orders = convergence<1>("Foellmer 1-D (2 modes)", {141, 281, 561, 1121});
  for (double p : orders) EXPECT_GT(p, 0.8);
}

TEST(SecondOrder, ConvergesToTheColeHopfSolutionIn2D) {
  const auto orders = convergence<2>("Foellmer 2-D (4 anisotropic modes)", {71, 141, 281});
  for (double p : orders) EXPECT_GT(p, 0.8);
}

// sigma 0.7 is below a mode's standard deviation (0.9): g = -log(p / phi) falls without bound along
// that mode's axis, the optimal drift points out of the box there, and a non-monotone boundary
// treatment (linear extrapolation) blew up (mean error 42 at 201^2); reflection stays monotone.
TEST(SecondOrder, StableWhenTheOptimalDriftPointsOutOfTheBox) {
  const Errors e = solve_follmer<2>(PETSC_COMM_WORLD, 141, 10, 4.5, 0.7);
  PetscPrintf(PETSC_COMM_WORLD, "  Foellmer 2-D, sigma 0.7, h = 0.1: mean error %.3e, max error %.3e\n",
              e.mean, e.max);
  EXPECT_LT(e.mean, 0.5);
  for (double v : e.values) ASSERT_TRUE(std::isfinite(v));
}

TEST(SecondOrder, SameBitsOnOneRankAsOnAll) {
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm self;
  MPI_Comm_split(PETSC_COMM_WORLD, rank, 0, &self);
  const Errors all = solve_follmer<2>(PETSC_COMM_WORLD, 61, 4);
  const Errors one = solve_follmer<2>(self, 61, 4);
  MPI_Comm_free(&self);
  ASSERT_EQ(all.values.size(), one.values.size());
  for (std::size_t i = 0; i < all.values.size(); ++i) ASSERT_EQ(all.values[i], one.values[i]) << "node " << i;
}

}  // namespace
