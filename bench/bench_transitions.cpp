// Stored (compact) transitions against matrix-free recomputation of the step, on one rank: the
// time of one Bellman sweep over every (node, action) of the Pendulum-v1 MDP (21 actions) both
// ways, in the same run, and the memory the stored form takes. The matrix-free sweep recomputes
// Gymnasium's step, the cost and the multilinear weights of every (node, action) and reads the
// values by global index (on one rank the vector is the whole grid; on several ranks it would also
// need a lookup of the gathered off-rank nodes, so this is its best case).
//
//   build/bench_transitions [--shape 501,501] [--sweeps 10]
#include <petscsys.h>

#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

#include "problems/pendulum.hpp"
#include "solver/algorithms/controlled_chain.hpp"

using namespace hjb;

int main(int argc, char** argv) {
  std::array<std::int64_t, 2> shape{501, 501};
  int sweeps = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--shape")) {
      std::stringstream ss(argv[i + 1]);
      char comma;
      ss >> shape[0] >> comma >> shape[1];
    } else if (!std::strcmp(argv[i], "--sweeps")) {
      sweeps = std::atoi(argv[i + 1]);
    }
  }
  int no_args = 1;
  char** no_argv = argv;
  PetscInitialize(&no_args, &no_argv, nullptr, nullptr);
  int code = 0;
  try {
    const problems::Pendulum pendulum;
    const auto domain = pendulum.domain();
    std::array<Axis, 2> axes;
    for (int a = 0; a < 2; ++a)
      axes[a] = {"x" + std::to_string(a), domain[a].lo, domain[a].hi, shape[a], domain[a].periodic};
    TensorGrid<2> grid(PETSC_COMM_SELF, axes);
    const double gamma = pendulum.discount;
    double t0 = MPI_Wtime();
    ControlledChain<problems::Pendulum> chain(pendulum, grid, 21);
    const double build = MPI_Wtime() - t0;
    const OwnedVec v = grid.create_vector(), out = grid.create_vector();
    VecSet(v, 1.0);
    std::vector<int> policy;
    t0 = MPI_Wtime();
    double check_stored = 0.0;
    for (int s = 0; s < sweeps; ++s) check_stored += chain.bellman(v, out, gamma, policy, "bench");
    const double stored = (MPI_Wtime() - t0) / sweeps;
    // Matrix-free: recompute every transition in every sweep.
    const auto actions = chain.actions();
    const std::int64_t n = grid.owned_count();
    std::vector<double> result(static_cast<std::size_t>(n));
    const PetscScalar* values;
    VecGetArrayRead(v, &values);
    t0 = MPI_Wtime();
    double check_free = 0.0;
    for (int s = 0; s < sweeps; ++s) {
      double residual = 0.0;
      for (std::int64_t l = 0; l < n; ++l) {
        const auto x = grid.coordinates(grid.owned_node(l));
        double best = std::numeric_limits<double>::infinity();
        for (const auto& a : actions) {
          const Transition<2> t = semi_lagrangian_transition(pendulum, grid.axes(), x, a);
          double ev = 0.0;
          for (int c = 0; c < 4; ++c) ev += t.cell.weight[c] * values[grid.petsc_index(t.cell.node[c])];
          best = std::min(best, t.cost + gamma * ev);
        }
        result[l] = best;
        residual = std::max(residual, std::abs(best - values[l]));
      }
      check_free += residual;
    }
    const double free = (MPI_Wtime() - t0) / sweeps;
    VecRestoreArrayRead(v, &values);
    const double rows = static_cast<double>(n) * static_cast<double>(actions.size());
    std::printf("Pendulum MDP %lldx%lld, %zu actions, 1 rank, %d sweeps each\n", (long long)shape[0],
                (long long)shape[1], actions.size(), sweeps);
    std::printf(
        "  stored compact transitions: build %.3f s, %.1f MB (%.0f B per node-action), sweep %.4f s "
        "(%.2f ns per node-action)\n",
        build, rows * ControlledChain<problems::Pendulum>::bytes_per_transition / 1e6,
        ControlledChain<problems::Pendulum>::bytes_per_transition, stored, 1e9 * stored / rows);
    std::printf("  matrix-free recomputation:  no storage, sweep %.4f s (%.2f ns per node-action)\n", free,
                1e9 * free / rows);
    std::printf(
        "  matrix-free / stored sweep time: %.2f (residuals agree: %s)\n", free / stored,
        std::abs(check_free - check_stored) <= 1e-12 * std::max(1.0, std::abs(check_stored)) ? "yes" : "NO");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_transitions: %s\n", e.what());
    code = 1;
  }
  PetscFinalize();
  return code;
}
