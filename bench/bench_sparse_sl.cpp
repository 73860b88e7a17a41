// Sparse-grid semi-Lagrangian iteration throughput: the discounted single-input LQR in 3-D
// (level 7) and 4-D (level 6) solved to a residual of 1e-7 on the ranks it is started on; prints
// the time, the node-action updates per second per core and the error against the Riccati value.
// Run at 1 and 2 ranks for the speed-up (the nodal values are re-assembled on every rank after each
// sweep with MPI_Allgatherv and every rank hierarchises the whole vector).
//
//   mpirun -n 2 build/bench_sparse_sl
#include <mpi.h>

#include <cmath>
#include <cstdio>

#include "problems/stationary_benchmarks.hpp"
#include "solver/algorithms/sparse_stationary.hpp"

using namespace hjb;

template <int D>
void run(int level, int rank, int size) {
  problems::SingleInputLqr<D> lqr;
  const sparse::SparseGrid grid(D, level, std::vector<double>(D, -2.0), std::vector<double>(D, 2.0));
  SparseStationaryOptions o;
  o.actions = 31;
  o.tolerance = 1e-7;
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  const auto r = sparse_semi_lagrangian(lqr, grid, o, MPI_COMM_WORLD);
  const double wall = MPI_Wtime() - t0;
  double worst = 0.0;
  std::array<double, D> x;
  for (std::int64_t p = 0; p < grid.size(); ++p) {
    grid.coordinates(p, x.data());
    bool inside = true;
    for (double c : x) inside = inside && std::abs(c) <= 1.0;
    if (inside) worst = std::max(worst, std::abs(r.values[p] - lqr.exact(x)));
  }
  const double updates =
      static_cast<double>(grid.size()) *
      (static_cast<double>(r.greedy_sweeps) * o.actions + static_cast<double>(r.evaluation_sweeps));
  if (rank == 0)
    std::printf("| %d-D LQR | %d | %lld | %d | %ld + %ld | %.2f | %.3g | %.3e |\n", D, level,
                static_cast<long long>(grid.size()), size, r.greedy_sweeps, r.evaluation_sweeps, wall,
                updates / wall / size, worst);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank == 0)
    std::printf(
        "| problem | level | nodes | ranks | greedy + policy sweeps | wall (s) | node-action updates/s per "
        "core | "
        "max error on [-1, 1]^d |\n|---|---|---|---|---|---|---|---|\n");
  run<3>(7, rank, size);
  run<4>(6, rank, size);
  MPI_Finalize();
  return 0;
}
