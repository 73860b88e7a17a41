// The table computed on N ranks equals the single-rank table (the verdict is reduced over ranks;
// ctest runs this binary at 1, 2, 3 and 4 ranks).
#include <gtest/gtest.h>

#include <cmath>

#include "problems/air3d.hpp"
#include "problems/car4d.hpp"
#include "solver/algorithms/stationary_cascade.hpp"
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

TEST(RankIndependence, Air3DTubeSemiLagrangianIsIdenticalOnAnyRankCount) {
  // Large steps (CFL 6: foot points several nodes away, read from a full halo of that width) with
  // cubic interpolation; and multilinear at CFL 3 on a grid whose blocks are barely wider than the halo.
  TimeDependentOptions o;
  o.method = TimeMethod::semi_lagrangian;
  o.cfl = 6.0;
  o.mode = ReachMode::tube;
  o.horizon = 0.6;
  o.snapshots = 2;
  o.progress_seconds = INFINITY;
  const double cubic = rank_difference(problems::Air3D{}, {41, 41, 40}, o);
  o.interpolation = SlInterpolation::linear;
  o.cfl = 3.0;
  o.mode = ReachMode::set;
  const double linear = rank_difference(problems::Air3D{}, {25, 27, 24}, o);
  std::printf("  Air3D semi-Lagrangian: cubic 41x41x40 max |V_N - V_1| = %.3e, linear 25x27x24 %.3e\n", cubic,
              linear);
  EXPECT_EQ(cubic, 0.0);
  EXPECT_EQ(linear, 0.0);
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

#include "problems/pendulum.hpp"
#include "solver/algorithms/stationary.hpp"

namespace {

/// Solves the Pendulum MDP on `comm` and returns the values in natural order on every rank.
/// With coarse_levels > 0 the start values come from the cascade (stationary_cascade.hpp).
std::vector<double> stationary_values(MPI_Comm comm, bool policy_iteration, bool polish = true,
                                      int coarse_levels = 0, long* fine_iterations = nullptr) {
  problems::Pendulum pendulum;
  const auto axes = hjb::testing::problem_axes(pendulum, {61, 61});
  TensorGrid<2> grid(comm, axes);
  StationaryOptions o;
  o.policy_iteration = policy_iteration;
  o.polish = polish;
  o.actions = 11;
  o.discount = 0.95;
  o.tolerance = 1e-10;
  o.progress_seconds = INFINITY;
  const OwnedVec v = grid.create_vector();
  VecSet(v, 0.0);
  if (coarse_levels > 0) {
    const CascadeReport cascade = cascade_start<problems::Pendulum, ControlledChain<problems::Pendulum>>(
        pendulum, grid, o, coarse_levels, v);
    EXPECT_EQ(cascade.levels, coarse_levels);
    EXPECT_GT(cascade.iterations, 0);
  }
  StationarySolver<problems::Pendulum> solver(pendulum, grid, o);
  const auto summary = solver.solve(v);
  EXPECT_EQ(summary.termination, Termination::converged);
  if (fine_iterations) *fine_iterations = summary.iterations;
  std::vector<double> local(grid.global_count(), 0.0), global(grid.global_count(), 0.0);
  const PetscScalar* data;
  VecGetArrayRead(v, &data);
  for (std::int64_t l = 0; l < grid.owned_count(); ++l)
    local[grid.natural_index(grid.owned_node(l))] = data[l];
  VecRestoreArrayRead(v, &data);
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(global.size()), MPI_DOUBLE, MPI_SUM, comm);
  return global;
}

}  // namespace

TEST(RankIndependence, PolicyIterationIsIdenticalOnAnyRankCountAndAgreesWithValueIteration) {
  const auto distributed = stationary_values(PETSC_COMM_WORLD, true);
  const auto vi = stationary_values(PETSC_COMM_WORLD, false);
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  double diff = 0.0, vi_gap = 0.0;
  if (rank == 0) {
    const auto serial = stationary_values(PETSC_COMM_SELF, true);
    for (std::size_t i = 0; i < serial.size(); ++i) {
      diff = std::max(diff, std::abs(serial[i] - distributed[i]));
      vi_gap = std::max(vi_gap, std::abs(vi[i] - distributed[i]));
    }
  }
  MPI_Bcast(&diff, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  MPI_Bcast(&vi_gap, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  PetscPrintf(PETSC_COMM_WORLD,
              "  pendulum MDP 61x61: policy iteration max |V_N - V_1| = %.3e, |V_PI - V_VI| = %.3e\n", diff,
              vi_gap);
  EXPECT_LE(diff, 1e-12);
  // Value iteration stops at V with max|T V - V| <= 1e-10, so max|V - V*| <= 1e-10 / (1 - gamma)
  // = 2e-9 (contraction); policy iteration's own error is at the rounding level.
  EXPECT_LE(vi_gap, 2e-9 + 1e-12);
}

TEST(RankIndependence, InexactPolicyIterationAgreesToItsToleranceOnAnyRankCount) {
  // The default: inexact policy iteration stops at max|T V - V| <= 1e-10, so on any rank count
  // max|V - V*| <= 1e-10 / (1 - gamma) = 2e-9 and two runs differ by at most twice that.
  const auto distributed = stationary_values(PETSC_COMM_WORLD, true, false);
  const auto howard = stationary_values(PETSC_COMM_WORLD, true, true);
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  double diff = 0.0, to_howard = 0.0;
  if (rank == 0) {
    const auto serial = stationary_values(PETSC_COMM_SELF, true, false);
    for (std::size_t i = 0; i < serial.size(); ++i) {
      diff = std::max(diff, std::abs(serial[i] - distributed[i]));
      to_howard = std::max(to_howard, std::abs(howard[i] - distributed[i]));
    }
  }
  MPI_Bcast(&diff, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  MPI_Bcast(&to_howard, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  PetscPrintf(
      PETSC_COMM_WORLD,
      "  pendulum MDP 61x61, inexact policy iteration: max |V_N - V_1| = %.3e, |V - V_Howard| = %.3e\n", diff,
      to_howard);
  EXPECT_LE(diff, 4e-9);
  EXPECT_LE(to_howard, 2e-9 + 1e-12);
}

TEST(RankIndependence, CascadicStartReachesTheSameFixedPointOnAnyRankCount) {
  // The cascade changes where policy iteration starts, not what it stops at: both runs end at
  // max|T V - V| <= 1e-10, so each is within 1e-10 / (1 - gamma) = 2e-9 of V* (the serial zero start
  // is the yardstick; the cascade's coarse grids 31x31 and 16x16 are partitioned over the ranks).
  long zero_iterations = 0, cascade_iterations = 0;
  const auto cascade = stationary_values(PETSC_COMM_WORLD, true, false, 2, &cascade_iterations);
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  double diff = 0.0;
  if (rank == 0) {
    const auto serial = stationary_values(PETSC_COMM_SELF, true, false, 0, &zero_iterations);
    for (std::size_t i = 0; i < serial.size(); ++i) diff = std::max(diff, std::abs(serial[i] - cascade[i]));
  }
  MPI_Bcast(&diff, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  MPI_Bcast(&zero_iterations, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
  PetscPrintf(
      PETSC_COMM_WORLD,
      "  pendulum MDP 61x61: cascadic start %ld fine iterations (zero start %ld), max |V - V_zero| = %.3e\n",
      cascade_iterations, zero_iterations, diff);
  EXPECT_LE(diff, 4e-9);
  EXPECT_LE(cascade_iterations, zero_iterations);  // the gain grows with the grid (docs/benchmarks.md)
}

TEST(RankIndependence, ARelativeToleranceStopsOnceTheResidualFellByThatFactor) {
  // The cascade's coarse solves stop once their Bellman residual fell by a factor (there 0.5;
  // here 0.1): the stop comes before the absolute tolerance, after the residual (the same on every
  // rank) crossed the factor.
  problems::Pendulum pendulum;
  TensorGrid<2> grid(PETSC_COMM_WORLD, hjb::testing::problem_axes(pendulum, {61, 61}));
  StationaryOptions o;
  o.actions = 11;
  o.discount = 0.95;
  o.tolerance = 1e-10;
  o.progress_seconds = INFINITY;
  o.relative_tolerance = 0.1;
  const OwnedVec v = grid.create_vector(), next = grid.create_vector();
  VecSet(v, 0.0);
  StationarySolver<problems::Pendulum> solver(pendulum, grid, o);
  const double first = solver.bellman(v, next);
  const auto relative = solver.solve(v);
  EXPECT_EQ(relative.termination, Termination::converged);
  EXPECT_LE(relative.residual, 0.1 * first);
  EXPECT_GT(relative.residual, o.tolerance);
  o.relative_tolerance = 0.0;
  StationarySolver<problems::Pendulum> full(pendulum, grid, o);
  VecSet(v, 0.0);
  const auto converged = full.solve(v);
  EXPECT_LE(converged.residual, o.tolerance);
  EXPECT_LT(relative.iterations, converged.iterations);
  PetscPrintf(PETSC_COMM_WORLD,
              "  pendulum MDP 61x61: first residual %.3e, relative stop at %.3e after %ld iterations "
              "(%ld to %.1e)\n",
              first, relative.residual, relative.iterations, converged.iterations, o.tolerance);
}

TEST(RankIndependence, InterpolationBetweenGridsIsExactForBilinearFunctionsOnAnyRankCount) {
  // Bounded axes, one graded: every coarse node is a fine node and a bilinear function is reproduced
  // everywhere; on the periodic axis the fine nodes between coarse ones get the mean of their
  // neighbours.
  std::array<Axis, 3> fine_axes{Axis{"x", -1.0, 2.0, 41}, Axis{"y", 0.0, 1.0, 17, false, 2.0},
                                Axis{"phi", 0.0, 6.0, 12, true}};
  const auto coarse_axes = coarser_axes<3>(fine_axes);
  EXPECT_EQ(coarse_axes[0].n, 21);
  EXPECT_EQ(coarse_axes[1].n, 9);
  EXPECT_EQ(coarse_axes[2].n, 6);
  EXPECT_EQ(usable_coarse_levels<3>(fine_axes, 5), 1);  // phi would drop to 3 nodes
  const TensorGrid<3> fine(PETSC_COMM_WORLD, fine_axes), coarse(PETSC_COMM_WORLD, coarse_axes);
  const auto f = [](const std::array<double, 3>& x, std::int64_t k) {
    return 1.0 + 2.0 * x[0] - 3.0 * x[1] + 0.5 * x[0] * x[1] + static_cast<double>(k % 3);
  };
  const OwnedVec c = coarse.create_vector(), v = fine.create_vector();
  {
    PetscScalar* data;
    VecGetArray(c, &data);
    for (std::int64_t l = 0; l < coarse.owned_count(); ++l) {
      const auto g = coarse.owned_node(l);
      data[l] = f(coarse.coordinates(g), g[2]);
    }
    VecRestoreArray(c, &data);
  }
  interpolate_between_grids<3>(coarse, c, fine, v);
  double worst = 0.0;
  const PetscScalar* data;
  VecGetArrayRead(v, &data);
  for (std::int64_t l = 0; l < fine.owned_count(); ++l) {
    const auto g = fine.owned_node(l);
    const auto x = fine.coordinates(g);
    const double expected =
        g[2] % 2 == 0 ? f(x, g[2] / 2) : 0.5 * (f(x, g[2] / 2) + f(x, (g[2] / 2 + 1) % coarse_axes[2].n));
    worst = std::max(worst, std::abs(data[l] - expected));
  }
  VecRestoreArrayRead(v, &data);
  double global = 0.0;
  MPI_Allreduce(&worst, &global, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  EXPECT_LE(global, 1e-13);
}
