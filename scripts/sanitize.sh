#!/usr/bin/env bash
# Builds with AddressSanitizer + UndefinedBehaviorSanitizer (CMake preset `sanitize`) and runs the
# unit tests and the MPI grid/I-O tests under them. Leak detection is off: Open MPI and PETSc keep
# global allocations until exit, which LeakSanitizer would report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install_deps.sh
cmake --preset sanitize > build-sanitize.log 2>&1 || { cat build-sanitize.log; exit 1; }
cmake --build build-sanitize -j "$(nproc)" --target unit_tests rl_unit_tests grid_mpi_tests io_mpi_tests \
  solver_behaviour_tests bellman_sweep_tests >> build-sanitize.log 2>&1 || { tail -40 build-sanitize.log; exit 1; }
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cd build-sanitize
ctest --output-on-failure -j "$(nproc)" -L "unit|mpi" -R "^(Sets|Problems|UpwindDerivatives|Partition|SolveOptions|LaxFriedrichs|TvdRungeKutta|ReachMode|SemiLagrangian|ProblemCatalog|RlMapping|Environments|Mlp|Adam|GradientClipping|PolicyFile|Gae|Gaussian|DenseKernels|PpoLoss|Sac|Training|Evaluation|Score|SparseGrid|AdaptiveSparseGrid|SparseTimeDependent|SparseSemiLagrangian|CombinationTechnique|grid_mpi|io_mpi|solver_behaviour|bellman_sweep)"
