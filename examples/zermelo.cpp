// Example: a problem of your own, solved in memory on any number of ranks and checked against
// its closed form. Zermelo's boat (problems/zermelo.hpp — one header and one catalogue line, which
// also makes `hjbench solve --problem.name zermelo` work) without current is the eikonal equation:
//     V(x, -tau) = max(|x - landing| - speed tau, 0) - radius.
// Run: mpirun -n 2 build/examples/zermelo      (exit 0 when the WENO5 solution is within 0.01 away from the
// corner)
#include "problems/zermelo.hpp"

#include <petscsys.h>

#include <cmath>
#include <cstdio>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/time_dependent.hpp"

int main(int argc, char** argv) {
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  int failed = 0;
  {
    hjb::problems::Zermelo boat;
    boat.current = 0.0;  // the closed form below holds without current
    const auto domain = boat.domain();
    std::array<hjb::Axis, 2> axes{hjb::Axis{"x", domain[0].lo, domain[0].hi, 81, false},
                                  hjb::Axis{"y", domain[1].lo, domain[1].hi, 81, false}};
    hjb::TensorGrid<2> grid(PETSC_COMM_WORLD, axes);  // Cartesian blocks over the ranks
    hjb::TimeDependentOptions options;                // WENO5 + TVD-RK3, local Lax-Friedrichs
    options.horizon = 0.5;
    options.progress_seconds = 1e9;
    hjb::TimeDependentSolver<hjb::problems::Zermelo> solver(boat, grid, options);
    const hjb::OwnedVec v = grid.create_vector();
    solver.set_initial(v);
    const hjb::SolveSummary summary = solver.solve(v, [](int, double, Vec) {});
    // The error on this rank's nodes, away from the boundary, reduced over the ranks.
    double worst = 0.0, sum = 0.0, count = 0.0;
    const PetscScalar* values;
    VecGetArrayRead(v, &values);
    for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
      const auto x = grid.coordinates(grid.owned_node(l));
      if (std::abs(x[0]) > 1.8 || std::abs(x[1]) > 1.8) continue;
      const double distance = std::hypot(x[0] - boat.landing_x, x[1]);
      // Compared where V is smooth, three cells beyond its corner at distance = speed tau (inside, V
      // is flat and comes from the cone's apex, a rarefaction the scheme resolves at first order).
      if (distance < boat.speed * options.horizon + 3.0 * grid.axis(0).spacing()) continue;
      const double exact = std::max(distance - boat.speed * options.horizon, 0.0) - boat.radius;
      const double error = std::abs(values[l] - exact);

      worst = std::max(worst, error);
      sum += error;
      count += 1.0;
    }
    VecRestoreArrayRead(v, &values);
    double totals[2] = {sum, count}, global_totals[2];
    MPI_Allreduce(totals, global_totals, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    double global_worst;
    MPI_Allreduce(&worst, &global_worst, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
    PetscPrintf(
        PETSC_COMM_WORLD,
        "zermelo without current, 81x81, WENO5 + RK3 to t = -%.2f in %ld steps: mean |V - exact| %.2e, "
        "max %.2e\n",
        options.horizon, summary.iterations, global_totals[0] / global_totals[1], global_worst);
    failed = global_worst > 0.005;
  }
  PetscFinalize();
  return failed;
}
