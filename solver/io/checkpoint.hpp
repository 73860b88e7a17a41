// Checkpoints of a distributed solve: the state vector in natural (rank-independent) order plus
// the position in the run, written atomically so the previous checkpoint survives until the new
// one is complete.
//
//   /state      float64 (n_0, ..., n_{d-1})   the current values, one hyperslab per rank
//   attributes  format = "hjbench-checkpoint", run_identity, partial_table, tau, steps,
//               next_snapshot, project_version
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

/// Collective: writes `tmp` (a run-unique temporary name), then renames it to `path` (rank 0).
/// The previous checkpoint at `path` survives until the new one is complete; a failure on any rank
/// is the same RuntimeError on every rank and leaves no temporary file.
void write_checkpoint(MPI_Comm comm, const std::string& path, const std::string& tmp,
                      const CheckpointHeader& header, const std::vector<Axis>& axes,
                      const std::vector<std::int64_t>& owned_start,
                      const std::vector<std::int64_t>& owned_extent, const double* owned);

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

}  // namespace hjb
