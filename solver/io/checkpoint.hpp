// Checkpoints of a distributed solve: the state vector in natural (rank-independent) order plus
// the position in the run, written atomically so the previous checkpoint survives until the new
// one is complete.
//
//   /state      float64 (n_0, ..., n_{d-1})   the current values, one hyperslab per rank
//   attributes  format = "hjbench-checkpoint", run_identity, partial_table, tau, steps,
//               next_snapshot, project_version
//
// Adaptive sparse grids (whose node set changes during the run) add the nodes the state lives on,
// rows in node order, each rank writing the rows of its block of /state:
//   /sparse_level  int32 (n, d)   /sparse_index  int64 (n, d)
//   attribute  largest_grid (the most nodes the grid has had so far)
#pragma once
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grids/axis.hpp"

namespace hjb {

struct CheckpointHeader {
  std::string run_identity;
  std::string partial_table;  ///< the temporary table file holding the snapshots written so far
  double tau = 0.0;           ///< time-to-go reached (t = -tau)
  long steps = 0;             ///< steps taken
  int next_snapshot = 1;      ///< the first snapshot not yet written to the table
};

/// The node set of an adaptive sparse grid, rows in node order (levels and indices n x dim each).
struct CheckpointNodes {
  int dim = 0;
  std::vector<int> levels;
  std::vector<std::int64_t> indices;
  std::int64_t largest_grid = 0;
  long adaptations = 0;  ///< stationary runs: the adaptations made so far
};

/// Collective: writes `tmp` (a run-unique temporary name), then renames it to `path` (rank 0).
/// The previous checkpoint at `path` survives until the new one is complete; a failure on any rank
/// is the same RuntimeError on every rank and leaves no temporary file.
void write_checkpoint(MPI_Comm comm, const std::string& path, const std::string& tmp,
                      const CheckpointHeader& header, const std::vector<Axis>& axes,
                      const std::vector<std::int64_t>& owned_start,
                      const std::vector<std::int64_t>& owned_extent, const double* owned,
                      const CheckpointNodes* nodes = nullptr);

/// Reads the header; throws ValidationError naming the path for a missing or foreign file, and
/// when its run identity differs from `expected_identity` (another problem, grid or scheme).
CheckpointHeader read_checkpoint_header(const std::string& path, const std::string& expected_identity);

/// The header of a checkpoint without checking its identity; nullopt when the file is not a
/// readable hjbench checkpoint. Not collective.
std::optional<CheckpointHeader> peek_checkpoint_header(const std::string& path);

/// Reads this rank's block of the state (any partition). Throws ValidationError.
std::vector<double> read_checkpoint_state(const std::string& path,
                                          const std::vector<std::int64_t>& owned_start,
                                          const std::vector<std::int64_t>& owned_extent);

/// The node set stored with an adaptive sparse checkpoint (every rank reads all of it). Throws
/// ValidationError naming the path when the checkpoint has none or it is inconsistent with /state.
CheckpointNodes read_checkpoint_nodes(const std::string& path);

}  // namespace hjb
