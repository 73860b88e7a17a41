// The per-step history of a time-dependent solve as CSV (for plots of the step size and progress).
#pragma once
#include <mpi.h>

#include <string>

#include "solver/algorithms/solve_summary.hpp"

namespace hjb {

/// Rank 0 writes `step,t,dt,elapsed_seconds` for every step of the summary to `path` (the caller
/// passes a temporary name and renames it once the table is published). Collective; a failure is
/// the same RuntimeError on every rank and leaves no file.
void write_history(MPI_Comm comm, const std::string& path, const SolveSummary& summary);

}  // namespace hjb
