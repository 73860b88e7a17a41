// The `solve --grid.type sparse --grid.level n [--grid.levels l1,..,ld]` driver for continuous-time
// stationary problems: plan and check the sparse grid before any work, run the sparse-grid
// semi-Lagrangian iteration on all ranks — on the regular grid, or with --grid.adaptive on an
// adaptive one grown from it — with checkpoints (the nodal values, written in blocks by every rank, and
// an adaptive grid's node set; a restart reads them whole on any number of ranks) and signal /
// wall-time stops, publish a sparse table (solver/io/sparse_table.hpp) with its error indicator (the
// same run one and two levels coarser, solver/run/sparse_error_estimate.hpp; --sparse.error_indicator
// false skips it).
#pragma once
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <type_traits>

#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/sparse_stationary.hpp"
#include "solver/io/sparse_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/sparse_adaptive_common.hpp"
#include "solver/run/sparse_error_estimate.hpp"
#include "solver/run/sparse_run_common.hpp"

namespace hjb {

/// The run on a fixed (SparseGrid) or adaptive grid, from the checkpoints to the published table;
/// `regular` is the grid the run starts from (it names the run in checkpoints).
template <class P, class Grid>
SolveSummary sparse_stationary_run(MPI_Comm comm, const SolveConfig& config, const P& problem, Grid& grid,
                                   const sparse::SparseGrid& regular, const SparseStationaryOptions& o,
                                   const RunFiles& files, SolveSummary s) {
  constexpr bool adaptive = std::is_same_v<Grid, sparse::AdaptiveSparseGrid>;
  std::ostringstream id;
  id << std::setprecision(17) << sparse_run_identity(problem, regular) << ";actions=" << o.actions
     << ";h=" << o.step_per_spacing << " spacings;tolerance=" << o.tolerance
     << ";policy_sweeps=" << o.evaluation_sweeps;
  if (adaptive)
    id << ";adaptive=" << o.adapt_threshold << ":" << o.adapt_max_level << ":" << o.adapt_coarsen << ":"
       << o.adapt_max_rounds;
  SparseCheckpoints checkpoints(comm, config, files, grid.size(), id.str(), adaptive);
  long first_adaptations = 0;
  std::int64_t largest = grid.size();
  if constexpr (adaptive) {
    if (const auto& nodes = checkpoints.restart_nodes()) {
      restore_adaptive_grid(config, grid, regular, *nodes);
      first_adaptations = nodes->adaptations;
      largest = std::max<std::int64_t>(nodes->largest_grid, grid.size());
    }
  }
  ProgressReporter progress(comm, config.stationary.progress_seconds);
  const auto hook = [&](long sweeps, double residual, long adaptations, const std::vector<double>& values) {
    const std::string label =
        adaptive ? "sparse semi-Lagrangian (adaptive, " + std::to_string(values.size()) + " nodes): sweep"
                 : std::string("sparse semi-Lagrangian: sweep");
    progress.report_iteration(label.c_str(), sweeps, residual);
    largest = std::max<std::int64_t>(largest, static_cast<std::int64_t>(values.size()));
    std::function<CheckpointNodes()> describe;
    if constexpr (adaptive) describe = [&] { return checkpoint_nodes(grid, largest, adaptations); };
    return checkpoints.after_step(sweeps, 0.0, values, describe);
  };
  const double start = MPI_Wtime();
  const SparseStationaryResult r = sparse_semi_lagrangian(problem, grid, o, comm, checkpoints.start(),
                                                          checkpoints.start_steps(), hook, first_adaptations);
  s.wall_seconds = MPI_Wtime() - start;
  if (r.stopped) return checkpoints.stopped(s, r.greedy_sweeps, "sweep");
  largest = std::max(largest, r.largest_grid);
  s.iterations = r.greedy_sweeps;
  s.polish_sweeps = r.evaluation_sweeps;
  s.residual = r.residual;
  s.termination = r.converged ? Termination::converged : Termination::iteration_limit;
  s.peak_resident_bytes = largest_peak_resident_bytes(comm);
  if (!r.converged) {
    std::ostringstream os;
    os << "not converged: residual " << r.residual << " > tolerance " << o.tolerance << " after "
       << r.greedy_sweeps << " sweeps (the table says converged = no)";
    s.message = os.str();
  }
  TableMetadata meta =
      sparse_table_metadata(problem, config,
                            "semi-Lagrangian modified policy iteration on a sparse grid "
                            "(piecewise-linear hierarchical basis, " +
                                sparse::to_string(grid.basis()) + (adaptive ? ", adaptive" : "") + ")",
                            "continuous_stationary");
  meta.strings["converged"] = r.converged ? "yes" : "no";
  meta.numbers["discount_rate"] = problem.discount_rate();
  meta.numbers["time_step"] = r.time_step;
  meta.numbers["residual"] = r.residual;
  double actions = 1;
  for (int j = 0; j < P::control_dim; ++j) actions *= o.actions;
  meta.numbers["actions"] = actions;
  if (adaptive) {
    add_adaptive_metadata(meta, o.adapt_threshold, o.adapt_max_level, largest);
    meta.numbers["adaptations"] = static_cast<double>(r.adaptations);
    meta.strings["adaptive_grid_settled"] = r.grid_settled ? "yes" : "no";
  }
  std::vector<double> surplus = r.values;
  grid.hierarchize(surplus);
  const auto action_set = action_grid(problem.action_box(), o.actions);
  std::vector<std::vector<double>> policy(P::control_dim, std::vector<double>(r.values.size()));
  for (std::size_t p = 0; p < r.values.size(); ++p)
    for (int j = 0; j < P::control_dim; ++j)
      policy[j][p] = action_set[static_cast<std::size_t>(r.policy[p])][j];
  std::optional<SparseErrorEstimate> error;
  if (config.sparse.error_indicator)
    error = coarser_run_differences(
        comm, grid, regular, r.values, [&](const sparse::SparseGrid& coarse, int down) {
          return coarser_values_at_nodes(grid, coarse, down, o, [&](auto& g, const auto& oc) {
            return sparse_semi_lagrangian(problem, g, oc, comm).values;
          });
        });
  write_sparse_table(comm, files.table, files.temporary(files.table), grid, r.values, surplus, policy, meta,
                     error ? &*error : nullptr);
  checkpoints.finished();
  return s;
}

template <class P>
SolveSummary run_sparse_stationary(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  const P problem = configure_problem<P>(config);
  HJB_CHECK(
      !config.stationary.policy_iteration || problem.discount_rate() > 0 || !HasTargetSet<P>, UsageError,
      "--solve.algorithm policy_iteration: on sparse grids an exit-time problem runs value iteration; use "
      "--solve.algorithm value_iteration");
  check_adaptive_options(config);
  const SparseGridPlan plan = plan_sparse_grid(config, problem);
  double actions = 1;
  for (int j = 0; j < P::control_dim; ++j) actions *= config.stationary.actions;
  // Every rank holds the whole grid: coordinates, values, surpluses, the next sweep, the policy. An
  // adaptive grid grows during the run: this checks its starting grid, the node limit the rest.
  const double bytes_per_node = 8.0 * D + 4 * 8.0 + 4.0;
  check_sparse_memory(comm, config, "stationary", D, plan.nodes, actions, bytes_per_node, plan.basis);
  const double nodes = plan.nodes;
  const PreparedOutputs outputs =
      prepare_outputs(comm, config, nodes * 8.0 * (2 + D + P::control_dim) + 65536, nodes * 8.0 + 65536);
  SolveSummary s;
  s.algorithm =
      std::string("sparse ") + (config.stationary.policy_iteration ? "policy_iteration" : "value_iteration");
  if (config.dry_run) {
    s.dry_run = true;
    return s;
  }
  SparseStationaryOptions o;
  o.actions = config.stationary.actions;
  o.tolerance = config.stationary.tolerance;
  o.max_iterations = config.stationary.max_iterations > 0 ? config.stationary.max_iterations : 100000;
  // Policy iteration: greedy sweeps with 10 sweeps of each policy; value iteration: greedy only.
  o.evaluation_sweeps = config.stationary.policy_iteration ? 10 : 0;
  // The step h in units of the grid's finest spacing (so a coarser grid, as for the error
  // indicator, takes a longer one: the same command at a lower level; an adaptive grid a shorter
  // one as it deepens).
  o.step_per_spacing = config.chain.time_step_factor;
  const sparse::SparseGrid regular = plan.build(D, config);
  if (config.grid.adaptive > 0) {
    set_adaptive_options(comm, config, D, bytes_per_node, o);
    sparse::AdaptiveSparseGrid grid(regular);
    return sparse_stationary_run(comm, config, problem, grid, regular, o, outputs.files, s);
  }
  return sparse_stationary_run(comm, config, problem, regular, regular, o, outputs.files, s);
}

}  // namespace hjb
