// The sparse-grid combination technique over the distributed tensor-grid solver
// (`solve --grid.type sparse --sparse.method combination`; Griebel, Schneider & Zenger 1992; run as
// DisCoTec does, component grids on MPI process groups). The truncated combination of level n with
// minimum level m per axis,
//
//     V_n = sum_{q=0}^{d-1} (-1)^q C(d-1, q) sum_{j >= 0, |j|_1 = n - q} V_{m + j},
//
// combines the solutions V_l of the tensor solver (any scheme, WENO5 included) on the anisotropic
// full grids with 2^{l_k} + 1 nodes per axis (2^{l_k} on periodic axes). The ranks are split into
// groups (MPI_Comm_split), each solving its share of the components (largest first, to the least
// loaded group) into temporary tables beside the output; rank 0 then reads them and broadcasts
// their values, every rank evaluates the combination at its block of the union of the component
// nodes (a node set closed under hierarchical parents), the blocks are assembled on every rank, which
// hierarchises it on that adaptive sparse grid, which rank 0 publishes as an adaptive sparse
// table with the feedback at the nodes (the inputs optimal for the combined V's costate). The
// temporary component tables are removed.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>
#include <vector>

#include "solver/algorithms/combination.hpp"
#include "solver/run/combination_parts.hpp"
#include "solver/run/sparse_error_estimate.hpp"

namespace hjb {

/// Throws UsageError naming the option when the combination technique cannot run this configuration.
inline void validate_combination(const SolveConfig& config) {
  const std::string obstacle = combination_obstacle(config);
  HJB_CHECK(obstacle.empty(), UsageError, obstacle);
  for (int c : config.grid.levels)
    HJB_CHECK(c == config.grid.level, UsageError,
              "--grid.levels: the combination technique runs isotropic levels; give " << config.grid.level
                                                                                      << " on every axis");
  const int m = config.sparse.min_level;
  config.sparse.validate();
  HJB_CHECK(config.grid.level >= 1 && config.grid.level + m <= 24, UsageError,
            "--grid.level + --sparse.min_level must be at most 24, got " << config.grid.level + m);
  HJB_CHECK(m <= config.grid.level, UsageError,
            "--sparse.min_level " << m << " exceeds --grid.level " << config.grid.level
                                  << ": every component grid would be finer than the sparse grid of level "
                                  << config.grid.level << "; give --sparse.min_level at most "
                                  << config.grid.level);
  HJB_CHECK(config.time_dependent.snapshots == 1 && config.time_dependent.snapshot_taus.size() <= 1,
            UsageError,
            "--time.snapshots/--time.times: a sparse table holds V at the horizon only; give --time.horizon");
  config.control.validate();
}

/// The combination of `components` at the nodes of `grid`, each rank its block, assembled on every
/// rank (the same sums in the same order on any number of ranks). Collective.
template <int D>
std::vector<double> combination_at_nodes(const std::vector<combination_detail::ComponentTable<D>>& tables,
                                         const std::vector<CombinationComponent>& components,
                                         const sparse::AdaptiveSparseGrid& grid,
                                         const SparseNodeBlocks& blocks) {
  std::vector<double> v(static_cast<std::size_t>(grid.size()), 0.0);
  State<D> x;
  for (std::int64_t p = blocks.first(); p < blocks.last(); ++p) {
    grid.coordinates(p, x.data());
    v[p] = combination_detail::combination_at<D>(tables, components, x);
  }
  blocks.assemble(v);
  return v;
}

/// The error estimate of the combination of level n (`values` at its nodes) from the combinations
/// of levels n - 1 and n - 2 there (solver/run/sparse_error_estimate.hpp's D1 and D2). Collective;
/// nothing when the set holds no coarser combination.
template <int D>
std::optional<SparseErrorEstimate> combination_error(
    int level, const CombinationSet& set, const std::vector<combination_detail::ComponentTable<D>>& tables,
    const sparse::AdaptiveSparseGrid& grid, const SparseNodeBlocks& blocks,
    const std::vector<double>& values) {
  if (set.coefficients.size() < 2) return std::nullopt;
  // In this order on every rank: each is collective.
  const std::vector<double> v1 = combination_at_nodes(tables, set.combination(1), grid, blocks);
  const std::vector<double> v2 = set.coefficients.size() > 2
                                     ? combination_at_nodes(tables, set.combination(2), grid, blocks)
                                     : std::vector<double>{};
  return estimate_from_coarser(grid, values, v1, v2, level - 1);
}

/// Collective: the components' final values on every rank, their combination at the union of their
/// nodes (each rank its block), its hierarchisation and feedback, published as an adaptive sparse
/// table; the checkpoint of a stopped run is removed.
template <class P>
SolveSummary publish_combination(MPI_Comm comm, const SolveConfig& config, const P& problem,
                                 const SparseGridPlan& plan, const CombinationSet& set,
                                 const combination_detail::ComponentDirectory& directory,
                                 const RunFiles& files, SolveSummary s, double start, double total_nodes,
                                 int groups, FailedRunCleanup& remove_checkpoint) {
  using namespace combination_detail;
  constexpr int D = P::dim;
  const int m = config.sparse.min_level;
  // The components' final values on every rank, and the union of the nodes of those in the
  // combination of level n, in a fixed order.
  const std::vector<CombinationComponent>& components = set.components;
  NodeSet union_nodes;
  std::vector<ComponentTable<D>> tables;
  for (std::size_t c = 0; c < components.size(); ++c) {
    tables.push_back(broadcast_component<D>(comm, directory.component(c)));
    if (c < set.finest) add_component_nodes<D>(components[c].levels, union_nodes);
  }
  std::vector<int> levels;
  std::vector<std::int64_t> indices;
  for (const auto& [nl, ni] : union_nodes) {
    levels.insert(levels.end(), nl.begin(), nl.end());
    indices.insert(indices.end(), ni.begin(), ni.end());
  }
  const sparse::AdaptiveSparseGrid grid(D, m, plan.lo, plan.hi, sparse::Basis::boundary, levels, indices);
  const auto combined = [&](const State<D>& x) { return combination_at<D>(tables, components, x); };
  const SparseNodeBlocks blocks(comm, grid.size());
  const std::vector<double> values = combination_at_nodes(tables, components, grid, blocks);
  std::vector<double> surplus = values;
  grid.hierarchize(surplus);
  const auto control =
      combination_feedback<P>(problem, grid, blocks, config.time_dependent.horizon, combined);
  const std::optional<SparseErrorEstimate> error =
      combination_error(config.grid.level, set, tables, grid, blocks, values);
  tables.clear();
  s.wall_seconds = MPI_Wtime() - start;
  s.iterations = static_cast<long>(components.size());
  s.final_time = -config.time_dependent.horizon;
  s.termination = Termination::horizon_reached;
  s.peak_resident_bytes = largest_peak_resident_bytes(comm);
  TableMetadata meta = sparse_table_metadata(problem, config,
                                             "combination technique of tensor-grid solutions (" +
                                                 to_string(config.time_dependent.derivative) + " + " +
                                                 to_string(config.time_dependent.integrator) + ")",
                                             "time_dependent");
  meta.strings["reach_mode"] = to_string(config.time_dependent.mode);
  meta.numbers["horizon"] = config.time_dependent.horizon;
  meta.numbers["combination_components"] = static_cast<double>(set.finest);
  meta.numbers["combination_min_level"] = m;
  meta.numbers["combination_component_nodes"] = total_nodes;
  write_sparse_table(comm, files.table, files.temporary(files.table), grid, values, surplus, control, meta,
                     error ? &*error : nullptr);
  remove_file_on_rank0(comm, files.checkpoint);
  remove_checkpoint.disarm();
  std::ostringstream os;
  os << set.finest << " component grids (" << total_nodes << " nodes)";
  if (components.size() > set.finest)
    os << " and " << components.size() - set.finest << " more for the error indicator";
  os << " on " << groups << " process groups; the combination has " << grid.size() << " sparse nodes";
  s.message = os.str();
  return s;
}

template <class P>
SolveSummary run_combination(MPI_Comm comm, const SolveConfig& config) {
  using namespace combination_detail;
  constexpr int D = P::dim;
  const P problem = configure_problem<P>(config);
  validate_combination(config);
  const int m = config.sparse.min_level;
  const auto domain = problem.domain();
  // The box (and --grid.lo/--grid.hi, level and basis checks) as every sparse run plans it.
  const SparseGridPlan plan = plan_sparse_grid(config, problem);
  // With the error indicator, the grids of the combinations one and two levels coarser too.
  const CombinationSet set = combination_set(D, config.grid.level, m, config.sparse.error_indicator ? 2 : 0);
  const auto& components = set.components;
  double total_nodes = 0;  // of the level-n combination's grids
  std::vector<double> cost;
  for (std::size_t c = 0; c < components.size(); ++c) {
    double nodes = 1;
    for (int l : components[c].levels) nodes *= std::ldexp(1.0, l) + 1;
    cost.push_back(nodes);
    if (c < set.finest) total_nodes += nodes;
  }
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  check_sparse_memory(comm, config, "combination technique", D, *std::max_element(cost.begin(), cost.end()),
                      static_cast<double>(components.size()), 8.0 * 12);
  const PreparedOutputs outputs = prepare_outputs(comm, config, total_nodes * 8.0 * (2 + D) + 65536, 0);
  SolveSummary s;
  s.algorithm = "sparse combination time_dependent";
  if (config.dry_run) {
    s.dry_run = true;
    return s;
  }
  // Groups: one per rank while there are more components than ranks, else equal shares of ranks.
  const int groups = std::min<int>(size, static_cast<int>(components.size()));
  const int group = rank * groups / size;
  const std::vector<int> owner = owners_by_cost(cost, groups);
  const RunFiles& files = outputs.files;
  // The run's identity (what a restart must agree on) and its component directory: run-unique, or
  // the one a stopped run recorded in its checkpoint (finished component tables, and checkpoints of
  // the components that were running).
  std::array<Axis, D> finest;
  for (int k = 0; k < D; ++k)
    finest[k] = Axis{"", plan.lo[k], plan.hi[k], (std::int64_t{1} << (config.grid.level + m)) + 1,
                     domain[k].periodic};
  const std::string identity = "combination;level=" + std::to_string(config.grid.level) +
                               ";min_level=" + std::to_string(m) +
                               (set.coefficients.size() > 1 ? ";indicator_grids" : "") + ";" +
                               run_identity(problem, finest, config.time_dependent);
  ComponentDirectory directory{comm, files.temporary(files.table) + ".components"};
  if (!config.checkpoint.restart.empty()) {
    directory.path = read_checkpoint_header(config.checkpoint.restart, identity).partial_table;
    HJB_CHECK(directory.path.ends_with(".components") && std::filesystem::is_directory(directory.path),
              ValidationError,
              config.checkpoint.restart << ": the component directory it records (" << directory.path
                                        << ") is missing; the stopped run cannot be continued");
    PetscPrintf(comm, "resuming the combination technique from %s (components in %s)\n",
                config.checkpoint.restart.c_str(), directory.path.c_str());
  }
  if (rank == 0) std::filesystem::create_directories(directory.path);
  MPI_Barrier(comm);
  FailedRunCleanup remove_checkpoint(comm, {files.checkpoint, files.temporary(files.checkpoint)});
  const double start = MPI_Wtime();
  // Each group solves its components; a stop or failure anywhere is agreed on before anyone reads.
  MPI_Comm sub;
  MPI_Comm_split(comm, group, rank, &sub);
  const ComponentsOutcome outcome =
      solve_components<P>(sub, config, domain, components, owner, group, directory, start);
  MPI_Comm_free(&sub);
  int any_stop = 0;
  MPI_Allreduce(&outcome.stopped, &any_stop, 1, MPI_INT, MPI_MAX, comm);
  s.node_stage_updates = outcome.node_stage_updates;
  if (any_stop) {
    s.wall_seconds = MPI_Wtime() - start;
    return stop_combination(comm, s, static_cast<Termination>(any_stop), components.size(), directory, files,
                            identity, remove_checkpoint);
  }
  int failed = outcome.failure.empty() ? 0 : 1, any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, comm);
  HJB_CHECK(!any, NumericalError,
            "--sparse.method combination: a component solve failed"
                << (outcome.failure.empty() ? "" : ": " + outcome.failure));
  double updates = s.node_stage_updates;
  MPI_Allreduce(&updates, &s.node_stage_updates, 1, MPI_DOUBLE, MPI_SUM, comm);
  return publish_combination<P>(comm, config, problem, plan, set, directory, files, s, start, total_nodes,
                                groups, remove_checkpoint);
}

}  // namespace hjb
