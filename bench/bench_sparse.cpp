// Sparse-grid throughput on one core: hierarchisation (nodes per second) and evaluation of the
// interpolant at random points (evaluations per second), for regular grids with boundary and
// boundary-free (extrapolating) grids in d = 2..8; the inner loop of a semi-Lagrangian step on
// sparse grids.
//
//   build/bench_sparse [--points 20000]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "grids/sparse/sparse_grid.hpp"

using hjb::sparse::SparseGrid;

int main(int argc, char** argv) {
  long points = 20000;
  for (int i = 1; i + 1 < argc; i += 2)
    if (!std::strcmp(argv[i], "--points")) points = std::atol(argv[i + 1]);
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::printf(
      "| basis | d | level | nodes | subspaces | hierarchise (Mnodes/s) | evaluate (evaluations/s) "
      "|\n|---|---|---|---|---|---|---|\n");
  const int levels[][3] = {{0, 2, 10}, {0, 3, 8}, {0, 4, 7}, {0, 5, 6}, {0, 6, 6}, {0, 8, 5},
                           {1, 2, 10}, {1, 4, 8}, {1, 6, 7}, {1, 8, 6}, {1, 8, 7}};
  for (const auto& [b, d, n] : levels) {
    const auto basis = b ? hjb::sparse::Basis::extrapolating : hjb::sparse::Basis::boundary;
    const SparseGrid g(d, n, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), {}, basis);
    std::vector<double> v(static_cast<std::size_t>(g.size()));
    double x[hjb::sparse::max_dimension];
    for (std::int64_t p = 0; p < g.size(); ++p) {
      g.coordinates(p, x);
      double r2 = 0.0;
      for (int k = 0; k < d; ++k) r2 += (x[k] - 0.3) * (x[k] - 0.3);
      v[p] = std::exp(-r2);
    }
    auto t0 = std::chrono::steady_clock::now();
    g.hierarchize(v);
    const double th = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> pts(static_cast<std::size_t>(points * d)), out(static_cast<std::size_t>(points));
    for (double& c : pts) c = u(rng);
    t0 = std::chrono::steady_clock::now();
    g.evaluate_batch(v, pts.data(), points, out.data());
    const double te = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double check = 0.0;
    for (double o : out) check += o;
    std::printf("| %s | %d | %d | %lld | %zu | %.2f | %.3g |%s\n", hjb::sparse::to_string(basis).c_str(), d,
                n, static_cast<long long>(g.size()), g.subspace_count(),
                static_cast<double>(g.size()) / th / 1e6, static_cast<double>(points) / te,
                std::isfinite(check) ? "" : " (NaN!)");
  }
  return 0;
}
