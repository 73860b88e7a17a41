// The plain value-iteration yardstick of issue 23: one thread, Jacobi value iteration on the
// stationary Pendulum-v1 MDP (21 actions, the problem's discount) read from a sparse transition
// matrix in CSR form — one row per (node, action): its cost and its successors' indices and
// weights — until max |TV - V| < 1e-8. The matrix is exported once from the same semi-Lagrangian
// chain `hjbench solve` builds (so both solve the same MDP); the iteration touches nothing of
// hjbench's. Prints the export and iteration times, the iterations and the final residual.
//
//   build/bench_vi_yardstick [--shape 501,501] [--tolerance 1e-8]
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>
#include <vector>

#include "problems/pendulum.hpp"
#include "solver/algorithms/controlled_chain.hpp"

using namespace hjb;

namespace {

struct Csr {
  std::vector<std::int64_t> row_start;  ///< per (node, action) row, into col/weight
  std::vector<std::int32_t> col;
  std::vector<double> weight, cost;
  std::int64_t nodes = 0, actions = 0;
};

/// One Jacobi sweep: out = min_a (c + gamma sum w V); returns max |out - v|.
double sweep(const Csr& m, double gamma, const std::vector<double>& v, std::vector<double>& out) {
  double residual = 0.0;
  for (std::int64_t i = 0; i < m.nodes; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::int64_t a = 0; a < m.actions; ++a) {
      const std::int64_t r = i * m.actions + a;
      double ev = 0.0;
      for (std::int64_t k = m.row_start[r]; k < m.row_start[r + 1]; ++k) ev += m.weight[k] * v[m.col[k]];
      best = std::min(best, m.cost[r] + gamma * ev);
    }
    out[i] = best;
    residual = std::max(residual, std::abs(best - v[i]));
  }
  return residual;
}

}  // namespace

int main(int argc, char** argv) {
  std::array<std::int64_t, 2> shape{501, 501};
  double tolerance = 1e-8;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--shape")) {
      std::stringstream ss(argv[i + 1]);
      char comma;
      ss >> shape[0] >> comma >> shape[1];
    } else if (!std::strcmp(argv[i], "--tolerance")) {
      tolerance = std::atof(argv[i + 1]);
    }
  }
  int no_args = 1;
  char** no_argv = argv;
  PetscInitialize(&no_args, &no_argv, nullptr, nullptr);
  {
    const problems::Pendulum pendulum;
    const auto domain = pendulum.domain();
    std::array<Axis, 2> axes;
    for (int a = 0; a < 2; ++a)
      axes[a] = {"x" + std::to_string(a), domain[a].lo, domain[a].hi, shape[a], domain[a].periodic};
    TensorGrid<2> grid(PETSC_COMM_SELF, axes);
    double t0 = MPI_Wtime();
    Csr m;
    {
      const ControlledChain<problems::Pendulum> chain(pendulum, grid, 21);
      m.nodes = grid.owned_count();
      m.actions = chain.action_count();
      m.row_start.push_back(0);
      for (std::int64_t r = 0; r < m.nodes * m.actions; ++r) {
        m.cost.push_back(chain.cost(r / m.actions, r % m.actions));
        chain.for_each_entry(r, [&](PetscInt col, double w) {
          m.col.push_back(static_cast<std::int32_t>(col));
          m.weight.push_back(w);
        });
        m.row_start.push_back(static_cast<std::int64_t>(m.col.size()));
      }
    }
    const double export_seconds = MPI_Wtime() - t0;
    std::vector<double> v(static_cast<std::size_t>(m.nodes), 0.0), out(v.size());
    t0 = MPI_Wtime();
    long iterations = 0;
    double residual = INFINITY;
    while (residual >= tolerance) {
      residual = sweep(m, pendulum.discount, v, out);
      v.swap(out);
      ++iterations;
    }
    const double iterate_seconds = MPI_Wtime() - t0;
    std::printf(
        "yardstick: Pendulum-v1 %ldx%ld, 21 actions, gamma %g: CSR export %.2f s (%zu entries), Jacobi value "
        "iteration %ld iterations to max |TV - V| = %.3g in %.2f s\n",
        static_cast<long>(shape[0]), static_cast<long>(shape[1]), pendulum.discount, export_seconds,
        m.col.size(), iterations, residual, iterate_seconds);
  }
  PetscFinalize();
  return 0;
}
