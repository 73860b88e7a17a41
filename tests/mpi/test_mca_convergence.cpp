// Convergence of the Markov chain approximations of continuous-time stationary HJB equations
// (semi-Lagrangian and Kushner-Dupuis, solved by policy or value iteration on the distributed
// chain) against closed forms, with the observed orders printed: discounted LQR in 1-D and 2-D,
// the minimum-time double integrator (exit time, away from the switching curve), and Merton's
// problem (a controlled diffusion).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

#include "problems/stationary_benchmarks.hpp"
#include "solver/algorithms/stationary.hpp"

using namespace hjb;

namespace {

struct ErrorNorms {
  double l1 = 0.0, max = 0.0;
};

/// Solves problem P's chain on `shape` nodes over [lo, hi] and measures the error against
/// problem.exact(x) over the nodes where `measured(x)` holds (L1: mean absolute error).
template <class P>
ErrorNorms chain_error(const P& problem, const std::array<std::int64_t, P::dim>& shape,
                       const std::array<double, P::dim>& lo, const std::array<double, P::dim>& hi,
                       ChainScheme scheme, int actions, bool policy_iteration,
                       const std::function<bool(const std::array<double, P::dim>&)>& measured) {
  constexpr int D = P::dim;
  std::array<Axis, D> axes;
  for (int a = 0; a < D; ++a) axes[a] = {"x" + std::to_string(a), lo[a], hi[a], shape[a], false};
  TensorGrid<D> grid(PETSC_COMM_WORLD, axes);
  StationaryOptions o;
  o.policy_iteration = policy_iteration;
  o.actions = actions;
  o.tolerance = 1e-9;
  o.progress_seconds = INFINITY;
  ChainSchemeOptions s;
  s.scheme = scheme;
  StationarySolver<P, SparseChain<P>> solver(problem, grid, o, s);
  const OwnedVec v = grid.create_vector();
  VecSet(v, 0.0);
  const SolveSummary summary = solver.solve(v);
  EXPECT_EQ(summary.termination, Termination::converged) << summary.brief();
  double local[3] = {0.0, 0.0, 0.0}, global[3];
  const PetscScalar* data;
  VecGetArrayRead(v, &data);
  for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
    const auto x = grid.coordinates(grid.owned_node(l));
    if (!measured(x)) continue;
    const double e = std::abs(data[l] - problem.exact(x));
    local[0] += e;
    local[1] = std::max(local[1], e);
    local[2] += 1.0;
  }
  VecRestoreArrayRead(v, &data);
  MPI_Allreduce(local, global, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Allreduce(local + 1, global + 1, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  MPI_Allreduce(local + 2, global + 2, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return {global[0] / global[2], global[1]};
}

/// Prints the errors per refinement and the observed orders (of the L1 error); returns them.
std::vector<double> convergence_table(const char* label, const std::vector<std::int64_t>& sizes,
                                      const std::function<ErrorNorms(std::int64_t)>& error_at) {
  std::vector<double> orders;
  ErrorNorms previous{};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const ErrorNorms e = error_at(sizes[i]);
    if (i == 0) {
      PetscPrintf(PETSC_COMM_WORLD, "  %-40s n = %4ld  L1 error %.3e  max error %.3e\n", label,
                  (long)sizes[i], e.l1, e.max);
    } else {
      orders.push_back(std::log2(previous.l1 / e.l1));
      PetscPrintf(PETSC_COMM_WORLD, "  %-40s n = %4ld  L1 error %.3e  max error %.3e  observed order %.2f\n",
                  label, (long)sizes[i], e.l1, e.max, orders.back());
    }
    previous = e;
  }
  return orders;
}

const char* name(ChainScheme s) {
  return s == ChainScheme::semi_lagrangian ? "semi-Lagrangian" : "Kushner-Dupuis";
}

}  // namespace

TEST(ChainConvergence, DiscountedLqr1D) {
  problems::DiscountedLqr<1> lqr;
  lqr.half_width = 2.0;  // measured on |x| <= 1: the boundary's clamping stays away
  for (ChainScheme scheme : {ChainScheme::semi_lagrangian, ChainScheme::kushner_dupuis}) {
    const std::string label = std::string("1-D discounted LQR, ") + name(scheme);
    const auto orders = convergence_table(label.c_str(), {41, 81, 161}, [&](std::int64_t n) {
      return chain_error(lqr, {n}, {-2.0}, {2.0}, scheme, static_cast<int>(n), true,
                         [](const std::array<double, 1>& x) { return std::abs(x[0]) <= 1.0; });
    });
    EXPECT_GE(orders.back(), 0.5) << label;
  }
}

TEST(ChainConvergence, DiscountedLqr2D) {
  problems::DiscountedLqr<2> lqr;
  for (ChainScheme scheme : {ChainScheme::semi_lagrangian, ChainScheme::kushner_dupuis}) {
    const std::string label = std::string("2-D discounted LQR, ") + name(scheme);
    const auto orders = convergence_table(label.c_str(), {21, 41, 81}, [&](std::int64_t n) {
      return chain_error(
          lqr, {n, n}, {-2.0, -2.0}, {2.0, 2.0}, scheme, 21, true,
          [](const std::array<double, 2>& x) { return std::abs(x[0]) <= 1 && std::abs(x[1]) <= 1; });
    });
    EXPECT_GE(orders.back(), 0.5) << label;
  }
}

TEST(ChainConvergence, DiscountedLqr3DSingleInput) {
  problems::SingleInputLqr<3> lqr;
  PetscPrintf(PETSC_COMM_WORLD, "  3-D LQR: Riccati residual %.1e, P diagonal %.4f %.4f %.4f\n",
              lqr.riccati_residual(), lqr.p[0][0], lqr.p[1][1], lqr.p[2][2]);
  ASSERT_LE(lqr.riccati_residual(), 1e-12);
  for (ChainScheme scheme : {ChainScheme::semi_lagrangian, ChainScheme::kushner_dupuis}) {
    const std::string label = std::string("3-D discounted LQR, ") + name(scheme);
    const auto orders = convergence_table(label.c_str(), {11, 21, 41}, [&](std::int64_t n) {
      return chain_error(lqr, {n, n, n}, {-2.0, -2.0, -2.0}, {2.0, 2.0, 2.0}, scheme, 31, true,
                         [](const std::array<double, 3>& x) {
                           return std::abs(x[0]) <= 1 && std::abs(x[1]) <= 1 && std::abs(x[2]) <= 1;
                         });
    });
    EXPECT_GE(orders.back(), 0.5) << label;
  }
}

TEST(ChainConvergence, MinimumTimeDoubleIntegrator) {
  problems::MinTimeDoubleIntegrator di;
  for (ChainScheme scheme : {ChainScheme::semi_lagrangian, ChainScheme::kushner_dupuis}) {
    const std::string label = std::string("min-time double integrator, ") + name(scheme);
    const auto orders = convergence_table(label.c_str(), {41, 81, 161}, [&](std::int64_t n) {
      return chain_error(di, {n, n}, {-2.0, -2.0}, {2.0, 2.0}, scheme, 3, false,
                         [](const std::array<double, 2>& s) {
                           return std::abs(s[0]) <= 1 && std::abs(s[1]) <= 1 &&
                                  problems::MinTimeDoubleIntegrator::switching_gap(s) >= 0.1;
                         });
    });
    EXPECT_GE(orders.back(), 0.5) << label;
  }
}

TEST(ChainConvergence, MertonWithDiffusion) {
  problems::Merton merton;
  for (ChainScheme scheme : {ChainScheme::semi_lagrangian, ChainScheme::kushner_dupuis}) {
    const std::string label = std::string("Merton (CRRA, diffusion), ") + name(scheme);
    const auto orders = convergence_table(label.c_str(), {101, 201, 401}, [&](std::int64_t n) {
      return chain_error(merton, {n}, {0.0}, {merton.max_wealth}, scheme, 21, true,
                         [](const std::array<double, 1>& w) { return w[0] >= 0.25 && w[0] <= 1.0; });
    });
    EXPECT_GE(orders.back(), 0.5) << label;
  }
}
