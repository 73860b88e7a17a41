// The per-step history of a time-dependent solve as CSV (for plots of the step size and progress).
#pragma once
#include <mpi.h>

#include <string>

#include "solver/algorithms/solve_summary.hpp"

namespace hjb {

/// Rank 0 writes `step,t,dt,elapsed_seconds` for every step of the summary to PATH.tmp and renames
/// it to PATH. Collective. Throws RuntimeError when the file cannot be written.
void write_history(MPI_Comm comm, const std::string& path, const SolveSummary& summary);

}  // namespace hjb
