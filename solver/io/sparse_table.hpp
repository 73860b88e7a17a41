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

namespace hjb {

/// Collective: rank 0 writes `tmp` and renames it to `path`.
void write_sparse_table(MPI_Comm comm, const std::string& path, const std::string& tmp,
                        const sparse::SparseGrid& grid, const std::vector<double>& nodal,
                        const std::vector<double>& surplus, const std::vector<std::vector<double>>& policy,
                        const TableMetadata& metadata);

/// The same for an adaptive grid (attribute adaptive = yes; level = the starting regular level,
/// caps = the deepest level per axis).
void write_sparse_table(MPI_Comm comm, const std::string& path, const std::string& tmp,
                        const sparse::AdaptiveSparseGrid& grid, const std::vector<double>& nodal,
                        const std::vector<double>& surplus, const std::vector<std::vector<double>>& policy,
                        const TableMetadata& metadata);

/// True when `path` is an HDF5 file with root attribute grid_type = "sparse".
bool is_sparse_table(const std::string& path);

struct SparseTable {
  int dimension = 0, level = 0;
  sparse::Basis basis = sparse::Basis::boundary;
  std::vector<int> caps;
  std::vector<double> lo, hi, nodal, surplus;
  std::vector<std::vector<double>> policy;
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers, problem_parameters;
  bool complete = true;
  bool adaptive = false;
  std::shared_ptr<const sparse::SparseGrid> regular_grid;           ///< set when not adaptive
  std::shared_ptr<const sparse::AdaptiveSparseGrid> adaptive_grid;  ///< set when adaptive
  /// The regular grid the table was written on (rebuilt from level, caps and box).
  sparse::SparseGrid grid() const { return {dimension, level, lo, hi, caps, basis}; }
  /// On the table's grid, regular or adaptive: nodal values -> surpluses, and the interpolant.
  void hierarchize(std::vector<double>& values) const;
  double evaluate(const std::vector<double>& surpluses, const double* x) const;
};

/// Reads a sparse table (serial). Throws ValidationError naming the path for a missing, foreign
/// or inconsistent file.
SparseTable read_sparse_table(const std::string& path);

/// Human-readable summary (hjbench info).
std::string describe_sparse_table(const SparseTable& table, const std::string& path);

}  // namespace hjb
