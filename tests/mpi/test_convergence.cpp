// Convergence against closed forms, with the observed order printed:
//  - Hopf–Lax for H = |p| (a shrinking sphere, V = |x| - 1 + tau) in 2-D and 3-D;
//  - LQR (Riccati) in 2-D.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "problems/eikonal.hpp"
#include "problems/lqr.hpp"
#include "test_solver_helpers.hpp"

using namespace hjb;

namespace {

struct ErrorNorms {
  double l1 = 0.0, max = 0.0;
};

/// Errors of the eikonal solve on n nodes per axis over the shell 0.5 <= |x| <= 1.5 (away from
/// the kink of |x| at the origin and from the domain boundary).
template <int D>
ErrorNorms eikonal_error(std::int64_t n, const TimeDependentOptions& o) {
  problems::Eikonal<D> problem;
  problem.half_width = 3.0;
  std::array<std::int64_t, D> shape;
  shape.fill(n);
  const auto axes = hjb::testing::problem_axes(problem, shape);
  const auto v = hjb::testing::solve_and_gather(PETSC_COMM_WORLD, problem, axes, o);
  TensorGrid<D> grid(PETSC_COMM_SELF, axes);
  ErrorNorms e;
  long count = 0;
  for (std::int64_t k = 0; k < grid.global_count(); ++k) {
    const auto x = grid.coordinates(grid.from_natural_index(k));
    double r2 = 0.0;
    for (double c : x) r2 += c * c;
    if (r2 < 0.25 || r2 > 2.25) continue;
    const double err = std::abs(v[k] - problem.exact(x, o.horizon));
    e.l1 += err;
    e.max = std::max(e.max, err);
    ++count;
  }
  e.l1 /= count;
  return e;
}

/// Observed orders between successive refinements (factor 2 in h); prints a table.
template <class ErrorAt>
std::vector<double> observed_orders(const char* label, const std::vector<std::int64_t>& sizes,
                                    ErrorAt&& error_at) {
  std::vector<double> orders;
  ErrorNorms previous{};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const ErrorNorms e = error_at(sizes[i]);
    if (i == 0) {
      PetscPrintf(PETSC_COMM_WORLD, "  %-28s n = %4ld  L1 error %.3e  max error %.3e\n", label,
                  (long)sizes[i], e.l1, e.max);
    } else {
      const double order = std::log2(previous.l1 / e.l1);
      orders.push_back(order);
      PetscPrintf(PETSC_COMM_WORLD, "  %-28s n = %4ld  L1 error %.3e  max error %.3e  observed order %.2f\n",
                  label, (long)sizes[i], e.l1, e.max, order);
    }
    previous = e;
  }
  return orders;
}

TimeDependentOptions options(DerivativeScheme s, TimeIntegrator t, double horizon) {
  TimeDependentOptions o;
  o.derivative = s;
  o.integrator = t;
  o.horizon = horizon;
  o.boundary = BoundaryCondition::extrapolate;
  o.progress_seconds = INFINITY;
  return o;
}

}  // namespace

TEST(Convergence, HopfLaxShrinkingCircle2D) {
  const auto first = options(DerivativeScheme::upwind1, TimeIntegrator::rk1, 0.5);
  const auto weno = options(DerivativeScheme::weno5, TimeIntegrator::rk3, 0.5);
  const std::vector<std::int64_t> sizes{41, 81, 161};
  const auto o1 =
      observed_orders("2-D first order + RK1", sizes, [&](auto n) { return eikonal_error<2>(n, first); });
  const auto o5 =
      observed_orders("2-D WENO5 + TVD-RK3", sizes, [&](auto n) { return eikonal_error<2>(n, weno); });
  EXPECT_GE(o1.back(), 0.8);
  EXPECT_GE(o5.back(), 2.5);
  EXPECT_GT(o5.back(), o1.back() + 1.0);
}

TEST(Convergence, HopfLaxShrinkingSphere3D) {
  const auto first = options(DerivativeScheme::upwind1, TimeIntegrator::rk1, 0.5);
  const auto weno = options(DerivativeScheme::weno5, TimeIntegrator::rk3, 0.5);
  const std::vector<std::int64_t> sizes{25, 49, 97};
  const auto o1 =
      observed_orders("3-D first order + RK1", sizes, [&](auto n) { return eikonal_error<3>(n, first); });
  const auto o5 =
      observed_orders("3-D WENO5 + TVD-RK3", sizes, [&](auto n) { return eikonal_error<3>(n, weno); });
  EXPECT_GE(o1.back(), 0.8);
  EXPECT_GE(o5.back(), 2.5);
  EXPECT_GT(o5.back(), o1.back() + 1.0);
}

TEST(Convergence, HopfLaxShrinkingCircleSemiLagrangian2D) {
  // Steps of 4 (cubic) and 2 (linear) times the method of lines' stable step, h and dt halved
  // together: the interpolation error O(h^4 / dt) resp. O(h^2 / dt) gives orders 3 and 1 where the
  // solution is smooth (the shell away from the kink; the characteristics are straight, so the
  // time discretisation is exact here).
  auto sl = options(DerivativeScheme::upwind1, TimeIntegrator::rk1, 0.5);
  sl.method = TimeMethod::semi_lagrangian;
  sl.cfl = 4.0;
  const std::vector<std::int64_t> sizes{41, 81, 161};
  const auto cubic =
      observed_orders("2-D semi-Lagrangian cubic", sizes, [&](auto n) { return eikonal_error<2>(n, sl); });
  sl.interpolation = SlInterpolation::linear;
  sl.cfl = 2.0;
  const auto linear =
      observed_orders("2-D semi-Lagrangian linear", sizes, [&](auto n) { return eikonal_error<2>(n, sl); });
  EXPECT_GE(linear.back(), 0.8);
  EXPECT_GE(cubic.back(), 2.0);
}

namespace {

/// LQR with A = 0, B = I, Q = diag(q), R = diag(r), Qf = 0: the Riccati equation decouples,
/// dp_i/dtau = q_i - p_i^2 / r_i, p_i(0) = 0, so p_i(tau) = sqrt(q_i r_i) tanh(sqrt(q_i / r_i) tau)
/// and V(x, -tau) = sum_i p_i(tau) x_i^2. Error over the interior box |x_i| <= 0.5.
ErrorNorms lqr_error(std::int64_t n, const TimeDependentOptions& o) {
  problems::LQR<2> problem;
  problem.q = {1.0, 2.0};
  problem.r = {1.0, 0.5};
  problem.qf = {0.0, 0.0};
  problem.control_bound = 3.0;
  const auto axes = hjb::testing::problem_axes(problem, {n, n});
  const auto v = hjb::testing::solve_and_gather(PETSC_COMM_WORLD, problem, axes, o);
  TensorGrid<2> grid(PETSC_COMM_SELF, axes);
  ErrorNorms e;
  long count = 0;
  for (std::int64_t k = 0; k < grid.global_count(); ++k) {
    const auto x = grid.coordinates(grid.from_natural_index(k));
    if (std::abs(x[0]) > 0.5 || std::abs(x[1]) > 0.5) continue;
    double exact = 0.0;
    for (int i = 0; i < 2; ++i)
      exact += std::sqrt(problem.q[i] * problem.r[i]) *
               std::tanh(std::sqrt(problem.q[i] / problem.r[i]) * o.horizon) * x[i] * x[i];
    const double err = std::abs(v[k] - exact);
    e.l1 += err;
    e.max = std::max(e.max, err);
    ++count;
  }
  e.l1 /= count;
  return e;
}

}  // namespace

TEST(Convergence, LqrMatchesTheRiccatiSolution) {
  const auto first = options(DerivativeScheme::upwind1, TimeIntegrator::rk1, 1.0);
  const auto weno = options(DerivativeScheme::weno5, TimeIntegrator::rk3, 1.0);
  const std::vector<std::int64_t> sizes{21, 41, 81};
  const auto o1 =
      observed_orders("2-D LQR first order + RK1", sizes, [&](auto n) { return lqr_error(n, first); });
  const auto o5 =
      observed_orders("2-D LQR WENO5 + TVD-RK3", sizes, [&](auto n) { return lqr_error(n, weno); });
  EXPECT_GE(o1.back(), 0.8);
  EXPECT_GE(o5.back(), 2.5);  // space is exact on quadratics: the RK3 time error remains
}
