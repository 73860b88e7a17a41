// The `solve --grid.type sparse` driver for time-dependent problems (every catalog problem, and
// the eikonal family up to 8-D): plan and check the sparse grid before any work, run the sparse
// semi-Lagrangian scheme (solver/algorithms/sparse_time_dependent.hpp) on all ranks with
// checkpoints (adaptive grids: with their node set) and signal / wall-time stops, publish a sparse table
// holding V at t = -horizon and the optimal control of the last step at the nodes.
#pragma once
#include <iomanip>
#include <optional>
#include <sstream>

#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/sparse_finite_horizon.hpp"
#include "solver/algorithms/sparse_time_dependent.hpp"
#include "solver/io/sparse_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/sparse_adaptive_common.hpp"
#include "solver/run/sparse_error_estimate.hpp"
#include "solver/run/sparse_run_common.hpp"

namespace hjb {

/// Per control component, its value at every node (a sparse table's policy datasets).
template <class Control>
std::vector<std::vector<double>> control_columns(const std::vector<Control>& control) {
  constexpr std::size_t M = std::tuple_size_v<Control>;
  std::vector<std::vector<double>> columns(M, std::vector<double>(control.size()));
  for (std::size_t p = 0; p < control.size(); ++p)
    for (std::size_t j = 0; j < M; ++j) columns[j][p] = control[p][j];
  return columns;
}

/// The run on a fixed (SparseGrid) or adaptive grid, from the steps check to the published table;
/// `regular` is the grid the run starts from (it names the run in checkpoints).
template <class P, class Grid>
SolveSummary sparse_time_run(MPI_Comm comm, const SolveConfig& config, const P& problem, Grid& grid,
                             const sparse::SparseGrid& regular, const SparseTimeOptions& o,
                             const RunFiles& files, SolveSummary s) {
  const long steps = sparse_time_steps(problem, grid, o);
  HJB_CHECK(steps <= o.max_steps, ValidationError,
            "--time.max_steps: the run needs more than "
                << o.max_steps << " semi-Lagrangian steps; raise it or --sparse.cfl");
  std::ostringstream id;
  id << std::setprecision(17) << sparse_run_identity(problem, regular)
     << ";time_dependent;horizon=" << o.horizon << ";steps=" << steps << ";inputs=" << o.inputs_per_axis
     << ";mode=" << to_string(o.mode);
  constexpr bool adaptive = std::is_same_v<Grid, sparse::AdaptiveSparseGrid>;
  if (adaptive) id << ";adaptive=" << o.adapt_threshold << ":" << o.adapt_max_level << ":" << o.adapt_coarsen;
  SparseCheckpoints checkpoints(comm, config, files, grid.size(), id.str(), adaptive);
  SparseTimeOptions run = o;
  if constexpr (adaptive) {
    if (const auto& nodes = checkpoints.restart_nodes()) {
      restore_adaptive_grid(config, grid, regular, *nodes);
      run.restart_largest_grid = nodes->largest_grid;
    }
  }
  const double start = MPI_Wtime();
  const auto r = sparse_time_dependent(
      problem, grid, run, comm, checkpoints.start(), checkpoints.start_steps(),
      [&](long done, double tau, const std::vector<double>& values, std::int64_t largest) {
        std::function<CheckpointNodes()> describe;
        if constexpr (adaptive) describe = [&] { return checkpoint_nodes(grid, largest); };
        return checkpoints.after_step(done, tau, values, describe);
      });
  s.wall_seconds = MPI_Wtime() - start;
  if (r.stopped) return checkpoints.stopped(s, r.steps, "step");
  s.iterations = r.steps;
  s.final_time = -r.tau;
  s.node_stage_updates =
      static_cast<double>(grid.size()) * static_cast<double>(r.steps - checkpoints.start_steps());
  s.termination = Termination::horizon_reached;
  s.peak_resident_bytes = largest_peak_resident_bytes(comm);
  TableMetadata meta = sparse_table_metadata(
      problem, config,
      "semi-Lagrangian (Heun foot points, discretised inputs plus the costate's optimum) on a sparse grid "
      "(piecewise-linear hierarchical basis, " +
          sparse::to_string(grid.basis()) + ")",
      "time_dependent");
  meta.strings["reach_mode"] = to_string(o.mode);
  meta.numbers["horizon"] = o.horizon;
  meta.numbers["time_step"] = r.time_step;
  meta.numbers["steps"] = static_cast<double>(r.steps);
  meta.numbers["inputs_per_axis"] = o.inputs_per_axis;
  if (adaptive) add_adaptive_metadata(meta, o.adapt_threshold, o.adapt_max_level, r.largest_grid);
  std::vector<double> surplus = r.values;
  grid.hierarchize(surplus);
  const std::vector<std::vector<double>> control = control_columns(r.control);
  std::optional<SparseErrorEstimate> error;
  if (config.sparse.error_indicator)
    error = coarser_run_differences(
        comm, grid, regular, r.values, [&](const sparse::SparseGrid& coarse, int down) {
          return coarser_values_at_nodes(grid, coarse, down, o, [&](auto& g, SparseTimeOptions oc) {
            oc.restart_largest_grid = 0;
            return sparse_time_dependent(problem, g, oc, comm).values;
          });
        });
  write_sparse_table(comm, files.table, files.temporary(files.table), grid, r.values, surplus, control, meta,
                     error ? &*error : nullptr);
  checkpoints.finished();
  return s;
}

/// `--solve.algorithm finite_horizon` on a sparse grid: the episodic recursion
/// (solver/algorithms/sparse_finite_horizon.hpp) on a regular grid, or with --grid.adaptive on an
/// adaptive one grown from it, published as a sparse table of V_0 and the greedy action of stage 0.
/// No checkpoints (a stage is one sweep of the nodes).
template <class P>
SolveSummary run_sparse_finite_horizon(MPI_Comm comm, const SolveConfig& config, const P& problem) {
  constexpr int D = P::dim;
  check_adaptive_options(config);
  const SparseGridPlan plan = plan_sparse_grid(config, problem);
  double actions = 1;
  for (int j = 0; j < P::control_dim; ++j) actions *= config.stationary.actions;
  // Every rank holds the grid, values, surpluses and the next stage, and its block's feet, costs and
  // continuation flags per action (counted as if one rank held them all). An adaptive grid grows
  // during the run: this checks its starting grid only.
  const double bytes_per_node = 8.0 * D + 4 * 8.0 + 4.0 + actions * (8.0 * D + 16.0);
  check_sparse_memory(comm, config, "finite-horizon", D, plan.nodes, actions, bytes_per_node, plan.basis);
  const PreparedOutputs outputs =
      prepare_outputs(comm, config, plan.nodes * 8.0 * (2 + D + P::control_dim) + 65536, 0.0);
  SolveSummary s;
  s.algorithm = "sparse finite_horizon";
  if (config.dry_run) {
    s.dry_run = true;
    return s;
  }
  SparseFiniteHorizonOptions o;
  o.steps = config.finite_horizon.steps > 0 ? config.finite_horizon.steps
                                            : static_cast<long>(problem.episode_steps);
  o.actions_per_axis = config.stationary.actions;
  o.tolerance = config.finite_horizon.tolerance;
  const sparse::SparseGrid regular = plan.build(D, config);
  auto run = [&](auto& grid) {
    constexpr bool adaptive = std::is_same_v<std::remove_cvref_t<decltype(grid)>, sparse::AdaptiveSparseGrid>;
    const double start = MPI_Wtime();
    ProgressReporter progress(comm, config.stationary.progress_seconds);
    const auto r =
        sparse_finite_horizon(problem, grid, o, comm, [&](long stages, double change, std::int64_t nodes) {
          const std::string label =
              adaptive ? "finite horizon (adaptive sparse, " + std::to_string(nodes) + " nodes): stages"
                       : std::string("finite horizon (sparse): stages");
          progress.report_iteration(label.c_str(), stages, change);
        });
    s.wall_seconds = MPI_Wtime() - start;
    s.iterations = r.stages;
    s.residual = r.change;
    s.termination = Termination::horizon_reached;
    s.peak_resident_bytes = largest_peak_resident_bytes(comm);
    TableMetadata meta =
        sparse_table_metadata(problem, config,
                              "finite-horizon dynamic programming on the exact step, sparse-grid "
                              "interpolation (piecewise-linear hierarchical basis, " +
                                  sparse::to_string(grid.basis()) + (adaptive ? ", adaptive" : "") + ")",
                              "finite_horizon");
    meta.numbers["episode_steps"] = static_cast<double>(o.steps);
    meta.numbers["actions"] = actions;
    meta.numbers["stages_computed"] = static_cast<double>(r.stages);
    if (r.stationary_from >= 0) {
      meta.numbers["stationary_from_stage"] = static_cast<double>(r.stationary_from);
      meta.numbers["stationary_tolerance"] = o.tolerance;
    }
    if (adaptive) add_adaptive_metadata(meta, o.adapt_threshold, o.adapt_max_level, r.largest_grid);
    std::vector<double> surplus = r.values;
    grid.hierarchize(surplus);
    const std::vector<std::vector<double>> control = control_columns(r.control);
    std::optional<SparseErrorEstimate> error;
    if (config.sparse.error_indicator)
      error = coarser_run_differences(
          comm, grid, regular, r.values, [&](const sparse::SparseGrid& coarse, int down) {
            return coarser_values_at_nodes(grid, coarse, down, o, [&](auto& g, const auto& oc) {
              return sparse_finite_horizon(problem, g, oc, comm).values;
            });
          });
    write_sparse_table(comm, outputs.files.table, outputs.files.temporary(outputs.files.table), grid,
                       r.values, surplus, control, meta, error ? &*error : nullptr);
  };
  if (config.grid.adaptive > 0) {
    set_adaptive_options(comm, config, D, bytes_per_node, o);
    sparse::AdaptiveSparseGrid grid(regular);
    run(grid);
  } else {
    run(regular);
  }
  return s;
}

template <class P>
SolveSummary run_sparse_time_dependent(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  const P problem = configure_problem<P>(config);
  if constexpr (EnvironmentProblem<P>)
    if (config.algorithm == Algorithm::finite_horizon)
      return run_sparse_finite_horizon(comm, config, problem);
  HJB_CHECK(config.algorithm == Algorithm::time_dependent, UsageError,
            "--solve.algorithm " << to_string(config.algorithm) << ": on sparse grids problem '" << P::name()
                                 << "' runs the time-dependent semi-Lagrangian scheme only");
  HJB_CHECK(config.time_dependent.snapshots == 1 && config.time_dependent.snapshot_taus.size() <= 1,
            UsageError,
            "--time.snapshots/--time.times: a sparse table holds V at the horizon only; give --time.horizon");
  config.sparse.validate();
  // --grid.basis auto: extrapolating unless an axis is periodic (docs/benchmarks.md, "Front
  // propagation with an exact solution": in 4-D its mean error falls with the level, the boundary
  // basis's does not).
  bool periodic = false;
  for (const auto& d : problem.domain()) periodic = periodic || d.periodic;
  const SparseGridPlan plan =
      plan_sparse_grid(config, problem, periodic ? sparse::Basis::boundary : sparse::Basis::extrapolating);
  check_adaptive_options(config);
  // The extrapolating basis has no nodes on the boundary: a periodic axis would wrap foot points
  // into its extrapolated margins, whose weights (1.5, -0.5) amplify errors step after step.
  for (int k = 0; k < D; ++k)
    HJB_CHECK(plan.basis == sparse::Basis::boundary || !problem.domain()[k].periodic, UsageError,
              "--grid.basis extrapolating: axis " << k << " of problem '" << P::name()
                                                  << "' is periodic; use --grid.basis boundary");
  SparseTimeOptions o;
  o.horizon = config.time_dependent.horizon;
  o.cfl = config.sparse.cfl;
  o.inputs_per_axis = config.sparse.inputs_per_axis;
  o.mode = config.time_dependent.mode;
  o.max_steps = config.time_dependent.max_steps;
  const double inputs =
      static_cast<double>(input_candidates(problem.control_set(), o.inputs_per_axis).size() + 1) *
      static_cast<double>(input_candidates(problem.disturbance_set(), o.inputs_per_axis).size() +
                          (P::disturbance_dim > 0 ? 1 : 0));
  // Every rank holds the whole grid: coordinates, values, the next step, surpluses, the obstacle,
  // the periodic partner and the control per node.
  const double bytes_per_node = 8.0 * (D + 5 + P::control_dim);
  check_sparse_memory(comm, config, "time-dependent", D, plan.nodes, inputs, bytes_per_node, plan.basis);
  const PreparedOutputs outputs = prepare_outputs(
      comm, config, plan.nodes * 8.0 * (2 + D + P::control_dim) + 65536, plan.nodes * 8.0 + 65536);
  SolveSummary s;
  s.algorithm = "sparse time_dependent";
  if (config.dry_run) {
    s.dry_run = true;
    return s;
  }
  const sparse::SparseGrid regular = plan.build(D, config);
  if (config.grid.adaptive > 0) {
    set_adaptive_options(comm, config, D, bytes_per_node, o);
    sparse::AdaptiveSparseGrid grid(regular);
    return sparse_time_run(comm, config, problem, grid, regular, o, outputs.files, s);
  }
  return sparse_time_run(comm, config, problem, regular, regular, o, outputs.files, s);
}

}  // namespace hjb
