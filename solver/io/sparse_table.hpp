// The hjbench sparse-grid table (HDF5): a sparse grid's nodes, nodal values, hierarchical surpluses
// and feedback, with the same root metadata as the tensor tables (data/README.md, "Sparse tables").
//
//   /                  attributes: schema_version, complete, grid_type = "sparse", problem, mode, ...
//   /sparse            attributes: dimension, level, basis (boundary or extrapolating), adaptive
//                      (yes: any node set closed under hierarchical parents); datasets caps (int32
//   d), lo, hi (float64 d),
//                      level (int32 N x d), index (int64 N x d): node p is at
//                      lo + (hi - lo) * index / 2^level per axis
//   /value/nodal       float64 N: V at the nodes
//   /value/surplus     float64 N: hierarchical surpluses (evaluate V anywhere with them)
//   /policy/action_J   float64 N: component J of the greedy feedback at the nodes
//   /error             (optional) attribute coarse_level; datasets difference, surplus (float64 N:
//                      D1 = V - V one level coarser at the nodes, its surpluses) and, from level 3,
//                      coarse_difference, coarse_surplus (D2 = V(L-1) - V(L-2)): the error
//                      indicator at x is max(2 |I D1(x)|, |I D2(x)|) (SparseErrorEstimate)
//   /problem           attributes: the problem's parameters
// Written by rank 0 (every rank holds the whole sparse solution) under a temporary name and
// renamed when complete; a failure is the same RuntimeError on every rank.
#pragma once
#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "grids/sparse/sparse_grid.hpp"
#include "solver/io/hdf5_table.hpp"
#include "tables/table.hpp"

namespace hjb {

/// Collective: rank 0 writes `tmp` and renames it to `path`.
void write_sparse_table(MPI_Comm comm, const std::string& path, const std::string& tmp,
                        const sparse::SparseGrid& grid, const std::vector<double>& nodal,
                        const std::vector<double>& surplus, const std::vector<std::vector<double>>& policy,
                        const TableMetadata& metadata, const SparseErrorEstimate* error = nullptr);

/// The same for an adaptive grid (attribute adaptive = yes; level = the starting regular level,
/// caps = the deepest level per axis).
void write_sparse_table(MPI_Comm comm, const std::string& path, const std::string& tmp,
                        const sparse::AdaptiveSparseGrid& grid, const std::vector<double>& nodal,
                        const std::vector<double>& surplus, const std::vector<std::vector<double>>& policy,
                        const TableMetadata& metadata, const SparseErrorEstimate* error = nullptr);

}  // namespace hjb
