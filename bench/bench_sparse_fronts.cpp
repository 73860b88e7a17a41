// Front propagation with an exact solution on sparse and full grids, the same semi-Lagrangian
// scheme (solver/algorithms/sparse_time_dependent.hpp), in d dimensions (problems/eikonal.hpp,
// control maximising, on [-2, 2]^d to tau = 0.5): the eikonal problem (the sphere |x| = 1
// shrinks, exact V = |x| - 1 + tau) or, with --problem diamond, the cross-polytope
// |x - 0.1|_1 = 1 under box controls (exact V = |x - 0.1|_1 - 1 + d tau; the box's vertices as
// inputs). Errors over 4000 fixed random points of the interior box [-1, 1]^d (L-infinity and
// mean |error|); on stderr, the sign and |x| of the largest error and the largest error of the same
// grid's interpolant of the exact solution (what the grid alone would give).
//
//   mpirun -n 2 build/bench_sparse_fronts [--cfl C] [--problem eikonal|diamond] DIM KIND LEVEL [LEVEL ...]
//     --cfl C: dt = C x the finest spacing (default 1; the scheme is semi-Lagrangian, any C > 0
//     is stable, and for this problem a single step is exact up to interpolation);
//     DIM: 2, 4, 6 or 8; KIND: boundary (sparse grid with boundary), extrapolating (boundary-free
//     sparse grid), full (the full tensor grid with 2^LEVEL + 1 nodes per axis) or
//     adaptive:BASIS:EPS:MAX (spatially adaptive from the regular grid of LEVEL in BASIS, refined
//     where |surplus| > EPS up to level MAX per axis, coarsened below EPS / 10)
#include <mpi.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <type_traits>

#include "problems/eikonal.hpp"
#include "solver/algorithms/sparse_time_dependent.hpp"

using namespace hjb;

template <class Problem>
void run(const std::string& kind, int level, double cfl, int rank, int size) {
  constexpr int D = Problem::dim;
  const Problem problem;
  const std::vector<double> lo(D, -2.0), hi(D, 2.0);
  SparseTimeOptions o;
  o.horizon = 0.5;
  o.cfl = cfl;
  if constexpr (std::is_same_v<Problem, problems::Diamond<D>>) o.inputs_per_axis = 2;  // the box's vertices
  auto report = [&](const auto& grid, const auto& r, double wall, std::int64_t largest) {
    std::vector<double> surplus = r.values;
    grid.hierarchize(surplus);
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    double worst = 0.0, sum = 0.0, worst_signed = 0.0, worst_radius = 0.0;
    const int samples = 4000;
    State<D> x;
    for (int q = 0; q < samples; ++q) {
      for (double& c : x) c = u(rng);
      const double signed_error = grid.evaluate(surplus, x.data()) - problem.exact(x, o.horizon);
      const double e = std::abs(signed_error);
      if (e > worst) {
        worst = e;
        worst_signed = signed_error;
        worst_radius = 0.0;
        for (double c : x) worst_radius += c * c;
        worst_radius = std::sqrt(worst_radius);
      }
      sum += e;
    }
    // Where the largest error is (stderr, beside the table): its sign, the point's |x|, and the
    // largest error of the same grid's interpolant of the exact solution (the grid's share).
    std::vector<double> exact(static_cast<std::size_t>(grid.size()));
    for (std::int64_t p = 0; p < grid.size(); ++p) {
      State<D> node;
      grid.coordinates(p, node.data());
      exact[p] = problem.exact(node, o.horizon);
    }
    grid.hierarchize(exact);
    std::mt19937_64 again(11);
    double interpolation = 0.0;
    for (int q = 0; q < samples; ++q) {
      for (double& c : x) c = u(again);
      interpolation =
          std::max(interpolation, std::abs(grid.evaluate(exact, x.data()) - problem.exact(x, o.horizon)));
    }
    if (rank == 0)
      std::fprintf(stderr, "largest error %+.3e at |x| = %.3f; the exact solution interpolated: %.3e\n",
                   worst_signed, worst_radius, interpolation);
    if (rank == 0)
      std::printf("| %d | %s | %d | %lld (largest %lld) | %ld | %d | %.2f | %.3e | %.3e |\n", D, kind.c_str(),
                  level, static_cast<long long>(grid.size()), static_cast<long long>(largest), r.steps, size,
                  wall, worst, sum / samples);
  };
  if (kind.rfind("adaptive:", 0) == 0) {
    char basis_name[32] = {};
    double eps = 0;
    int max_level = 0;
    if (std::sscanf(kind.c_str(), "adaptive:%31[a-z]:%lf:%d", basis_name, &eps, &max_level) != 3) {
      if (rank == 0) std::fprintf(stderr, "adaptive kind: adaptive:BASIS:EPS:MAX\n");
      return;
    }
    sparse::AdaptiveSparseGrid grid(
        sparse::SparseGrid(D, level, lo, hi, {}, sparse::parse_basis(basis_name)));
    o.adapt_threshold = eps;
    o.adapt_max_level = max_level;
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    const auto r = sparse_time_dependent(problem, grid, o, MPI_COMM_WORLD);
    report(grid, r, MPI_Wtime() - t0, r.largest_grid);
    return;
  }
  const sparse::SparseGrid grid =
      kind == "full" ? sparse::SparseGrid(D, D * level, lo, hi, sparse::Levels(D, level))
                     : sparse::SparseGrid(
                           D, level, lo, hi, {},
                           kind == "extrapolating" ? sparse::Basis::extrapolating : sparse::Basis::boundary);
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  const auto r = sparse_time_dependent(problem, grid, o, MPI_COMM_WORLD);
  const double wall = MPI_Wtime() - t0;
  if (kind == "full") {  // the multilinear interpolant (the same values, without the hierarchical sum)
    sparse::GridInterpolant v(grid);
    v.set_values(r.values);
    struct Nodal {
      const sparse::SparseGrid& g;
      sparse::GridInterpolant& v;
      std::int64_t size() const { return g.size(); }
      void coordinates(std::int64_t p, double* x) const { g.coordinates(p, x); }
      void hierarchize(std::vector<double>&) const {}
      double evaluate(const std::vector<double>&, const double* x) const { return v(x); }
    } nodal{grid, v};
    report(nodal, r, wall, grid.size());
  } else {
    report(grid, r, wall, grid.size());
  }
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double cfl = 1.0;
  bool diamond = false;
  for (bool more = true; more && argc > 2;) {
    more = false;
    if (std::string(argv[1]) == "--cfl") {
      cfl = std::atof(argv[2]);
      argv += 2;
      argc -= 2;
      more = true;
    } else if (std::string(argv[1]) == "--problem" &&
               (std::string(argv[2]) == "diamond" || std::string(argv[2]) == "eikonal")) {
      diamond = std::string(argv[2]) == "diamond";
      argv += 2;
      argc -= 2;
      more = true;
    }
  }
  if (argc < 4 || !(cfl > 0)) {
    if (rank == 0)
      std::fprintf(stderr,
                   "usage: bench_sparse_fronts [--cfl C > 0] [--problem eikonal|diamond] DIM "
                   "boundary|extrapolating|full|adaptive:B:E:M "
                   "LEVEL...\n");
    MPI_Finalize();
    return 2;
  }
  const int dim = std::atoi(argv[1]);
  const std::string kind = argv[2];
  if (rank == 0)
    std::printf(
        "| d | grid | level | nodes | steps | ranks | wall (s) | max error | mean error |\n"
        "|---|---|---|---|---|---|---|---|---|\n");
  for (int a = 3; a < argc; ++a) {
    const int level = std::atoi(argv[a]);
    switch (dim) {
      case 2:
        diamond ? run<problems::Diamond<2>>(kind, level, cfl, rank, size)
                : run<problems::Eikonal<2>>(kind, level, cfl, rank, size);
        break;
      case 4:
        diamond ? run<problems::Diamond<4>>(kind, level, cfl, rank, size)
                : run<problems::Eikonal<4>>(kind, level, cfl, rank, size);
        break;
      case 6:
        diamond ? run<problems::Diamond<6>>(kind, level, cfl, rank, size)
                : run<problems::Eikonal<6>>(kind, level, cfl, rank, size);
        break;
      case 8:
        diamond ? run<problems::Diamond<8>>(kind, level, cfl, rank, size)
                : run<problems::Eikonal<8>>(kind, level, cfl, rank, size);
        break;
      default:
        if (rank == 0) std::fprintf(stderr, "DIM must be 2, 4, 6 or 8\n");
        MPI_Finalize();
        return 2;
    }
  }
  MPI_Finalize();
  return 0;
}
