// Example: a discounted MDP solved in memory by inexact policy iteration (PETSc KSP) on two grids,
// against its closed form. The 2-D LQ MDP (problems/lqr_mdp.hpp) has the value V(x) = x^T P x with
// P the fixed point of the discounted discrete Riccati map, computed here independently by
// iterating that map on 2x2 matrices; the grid's error on the start box and the observed order are
// printed. Run: mpirun -n 2 build/examples/lqr_mdp      (exit 0 when the error falls with refinement)
#include "problems/lqr_mdp.hpp"

#include <petscsys.h>

#include <array>
#include <cmath>
#include <cstdio>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/stationary.hpp"

namespace {

using Mat2 = std::array<std::array<double, 2>, 2>;

/// P = dt I + gamma F^T P F - gamma^2 F^T P g (dt r + gamma g^T P g)^{-1} g^T P F, iterated to its
/// fixed point, with F = I + dt A (A the double integrator) and g = dt b, b = (0, 1).
Mat2 riccati(const hjb::problems::LqrMdp<2>& p) {
  const Mat2 F{{{1.0, p.dt}, {0.0, 1.0}}};
  const std::array<double, 2> g{0.0, p.dt};
  const double gamma = p.discount;
  Mat2 P{{{0.0, 0.0}, {0.0, 0.0}}};
  for (int it = 0; it < 100000; ++it) {
    Mat2 PF{}, FPF{};
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        for (int k = 0; k < 2; ++k) PF[i][j] += P[i][k] * F[k][j];
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        for (int k = 0; k < 2; ++k) FPF[i][j] += F[k][i] * PF[k][j];
    std::array<double, 2> gPF{}, Pg{};  // g^T P F and P g
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k) gPF[j] += g[k] * PF[k][j], Pg[j] += P[j][k] * g[k];
    const double gPg = g[0] * Pg[0] + g[1] * Pg[1], denominator = p.dt * p.r + gamma * gPg;
    Mat2 next{};
    double change = 0.0;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) {
        next[i][j] =
            (i == j ? p.dt : 0.0) + gamma * FPF[i][j] - gamma * gamma * gPF[i] * gPF[j] / denominator;
        change = std::max(change, std::abs(next[i][j] - P[i][j]));
      }
    P = next;
    if (change < 1e-14) break;
  }
  return P;
}

/// Solves on an n x n grid over the problem's box; returns the largest |V - x^T P x| on the start box.
double solve_and_compare(const hjb::problems::LqrMdp<2>& problem, const Mat2& P, std::int64_t n) {
  const double w = problem.half_width;
  hjb::TensorGrid<2> grid(PETSC_COMM_WORLD,
                          {hjb::Axis{"x0", -w, w, n, false}, hjb::Axis{"x1", -w, w, n, false}});
  hjb::StationaryOptions options;  // inexact policy iteration, 21 actions, residual 1e-8
  options.progress_seconds = 1e9;
  hjb::StationarySolver<hjb::problems::LqrMdp<2>> solver(problem, grid, options);
  const hjb::OwnedVec v = grid.create_vector();
  VecSet(v, 0.0);
  const hjb::SolveSummary summary = solver.solve(v);
  double worst = 0.0;
  const PetscScalar* values;
  VecGetArrayRead(v, &values);
  for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
    const auto x = grid.coordinates(grid.owned_node(l));
    if (std::abs(x[0]) > problem.start_width || std::abs(x[1]) > problem.start_width) continue;
    const double exact = P[0][0] * x[0] * x[0] + 2.0 * P[0][1] * x[0] * x[1] + P[1][1] * x[1] * x[1];
    worst = std::max(worst, std::abs(values[l] - exact));
  }
  VecRestoreArrayRead(v, &values);
  double global;
  MPI_Allreduce(&worst, &global, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  PetscPrintf(PETSC_COMM_WORLD,
              "  %3lld x %-3lld %s in %ld iterations: max |V - x^T P x| on the start box %.3e\n",
              static_cast<long long>(n), static_cast<long long>(n), summary.algorithm.c_str(),
              summary.iterations, global);
  return global;
}

}  // namespace

int main(int argc, char** argv) {
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  int failed = 0;
  {
    const hjb::problems::LqrMdp<2> problem;
    const Mat2 P = riccati(problem);
    PetscPrintf(PETSC_COMM_WORLD, "LQ MDP 2-D, discount %.2f: Riccati P = [[%.6f, %.6f], [%.6f, %.6f]]\n",
                problem.discount, P[0][0], P[0][1], P[1][0], P[1][1]);
    const double coarse = solve_and_compare(problem, P, 41), fine = solve_and_compare(problem, P, 81);
    PetscPrintf(PETSC_COMM_WORLD, "  observed order (max norm) %.2f\n", std::log2(coarse / fine));
    failed = !(fine < coarse);
  }
  PetscFinalize();
  return failed;
}
