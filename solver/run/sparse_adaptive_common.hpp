// What the drivers of adaptive sparse-grid runs share (time-dependent, finite-horizon and
// stationary): the adaptivity options checked before any work, the node limit from --grid.max_nodes
// or the memory budget, the table attributes, and the node set a checkpoint stores and a restart
// rebuilds the grid from.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "solver/frontend/solve_config.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/run/memory_plan.hpp"

namespace hjb {

/// --grid.adaptive, --grid.max_level and --grid.max_nodes checked before any work (UsageError naming
/// the option).
inline void check_adaptive_options(const SolveConfig& config) {
  HJB_CHECK(config.grid.max_nodes >= 0, UsageError,
            "--grid.max_nodes must be >= 0, got " << config.grid.max_nodes);
  HJB_CHECK(std::isfinite(config.grid.adaptive) && config.grid.adaptive >= 0, UsageError,
            "--grid.adaptive must be a threshold >= 0, got " << config.grid.adaptive);
  HJB_CHECK(config.grid.max_level == 0 ||
                (config.grid.max_level >= config.grid.level && config.grid.max_level <= 30),
            UsageError,
            "--grid.max_level must be in [--grid.level " << config.grid.level << ", 30], got "
                                                         << config.grid.max_level);
}

/// The most nodes an adaptive run may grow to: --grid.max_nodes, else as many as fit the
/// --memory-per-rank budget at `bytes_per_node` beside what the process holds now, the smallest over
/// the ranks (so every rank stops at the same step); 0: no limit. Collective.
inline std::int64_t adaptive_node_limit(MPI_Comm comm, const SolveConfig& config, double bytes_per_node) {
  if (config.grid.max_nodes > 0) return config.grid.max_nodes;
  if (config.memory_per_rank <= 0) return 0;
  double fit =
      std::max(1.0, std::floor((config.memory_per_rank - current_resident_bytes()) / bytes_per_node));
  MPI_Allreduce(MPI_IN_PLACE, &fit, 1, MPI_DOUBLE, MPI_MIN, comm);
  return static_cast<std::int64_t>(fit);
}

/// The deepest level per axis of an adaptive run: --grid.max_level, or 0: --grid.level + 4 (at most 30).
inline int adaptive_max_level(const SolveConfig& config) {
  return config.grid.max_level > 0 ? config.grid.max_level : std::min(30, config.grid.level + 4);
}

/// The adaptivity of a solver's options (adapt_threshold, adapt_max_level, adapt_max_nodes) from
/// --grid.adaptive, --grid.max_level and the node limit (`bytes_per_node`: the solver's, to which
/// the adaptive grid's own storage in `dim` dimensions is added). Collective.
template <class Options>
void set_adaptive_options(MPI_Comm comm, const SolveConfig& config, int dim, double bytes_per_node,
                          Options& o) {
  o.adapt_threshold = config.grid.adaptive;
  o.adapt_max_level = adaptive_max_level(config);
  o.adapt_max_nodes =
      adaptive_node_limit(comm, config, bytes_per_node + sparse::AdaptiveSparseGrid::bytes_per_node(dim));
}

/// The attributes of a table computed on an adaptive grid (data/README.md).
inline void add_adaptive_metadata(TableMetadata& meta, double threshold, int max_level,
                                  std::int64_t largest) {
  meta.numbers["adaptive_threshold"] = threshold;
  meta.numbers["adaptive_max_level"] = max_level;
  meta.numbers["adaptive_largest_grid"] = static_cast<double>(largest);
}

/// The node set of an adaptive grid, as a checkpoint stores it.
inline CheckpointNodes checkpoint_nodes(const sparse::AdaptiveSparseGrid& grid, std::int64_t largest,
                                        long adaptations = 0) {
  CheckpointNodes nodes;
  nodes.dim = grid.dimension();
  nodes.levels.resize(static_cast<std::size_t>(grid.size() * nodes.dim));
  nodes.indices.resize(nodes.levels.size());
  for (std::int64_t p = 0; p < grid.size(); ++p)
    grid.level_index(p, &nodes.levels[p * nodes.dim], &nodes.indices[p * nodes.dim]);
  nodes.largest_grid = largest;
  nodes.adaptations = adaptations;
  return nodes;
}

/// The grid a checkpoint's values live on, in their node order (the run continues bit-identically);
/// ValidationError naming the checkpoint when the set does not fit `regular`.
inline void restore_adaptive_grid(const SolveConfig& config, sparse::AdaptiveSparseGrid& grid,
                                  const sparse::SparseGrid& regular, const CheckpointNodes& nodes) {
  HJB_CHECK(nodes.dim == grid.dimension(), ValidationError,
            config.checkpoint.restart << ": the node set has " << nodes.dim << " axes, the grid "
                                      << grid.dimension());
  try {
    grid = sparse::AdaptiveSparseGrid(regular, nodes.levels, nodes.indices);
  } catch (const std::invalid_argument& e) {
    throw ValidationError(config.checkpoint.restart + ": " + e.what() + " (corrupt checkpoint?)");
  }
}

}  // namespace hjb
