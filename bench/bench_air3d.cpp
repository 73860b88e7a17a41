// Throughput benchmark: Air3D BRT to t = -2.8 (default 101x101x100, WENO5 + TVD-RK3), timed
// without I/O; prints grid-point stage updates per second per core. Run at several rank counts
// (bench/run_benchmarks.sh) to get the scaling ratio in the same run.
//
//   mpirun -n 2 build/bench_air3d [--shape 101,101,100] [--horizon 2.8] [--accuracy very_high]
#include <petscsys.h>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include "problems/air3d.hpp"
#include "solver/algorithms/time_dependent.hpp"

using namespace hjb;

int main(int argc, char** argv) {
  std::array<std::int64_t, 3> shape{101, 101, 100};
  double horizon = 2.8;
  std::string accuracy = "very_high";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--shape")) {
      std::stringstream ss(argv[i + 1]);
      char comma;
      ss >> shape[0] >> comma >> shape[1] >> comma >> shape[2];
    } else if (!std::strcmp(argv[i], "--horizon")) {
      horizon = std::atof(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--accuracy")) {
      accuracy = argv[i + 1];
    }
  }
  int no_args = 1;
  char** no_argv = argv;
  PetscInitialize(&no_args, &no_argv, nullptr, nullptr);
  int code = 0;
  try {
    problems::Air3D problem;
    const auto domain = problem.domain();
    std::array<Axis, 3> axes;
    const char* names[3] = {"x", "y", "psi"};
    for (int a = 0; a < 3; ++a)
      axes[a] = {names[a], domain[a].lo, domain[a].hi, shape[a], domain[a].periodic};
    TensorGrid<3> grid(PETSC_COMM_WORLD, axes);
    TimeDependentOptions o;
    apply_accuracy_preset(accuracy, o);
    o.mode = ReachMode::tube;
    o.horizon = horizon;
    o.progress_seconds = INFINITY;
    TimeDependentSolver<problems::Air3D> solver(problem, grid, o);
    const OwnedVec v = grid.create_vector();
    solver.set_initial(v);
    MPI_Barrier(PETSC_COMM_WORLD);
    const auto s = solver.solve(v, [](int, double, Vec) {});
    const double rate = s.node_stage_updates / s.wall_seconds;
    PetscPrintf(PETSC_COMM_WORLD,
                "bench_air3d ranks=%d shape=%ldx%ldx%ld accuracy=%s steps=%ld wall=%.2f s "
                "node-stage-updates/s=%.3e per-core=%.3e\n",
                grid.size(), (long)shape[0], (long)shape[1], (long)shape[2], accuracy.c_str(), s.iterations,
                s.wall_seconds, rate, rate / grid.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_air3d: %s\n", e.what());
    code = 1;
  }
  PetscFinalize();
  return code;
}
