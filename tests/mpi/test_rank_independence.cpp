// The table computed on N ranks equals the single-rank table (the verdict is reduced over ranks;
// ctest runs this binary at 1, 2, 3 and 4 ranks).
#include <gtest/gtest.h>

#include <cmath>

#include "solver/problems/air3d.hpp"
#include "solver/problems/car4d.hpp"
#include "test_solver_helpers.hpp"

using namespace hjb;

namespace {

/// max |distributed - serial|, computed on rank 0 and shared.
template <ControlProblem P>
double rank_difference(const P& problem, const std::array<std::int64_t, P::dim>& shape,
                       const TimeDependentOptions& o) {
  const auto axes = hjb::testing::problem_axes(problem, shape);
  const auto distributed = hjb::testing::solve_and_gather(PETSC_COMM_WORLD, problem, axes, o);
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  double diff = 0.0;
  if (rank == 0) {
    const auto serial = hjb::testing::solve_and_gather(PETSC_COMM_SELF, problem, axes, o);
    for (std::size_t i = 0; i < serial.size(); ++i) {
      const double d = std::abs(serial[i] - distributed[i]);
      diff = std::isnan(d) ? INFINITY : std::max(diff, d);
    }
  }
  MPI_Bcast(&diff, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  return diff;
}

}  // namespace

TEST(RankIndependence, Air3DTubeWeno5IsIdenticalOnAnyRankCount) {
  TimeDependentOptions o;  // WENO5 + TVD-RK3, local LF, CFL 0.75
  o.mode = ReachMode::tube;
  o.horizon = 0.6;
  o.snapshots = 2;
  o.progress_seconds = INFINITY;
  const double diff = rank_difference(problems::Air3D{}, {41, 41, 40}, o);
  std::printf("  Air3D 41x41x40 WENO5/RK3 BRT: max |V_N - V_1| = %.3e\n", diff);
  EXPECT_LE(diff, 1e-12);
}

TEST(RankIndependence, Air3DFirstOrderGlobalDissipationIsIdenticalOnAnyRankCount) {
  TimeDependentOptions o;
  o.derivative = DerivativeScheme::upwind1;
  o.integrator = TimeIntegrator::rk1;
  o.dissipation = Dissipation::global;
  o.mode = ReachMode::set;
  o.horizon = 0.8;
  o.progress_seconds = INFINITY;
  const double diff = rank_difference(problems::Air3D{}, {31, 29, 30}, o);
  EXPECT_LE(diff, 1e-12);
}

TEST(RankIndependence, Car4DEno2IsIdenticalOnAnyRankCount) {
  TimeDependentOptions o;
  o.derivative = DerivativeScheme::eno2;
  o.integrator = TimeIntegrator::rk2;
  o.horizon = 0.3;
  o.progress_seconds = INFINITY;
  const double diff = rank_difference(problems::Car4D{}, {13, 12, 9, 10}, o);
  EXPECT_LE(diff, 1e-12);
}
