// Memory planning for `solve --dry-run` and `--memory-per-rank`: what one rank allocates for a
// time-dependent solve, from the partition alone (nothing is allocated to compute it).
#pragma once
#include <mpi.h>

#include <cstdint>
#include <string>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/schemes/upwind_derivatives.hpp"

namespace hjb {

struct MemoryPlan {
  double state_bytes = 0;     ///< values, two Runge–Kutta stages, the rate array
  double padded_bytes = 0;    ///< the block with its ghost layers
  double halo_bytes = 0;      ///< scatter indices and buffers for the halo nodes
  double mpi_io_bytes = 0;    ///< MPI-IO collective-buffering aggregator buffer (parallel runs)
  double baseline_bytes = 0;  ///< resident size of the process before the solve (libraries)
  std::int64_t owned = 0, padded = 0, halo = 0;
  double total() const { return state_bytes + padded_bytes + halo_bytes + mpi_io_bytes + baseline_bytes; }
};

/// Resident set size of this process now, in bytes (from /proc/self/statm).
double current_resident_bytes();
/// Peak resident set size of this process so far, in bytes (getrusage).
double peak_resident_bytes();
/// The largest peak resident set size over the ranks of comm. Collective.
double largest_peak_resident_bytes(MPI_Comm comm);
/// Parses "512M", "2G", "1.5GB", "1000000" (bytes). Throws UsageError naming `option`.
double parse_bytes(const std::string& text, const std::string& option);
std::string format_bytes(double bytes);

/// A tensor time-dependent solver's layout: the semi-Lagrangian solver's (full) halo width (0 for
/// the method of lines) and the bytes per owned node of what the solver caches (the
/// semi-Lagrangian foot points, or the method of lines' dynamics of an autonomous problem).
struct TimeSolverLayout {
  int width = 0;
  double cache_bytes_per_node = 0.0;
};

/// The plan of this rank (pointwise: no communication). `baseline_bytes`: the process's resident
/// size before the solver allocated anything (default: now). Tables and checkpoints are written
/// straight from the value vector (same memory layout and type, contiguous hyperslabs), so output
/// needs no staging copy; measured against the peak resident size in tests/cli/memory_plan.sh.
template <int D>
MemoryPlan plan_time_dependent_memory(const TensorGrid<D>& grid, const TimeDependentOptions& o,
                                      const TimeSolverLayout& layout = {}, double baseline_bytes = -1.0) {
  const double baseline = baseline_bytes >= 0 ? baseline_bytes : current_resident_bytes();
  MemoryPlan p;
  const bool sl = layout.width > 0;
  const int w = sl ? layout.width : stencil_half_width(o.derivative);
  p.owned = grid.owned_count();
  p.padded = 1;
  for (int a = 0; a < D; ++a) p.padded *= grid.owned_extent()[a] + 2 * w;
  if (sl) {  // a full halo: at most the padded block less the owned one
    p.halo = p.padded - p.owned;
    const double value = sizeof(double);
    p.state_bytes = (value + layout.cache_bytes_per_node) * static_cast<double>(p.owned);
    p.padded_bytes = value * static_cast<double>(p.padded);
    p.halo_bytes = static_cast<double>(p.halo) * (3 * value + 2 * sizeof(PetscInt));
    if (grid.size() > 1) p.mpi_io_bytes = 16.0 * 1024 * 1024;
    p.baseline_bytes = baseline;
    return p;
  }
  // Face halos filled from other ranks (or by periodic wrap); ghosts beyond a non-periodic
  // boundary are computed locally.
  for (int a = 0; a < D; ++a) {
    std::int64_t face = w;
    for (int b = 0; b < D; ++b)
      if (b != a) face *= grid.owned_extent()[b];
    const bool periodic = grid.axis(a).periodic;
    if (periodic || grid.owned_start()[a] > 0) p.halo += face;
    if (periodic || grid.owned_start()[a] + grid.owned_extent()[a] < grid.axis(a).n) p.halo += face;
  }
  const double value = sizeof(double);
  // v, stage1, stage2, rate and the cached dynamics
  p.state_bytes = (4.0 * value + layout.cache_bytes_per_node) * static_cast<double>(p.owned);
  p.padded_bytes = value * static_cast<double>(p.padded);
  // Per halo node: its padded position (8), the receive buffer (8), PETSc's scatter indices on
  // both sides (2 x PetscInt) and the send buffer on the owning rank (8).
  p.halo_bytes = static_cast<double>(p.halo) * (3 * value + 2 * sizeof(PetscInt));
  // Collective HDF5 writes go through MPI-IO two-phase I/O, whose aggregators hold a buffer of
  // cb_buffer_size (16 MiB by default in Open MPI's OMPIO and ROMIO).
  if (grid.size() > 1) p.mpi_io_bytes = 16.0 * 1024 * 1024;
  p.baseline_bytes = baseline;
  return p;
}

}  // namespace hjb
