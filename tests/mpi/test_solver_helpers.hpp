// Helpers of the solver MPI tests: run a time-dependent solve on a communicator and gather the
// final values to rank 0 in natural (row-major) order.
#pragma once
#include <petscsys.h>

#include <vector>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/semi_lagrangian_time.hpp"
#include "solver/algorithms/time_dependent.hpp"

namespace hjb::testing {

/// Solves `problem` on `comm` and returns the final table on every rank (natural order).
/// Collective over comm.
template <ControlProblem P>
std::vector<double> solve_and_gather(MPI_Comm comm, const P& problem, const std::array<Axis, P::dim>& axes,
                                     const TimeDependentOptions& options) {
  TensorGrid<P::dim> grid(comm, axes);
  const OwnedVec v = grid.create_vector();
  if (options.method == TimeMethod::semi_lagrangian) {
    SemiLagrangianTimeSolver<P> solver(problem, grid, options);
    check_decomposition(grid, solver.halo_width(), "semi-Lagrangian");
    solver.set_initial(v);
    solver.solve(v, [](int, double, Vec) {});
  } else {
    TimeDependentSolver<P> solver(problem, grid, options);
    solver.set_initial(v);
    solver.solve(v, [](int, double, Vec) {});
  }
  std::vector<double> local(grid.global_count(), 0.0), global(grid.global_count(), 0.0);
  const PetscScalar* data;
  VecGetArrayRead(v, &data);
  for (std::int64_t l = 0; l < grid.owned_count(); ++l)
    local[grid.natural_index(grid.owned_node(l))] = data[l];
  VecRestoreArrayRead(v, &data);
  // Each node is owned once, so the sum is an exact gather.
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(global.size()), MPI_DOUBLE, MPI_SUM, comm);
  return global;
}

/// Axes of a problem's own domain with the given shape.
template <ControlProblem P>
std::array<Axis, P::dim> problem_axes(const P& problem, const std::array<std::int64_t, P::dim>& shape) {
  std::array<Axis, P::dim> axes;
  const auto domain = problem.domain();
  for (int a = 0; a < P::dim; ++a)
    axes[a] = {"x" + std::to_string(a), domain[a].lo, domain[a].hi, shape[a], domain[a].periodic};
  return axes;
}

}  // namespace hjb::testing
