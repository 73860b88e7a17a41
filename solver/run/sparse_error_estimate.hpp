// The a-posteriori error estimate every sparse table carries (issue 19, item 4): the same run one
// and two levels coarser, their interpolants at the table's nodes, D1 = V_L - V_{L-1} and
// D2 = V_{L-1} - V_{L-2} with their surpluses (tables/table.hpp: the indicator at x is
// max(2 |I D1(x)|, |I D2(x)|)). The runs themselves are the caller's: the time-dependent and the
// stationary drivers pass how to repeat their run on a coarser regular grid.
#pragma once
#include <mpi.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>
#include <vector>

#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "grids/sparse/sparse_grid.hpp"
#include "tables/table.hpp"

namespace hjb {

/// `regular` `down` levels coarser (caps lowered with it); nothing below level 1.
inline std::optional<sparse::SparseGrid> coarser_grid(const sparse::SparseGrid& regular, int down) {
  const int level = regular.level() - down;
  if (level < 1) return std::nullopt;
  sparse::Levels caps = regular.caps();
  for (auto& c : caps) c = std::min(c, level);
  return sparse::SparseGrid(regular.dimension(), level, regular.lo(), regular.hi(), caps, regular.basis());
}

/// The interpolant of nodal `coarse_values` on `coarse` at the nodes of `grid`.
template <class Grid, class CoarseGrid>
std::vector<double> interpolate_at_nodes(const Grid& grid, const CoarseGrid& coarse,
                                         std::vector<double> coarse_values) {
  coarse.hierarchize(coarse_values);
  std::vector<double> at_nodes(static_cast<std::size_t>(grid.size()));
  std::vector<double> x(static_cast<std::size_t>(grid.dimension()));
  for (std::int64_t p = 0; p < grid.size(); ++p) {
    grid.coordinates(p, x.data());
    at_nodes[p] = coarse.evaluate(coarse_values, x.data());
  }
  return at_nodes;
}

/// The estimate from the values of the same run at levels L - 1 (`v1`) and L - 2 (`v2`, may be
/// empty) at the nodes of `grid`: D1 = values - v1, D2 = v1 - v2 and their surpluses.
template <class Grid>
SparseErrorEstimate estimate_from_coarser(const Grid& grid, const std::vector<double>& values,
                                          const std::vector<double>& v1, const std::vector<double>& v2,
                                          int coarse_level) {
  SparseErrorEstimate e;
  e.coarse_level = coarse_level;
  e.difference.resize(values.size());
  for (std::size_t p = 0; p < values.size(); ++p) e.difference[p] = values[p] - v1[p];
  e.surplus = e.difference;
  grid.hierarchize(e.surplus);
  if (!v2.empty()) {
    e.coarse_difference.resize(values.size());
    for (std::size_t p = 0; p < values.size(); ++p) e.coarse_difference[p] = v1[p] - v2[p];
    e.coarse_surplus = e.coarse_difference;
    grid.hierarchize(e.coarse_surplus);
  }
  return e;
}

/// The refinement threshold of an adaptive run `down` levels coarser: 4^down times the run's (the
/// surpluses of a piecewise-linear basis shrink fourfold per level where the values are smooth), so
/// the coarser run is coarser where the threshold, not the deepest level, shapes the grid.
inline double coarser_threshold(double threshold, int down) { return threshold * std::ldexp(1.0, 2 * down); }

/// The same run on the coarser regular grid `coarse` (`down` levels below the run's), its values at
/// the nodes of `grid`. `run(g, oc)` repeats the run with options `oc` on g — `coarse` itself, or an
/// AdaptiveSparseGrid grown from it with oc = o made `down` levels coarser (adapt_max_level lowered
/// by `down`, not below the coarse grid's level; adapt_threshold at the coarser_threshold) — and
/// returns the nodal values.
template <class Grid, class Options, class Run>
std::vector<double> coarser_values_at_nodes(const Grid& grid, const sparse::SparseGrid& coarse, int down,
                                            const Options& o, Run&& run) {
  if constexpr (std::is_same_v<std::remove_const_t<Grid>, sparse::AdaptiveSparseGrid>) {
    sparse::AdaptiveSparseGrid g(coarse);
    Options oc = o;
    oc.adapt_max_level = std::max(coarse.level(), o.adapt_max_level - down);
    oc.adapt_threshold = coarser_threshold(o.adapt_threshold, down);
    std::vector<double> v = run(g, oc);
    return interpolate_at_nodes(grid, g, std::move(v));
  } else {
    return interpolate_at_nodes(grid, coarse, run(coarse, o));
  }
}

/// The estimate of `values` on `grid`, whose run started from the regular grid `regular`.
/// `run_at_nodes(coarse, down)` repeats the run on `coarse` (= coarser_grid(regular, down)) and
/// returns its values at the nodes of `grid`. Collective when the runs are; nothing below level 2.
/// Prints its cost on rank 0.
template <class Grid, class RunAtNodes>
std::optional<SparseErrorEstimate> coarser_run_differences(MPI_Comm comm, const Grid& grid,
                                                           const sparse::SparseGrid& regular,
                                                           const std::vector<double>& values,
                                                           RunAtNodes&& run_at_nodes) {
  const auto one = coarser_grid(regular, 1);
  if (!one) return std::nullopt;
  const double start = MPI_Wtime();
  const std::vector<double> v1 = run_at_nodes(*one, 1);
  const auto two = coarser_grid(regular, 2);
  const std::vector<double> v2 = two ? run_at_nodes(*two, 2) : std::vector<double>{};
  const SparseErrorEstimate e = estimate_from_coarser(grid, values, v1, v2, one->level());
  PetscPrintf(comm, "error indicator: the runs at levels %d and %d took %.2f s\n", e.coarse_level,
              e.coarse_level - 1, MPI_Wtime() - start);
  return e;
}

}  // namespace hjb
