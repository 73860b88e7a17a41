// Cascadic start of a stationary solve: the same problem solved on grids with about half the nodes
// per axis (recursively, `levels` times), its values interpolated multilinearly onto the fine grid
// as the start values of the fine solve. Policy iteration started from V = 0 spends most of its
// iterations (each a full Bellman sweep and a policy evaluation) finding the rough shape of V; a
// grid a quarter the size (2-D) finds it at a quarter of the cost, so the fine grid only refines.
// The fixed point and the stopping rule of the fine solve are unchanged (the coarse values are only
// where it starts), so the table differs from a start at zero by no more than the tolerance allows.
#pragma once
#include <petscvec.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "grids/multilinear.hpp"
#include "solver/algorithms/controlled_chain.hpp"
#include "solver/algorithms/stationary.hpp"

namespace hjb {

/// The axes of the next coarser grid: the same intervals with every other cell, i.e. (n + 1) / 2
/// nodes on a bounded axis (n / 2 + 1 for even n) and (n + 1) / 2 on a periodic one, so that for odd
/// n (periodic: even n) every coarse node is a fine node. Graded axes keep their grading.
template <int D>
std::array<Axis, D> coarser_axes(std::array<Axis, D> axes) {
  for (Axis& a : axes) a.n = a.periodic ? (a.n + 1) / 2 : a.n / 2 + 1;
  return axes;
}

/// How many times the axes can be halved while every axis keeps at least 5 nodes (bounded) or 4
/// (periodic), up to `wanted`.
template <int D>
int usable_coarse_levels(std::array<Axis, D> axes, int wanted) {
  int levels = 0;
  while (levels < wanted) {
    axes = coarser_axes<D>(axes);
    for (const Axis& a : axes)
      if (a.n < (a.periodic ? 4 : 5)) return levels;
    ++levels;
  }
  return levels;
}

/// What the coarse solves did, for the summary.
struct CascadeReport {
  int levels = 0;
  long iterations = 0;  ///< outer iterations summed over the coarse grids
  double wall_seconds = 0.0;
};

/// Writes into `fine_values` (a vector of `fine`) the multilinear interpolant of `coarse_values`
/// (a vector of `coarse`, whose axes span the same intervals). Collective over the grids' comm.
/// The cells and weights are those of cell_weights, bit for bit, located once per axis index (a
/// fine node's cell along an axis depends on its index along that axis only); a cell whose corners
/// the rank owns (the common case) is its first corner's position in the owned block
/// (TensorGrid::owned_cell_position, as the chain's rows number theirs).
template <int D>
void interpolate_between_grids(const TensorGrid<D>& coarse, Vec coarse_values, const TensorGrid<D>& fine,
                               Vec fine_values) {
  constexpr int corners = 1 << D;
  GatheredNodes<D> nodes(coarse);
  const std::int64_t n = fine.owned_count();
  std::array<std::vector<std::int64_t>, D> cell;  // per axis, per owned fine index: coarse cell
  std::array<std::vector<double>, D> fraction;
  std::int64_t stride[D];  // of the coarse owned block (row-major)
  for (int a = D - 1; a >= 0; --a) {
    const Axis& axis = coarse.axis(a);
    const std::int64_t extent = fine.owned_extent()[a];
    cell[a].resize(static_cast<std::size_t>(extent));
    fraction[a].resize(static_cast<std::size_t>(extent));
    for (std::int64_t j = 0; j < extent; ++j)
      locate(axis, axis.spacing(), fine.axis(a).coordinate(fine.owned_start()[a] + j), cell[a][j],
             fraction[a][j]);
    stride[a] = a == D - 1 ? 1 : stride[a + 1] * coarse.owned_extent()[a + 1];
  }
  std::vector<int> slots(static_cast<std::size_t>(n) * corners);
  std::vector<double> weights(slots.size());
  for (std::int64_t l = 0; l < n; ++l) {
    const Index<D> g = fine.owned_node(l);
    Index<D> base;
    for (int a = 0; a < D; ++a) base[a] = cell[a][g[a] - fine.owned_start()[a]];
    const std::int64_t local = coarse.owned_cell_position(base);
    for (int c = 0; c < corners; ++c) {
      double weight = 1.0;
      std::int64_t offset = 0;
      for (int a = 0; a < D; ++a) {
        const bool up = (c >> a) & 1;
        const double w = fraction[a][g[a] - fine.owned_start()[a]];
        weight *= up ? w : 1.0 - w;
        offset += up * stride[a];
      }
      weights[l * corners + c] = weight;
      slots[l * corners + c] = local >= 0
                                   ? static_cast<int>(local + offset)
                                   : nodes.slot(coarse.petsc_index(cell_corner<D>(coarse.axes(), base, c)));
    }
  }
  nodes.finish(coarse);
  nodes.gather(coarse_values);
  const PetscScalar* needed;
  PetscScalar* out;
  HJB_PETSC(VecGetArrayRead(nodes.needed(), &needed));
  HJB_PETSC(VecGetArray(fine_values, &out));
  for (std::int64_t l = 0; l < n; ++l) {
    double sum = 0.0;
    for (int c = 0; c < corners; ++c) sum += weights[l * corners + c] * needed[slots[l * corners + c]];
    out[l] = sum;
  }
  HJB_PETSC(VecRestoreArray(fine_values, &out));
  HJB_PETSC(VecRestoreArrayRead(nodes.needed(), &needed));
}

/// Solves the problem on `levels` successively coarser grids (coarsest first, each started from the
/// next coarser one's values) and writes the finest of them, interpolated, into `values` (a vector
/// of `grid`). Each coarse solve uses `options` quietly; the coarse solvers are gone when this
/// returns, so the caller builds the fine solver afterwards and the peak memory is the fine solve's.
/// `chain_args` are the chain's extra constructor arguments (the Markov chain scheme). Collective.
template <class P, class Chain, class... ChainArgs>
CascadeReport cascade_start(const P& problem, const TensorGrid<P::dim>& grid, StationaryOptions options,
                            int levels, Vec values, const ChainArgs&... chain_args) {
  constexpr int D = P::dim;
  CascadeReport report;
  const double start = MPI_Wtime();
  report.levels = usable_coarse_levels<D>(grid.axes(), levels);
  if (report.levels == 0) return report;
  const TensorGrid<D> coarse(grid.comm(), coarser_axes<D>(grid.axes()));
  const OwnedVec coarse_values = coarse.create_vector();
  HJB_PETSC(VecSet(coarse_values, 0.0));
  if (report.levels > 1)
    report.iterations +=
        cascade_start<P, Chain>(problem, coarse, options, report.levels - 1, coarse_values, chain_args...)
            .iterations;
  options.progress_seconds = std::numeric_limits<double>::infinity();
  // Only a start is wanted: no bit-identical polish of the coarse values (with --stationary.polish
  // the fine table is recomputed from zero by its own sweeps anyway).
  options.polish = false;
  // Nor a converged one: the fine solve's iterations are the same whether a coarse solve stops
  // once its residual halved or at the tolerance (Pendulum 301^2, 501^2 and 1001^2, MountainCar,
  // Acrobot, cart-pole, LQR MDP: the same fine iteration counts, Krylov counts the same or lower;
  // measured, docs/benchmarks.md), while the last coarse iterations (the nearly exact evaluations
  // that take the residual to the tolerance) were about a tenth of the whole run. Stopping at the
  // first iteration instead (0.99) made Pendulum 501^2 take 7 fine iterations instead of 6.
  options.relative_tolerance = 0.5;
  {
    StationarySolver<P, Chain> solver(problem, coarse, options, chain_args...);
    const SolveSummary s = solver.solve(coarse_values);
    report.iterations += s.iterations;
  }
  interpolate_between_grids<D>(coarse, coarse_values, grid, values);
  report.wall_seconds = MPI_Wtime() - start;
  return report;
}

}  // namespace hjb
