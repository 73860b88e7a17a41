// Sparse-grid semi-Lagrangian iteration on several ranks: the same values and policy as on one rank
// (bit for bit), and a NaN stops every rank with the same error.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

#include "solver/algorithms/sparse_stationary.hpp"
#include "solver/problems/stationary_benchmarks.hpp"

using namespace hjb;

TEST(SparseRankIndependence, ValuesAndPolicyEqualOneRanksBitForBit) {
  problems::SingleInputLqr<3> lqr;
  const sparse::SparseGrid grid(3, 5, std::vector<double>(3, -2.0), std::vector<double>(3, 2.0));
  SparseStationaryOptions o;
  o.actions = 11;
  o.tolerance = 1e-9;
  const auto distributed = sparse_semi_lagrangian(lqr, grid, o, PETSC_COMM_WORLD);
  const auto serial = sparse_semi_lagrangian(lqr, grid, o, PETSC_COMM_SELF);
  EXPECT_TRUE(distributed.converged);
  double diff = 0.0;
  long policy_diff = 0;
  for (std::size_t p = 0; p < serial.values.size(); ++p) {
    diff = std::max(diff, std::abs(serial.values[p] - distributed.values[p]));
    policy_diff += serial.policy[p] != distributed.policy[p];
  }
  int size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  PetscPrintf(PETSC_COMM_WORLD,
              "  sparse 3-D LQR level 5 on %d ranks: max |V_N - V_1| = %.1e, policy differences %ld\n", size,
              diff, policy_diff);
  EXPECT_EQ(diff, 0.0);
  EXPECT_EQ(policy_diff, 0);
}

namespace {
struct PoisonedMerton : problems::Merton {
  double cost_rate(const std::array<double, 1>& w, const Point<2>& c) const {
    return w[0] > 1.5 ? NAN : Merton::cost_rate(w, c);
  }
};
}  // namespace

TEST(SparseRankIndependence, NanStopsEveryRankNamingTheNode) {
  PoisonedMerton merton;
  const sparse::SparseGrid grid(1, 6, {0.0}, {2.0});
  SparseStationaryOptions o;
  o.actions = 5;
  int caught = 0;
  std::string message;
  try {
    sparse_semi_lagrangian(merton, grid, o, PETSC_COMM_WORLD);
  } catch (const NumericalError& e) {
    caught = 1;
    message = e.what();
  }
  int everywhere;
  MPI_Allreduce(&caught, &everywhere, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
  EXPECT_EQ(everywhere, 1);
  EXPECT_NE(message.find("non-finite"), std::string::npos) << message;
}
