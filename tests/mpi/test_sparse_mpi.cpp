// Sparse-grid semi-Lagrangian iterations and steps (stationary; time-dependent on regular and
// adaptive grids) on several ranks: the same values and policy as on one rank
// (bit for bit), and a NaN stops every rank with the same error.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

#include "problems/stationary_benchmarks.hpp"
#include "solver/algorithms/sparse_stationary.hpp"

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

// The same on an adaptive grid: N ranks adapt to the same nodes and reach the same values.
TEST(SparseRankIndependence, AdaptiveStationaryEqualsOneRanksBitForBit) {
  problems::DiscountedLqr<2> lqr;
  const sparse::SparseGrid start(2, 4, {-2.0, -2.0}, {2.0, 2.0});
  SparseStationaryOptions o;
  o.actions = 11;
  o.tolerance = 1e-9;
  o.step_per_spacing = 1.0;
  o.adapt_threshold = 1e-3;
  o.adapt_max_level = 7;
  sparse::AdaptiveSparseGrid on_all(start), on_one(start);
  const auto distributed = sparse_semi_lagrangian(lqr, on_all, o, PETSC_COMM_WORLD);
  const auto serial = sparse_semi_lagrangian(lqr, on_one, o, PETSC_COMM_SELF);
  EXPECT_TRUE(distributed.converged);
  EXPECT_GT(distributed.adaptations, 0);
  ASSERT_EQ(on_all.size(), on_one.size());
  EXPECT_EQ(distributed.values, serial.values);
  EXPECT_EQ(distributed.policy, serial.policy);
  std::vector<int> la(2), lb(2);
  std::vector<std::int64_t> ia(2), ib(2);
  bool same_nodes = true;
  for (std::int64_t p = 0; p < on_one.size(); ++p) {
    on_all.level_index(p, la.data(), ia.data());
    on_one.level_index(p, lb.data(), ib.data());
    same_nodes = same_nodes && la == lb && ia == ib;
  }
  EXPECT_TRUE(same_nodes);
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

// Time-dependent: Air3D (a game with a periodic axis, BRT) on a regular sparse grid and the
// eikonal front on an adaptive one, N ranks against one, bit for bit (the adaptive grid must also
// end with the same nodes).
#include "problems/air3d.hpp"
#include "problems/eikonal.hpp"
#include "solver/algorithms/sparse_time_dependent.hpp"

TEST(SparseRankIndependence, TimeDependentRegularAndAdaptiveEqualOneRanksBitForBit) {
  int size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  {
    problems::Air3D air3d;
    const auto d = air3d.domain();
    const sparse::SparseGrid grid(3, 6, {d[0].lo, d[1].lo, d[2].lo}, {d[0].hi, d[1].hi, d[2].hi});
    SparseTimeOptions o;
    o.horizon = 0.5;
    o.cfl = 4;
    o.mode = ReachMode::tube;
    const auto distributed = sparse_time_dependent(air3d, grid, o, PETSC_COMM_WORLD);
    const auto serial = sparse_time_dependent(air3d, grid, o, PETSC_COMM_SELF);
    double diff = 0.0, control_diff = 0.0;
    for (std::size_t p = 0; p < serial.values.size(); ++p) {
      diff = std::max(diff, std::abs(serial.values[p] - distributed.values[p]));
      control_diff = std::max(control_diff, std::abs(serial.control[p][0] - distributed.control[p][0]));
    }
    PetscPrintf(PETSC_COMM_WORLD, "  sparse Air3D level 6, %ld steps, on %d ranks: max |V_N - V_1| = %.1e\n",
                serial.steps, size, diff);
    EXPECT_EQ(diff, 0.0);
    EXPECT_EQ(control_diff, 0.0);
  }
  {
    problems::Eikonal<2> eikonal;
    SparseTimeOptions o;
    o.horizon = 0.25;
    o.adapt_threshold = 1e-3;
    o.adapt_max_level = 8;
    const sparse::SparseGrid start(2, 4, {-2, -2}, {2, 2});
    sparse::AdaptiveSparseGrid a(start), b(start);
    const auto distributed = sparse_time_dependent(eikonal, a, o, PETSC_COMM_WORLD);
    const auto serial = sparse_time_dependent(eikonal, b, o, PETSC_COMM_SELF);
    ASSERT_EQ(a.size(), b.size());
    double diff = 0.0, where = 0.0;
    double xa[2], xb[2];
    for (std::int64_t p = 0; p < a.size(); ++p) {
      diff = std::max(diff, std::abs(serial.values[p] - distributed.values[p]));
      a.coordinates(p, xa);
      b.coordinates(p, xb);
      where = std::max({where, std::abs(xa[0] - xb[0]), std::abs(xa[1] - xb[1])});
    }
    PetscPrintf(PETSC_COMM_WORLD,
                "  adaptive eikonal, %lld nodes (largest %lld), on %d ranks: max |V_N - V_1| = %.1e\n",
                static_cast<long long>(a.size()), static_cast<long long>(distributed.largest_grid), size,
                diff);
    EXPECT_GT(a.size(), start.size());
    EXPECT_EQ(diff, 0.0);
    EXPECT_EQ(where, 0.0);
  }
}
