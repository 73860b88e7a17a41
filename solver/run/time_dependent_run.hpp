// The generic `solve` driver for one problem type: configure, partition, march, publish the table.
#pragma once
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <iomanip>
#include <new>
#include <sstream>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/semi_lagrangian_time.hpp"
#include "solver/algorithms/time_dependent.hpp"
#include "solver/frontend/solve_config.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/io/collective_failure.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/history.hpp"
#include "solver/run/memory_plan.hpp"
#include "solver/run/output_paths.hpp"
#include "solver/run/run_session.hpp"
#include "solver/run/run_setup.hpp"

namespace hjb {

/// Everything that must agree for a checkpoint or partial table to continue the same computation:
/// problem and parameters, control mode, axes, scheme, mode and snapshot schedule (not the rank count).
template <ControlProblem P>
std::string run_identity(const P& problem, const std::array<Axis, P::dim>& axes,
                         const TimeDependentOptions& o) {
  std::ostringstream os;
  os << std::setprecision(17) << problem_and_grid_identity(problem, axes);
  if (o.method == TimeMethod::semi_lagrangian)
    os << ";scheme=semi_lagrangian," << to_string(o.interpolation) << ",inputs:" << o.inputs_per_axis << ","
       << to_string(o.boundary) << ",cfl:" << o.cfl;
  else
    os << ";scheme=" << to_string(o.derivative) << "," << to_string(o.integrator) << ","
       << to_string(o.dissipation) << "," << to_string(o.boundary) << ",cfl:" << o.cfl;
  os << ";mode=" << to_string(o.mode) << ";schedule=";
  for (double tau : o.snapshot_schedule()) os << tau << ",";
  return os.str();
}

/// Plans the memory of this rank, reduces the plan over ranks (component-wise maximum), prints
/// it for --dry-run and enforces --memory-per-rank (ValidationError). Returns true for a dry run.
/// Collective.
template <int D>
bool check_memory_plan(const TensorGrid<D>& grid, const SolveConfig& config,
                       std::size_t datasets_per_snapshot = 1, const TimeSolverLayout& layout = {},
                       double baseline_bytes = -1.0) {
  const MemoryPlan mine = plan_time_dependent_memory(grid, config.time_dependent, layout, baseline_bytes);
  const double cache_bytes =
      layout.width == 0 ? layout.cache_bytes_per_node * static_cast<double>(mine.owned) : 0.0;
  double parts[8] = {mine.state_bytes,    mine.padded_bytes, mine.halo_bytes,
                     mine.baseline_bytes, mine.total(),      static_cast<double>(mine.halo),
                     mine.mpi_io_bytes,   cache_bytes};
  double worst[8];
  MPI_Allreduce(parts, worst, 8, MPI_DOUBLE, MPI_MAX, grid.comm());
  const double table_bytes =
      planned_table_bytes({grid.axes().begin(), grid.axes().end()},
                          (config.time_dependent.snapshot_schedule().size() + 1) * datasets_per_snapshot);
  if (config.dry_run) {
    std::ostringstream os;
    os << "dry run: " << config.problem.name << " on " << grid.size() << " ranks, grid ";
    for (int a = 0; a < D; ++a) os << (a ? "x" : "") << grid.axis(a).n;
    os << " = " << grid.global_count() << " nodes, process grid ";
    for (int a = 0; a < D; ++a) os << (a ? "x" : "") << grid.process_dims(a);
    os << "\n  memory per rank (largest): "
       << (layout.width > 0                  ? "values + cached foot points "
           : layout.cache_bytes_per_node > 0 ? "values + RK stages + rate + cached dynamics "
                                             : "values + RK stages + rate ")
       << format_bytes(worst[0]) << ", padded block " << format_bytes(worst[1]) << ", halo exchange "
       << format_bytes(worst[2]) << " (" << worst[5] << " nodes), MPI-IO buffer " << format_bytes(worst[6])
       << ", process baseline " << format_bytes(worst[3]) << "\n  total per rank: " << format_bytes(worst[4])
       << (config.memory_per_rank > 0 ? " (budget " + format_bytes(config.memory_per_rank) + ")" : "")
       << "\n  on disk: table " << format_bytes(table_bytes) << ", checkpoint "
       << format_bytes(8.0 * static_cast<double>(grid.global_count())) << " (twice while one is replaced); "
       << format_bytes(std::max(0.0, available_bytes(config.output.file))) << " available\n";
    PetscPrintf(grid.comm(), "%s", os.str().c_str());
  }
  HJB_CHECK(config.memory_per_rank <= 0 || worst[4] <= config.memory_per_rank, ValidationError,
            "--memory-per-rank: the run needs about "
                << format_bytes(worst[4]) << " on its largest rank but the budget is "
                << format_bytes(config.memory_per_rank) << "; use more ranks or a coarser grid"
                << (worst[7] > 0 && worst[4] - worst[7] <= config.memory_per_rank
                        ? " (or --time.cache_dynamics false: the dynamics kept per node take " +
                              format_bytes(worst[7]) + " on the largest rank)"
                        : ""));
  return config.dry_run;
}

/// The root attributes of a time-dependent table (data/README.md).
template <ControlProblem P>
TableMetadata time_dependent_metadata(const P& problem, const SolveConfig& config,
                                      const std::string& identity) {
  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  const auto& o = config.time_dependent;
  meta.strings["scheme.method"] = to_string(o.method);
  if (o.method == TimeMethod::semi_lagrangian) {
    meta.strings["scheme"] = "semi-Lagrangian: " + to_string(o.interpolation) +
                             " interpolation at Heun foot points, inputs frozen over a step";
    meta.strings["scheme.interpolation"] = to_string(o.interpolation);
    meta.numbers["scheme.inputs_per_axis"] = o.inputs_per_axis;
  } else {
    meta.strings["scheme"] = "method of lines: " + to_string(o.derivative) + " + TVD-" +
                             to_string(o.integrator) + ", " + to_string(o.dissipation) + " Lax-Friedrichs";
    meta.strings["scheme.accuracy"] = to_string(config.accuracy);
    meta.strings["scheme.derivative"] = to_string(o.derivative);
    meta.strings["scheme.time_integrator"] = to_string(o.integrator);
    meta.strings["scheme.dissipation"] = to_string(o.dissipation);
  }
  meta.strings["scheme.boundary"] = to_string(o.boundary);
  meta.strings["mode"] = to_string(o.mode);
  meta.strings["control_mode"] = problem.control_mode == Optimize::maximize ? "max" : "min";
  meta.strings["command_line"] = config.command_line;
  meta.strings["petsc_options"] = config.petsc_options;
  meta.numbers["scheme.cfl"] = o.cfl;
  meta.numbers["horizon"] = o.snapshot_schedule().back();

  meta.strings["run_identity"] = identity;
  return meta;
}

/// Where a time-marching run starts: from a checkpoint (`--restart`: its values into v, its progress,
/// the partial table resumed) or new (`start_new(v)` sets the terminal values; a new table written
/// under its temporary name with `meta`). `extras`: the table's extra datasets. Collective.
struct MarchStart {
  SolveProgress from;
  std::unique_ptr<TableWriter> writer;
};
template <int D, class StartNew>
MarchStart start_or_resume(MPI_Comm comm, const SolveConfig& config, const RunFiles& files,
                           const TensorGrid<D>& grid, const std::string& identity,
                           const std::vector<double>& times, Vec v, const TableMetadata& meta,
                           const std::vector<std::string>& extras, StartNew&& start_new) {
  const std::vector<Axis> axis_list(grid.axes().begin(), grid.axes().end());
  std::vector<std::int64_t> start(grid.owned_start().begin(), grid.owned_start().end());
  std::vector<std::int64_t> extent(grid.owned_extent().begin(), grid.owned_extent().end());
  MarchStart s;
  if (!config.checkpoint.restart.empty()) {
    const CheckpointHeader header = load_checkpoint(config.checkpoint.restart, identity, v, start, extent);
    s.from = {header.tau, header.steps, header.next_snapshot};
    // Checkpoints of schema-1 runs name no partial table: theirs was OUTPUT.tmp.
    const std::string partial =
        header.partial_table.empty()
            ? files.table + ".tmp"
            : partial_table_for(header.partial_table, config.checkpoint.restart, files);
    s.writer =
        TableWriter::resume(comm, files.table, partial, axis_list, start, extent, times, identity, extras);
    PetscPrintf(comm, "resuming from %s at step %ld (t = %g) on %d ranks\n",
                config.checkpoint.restart.c_str(), header.steps, -header.tau, grid.size());
  } else {
    start_new(v);
    s.writer = std::make_unique<TableWriter>(comm, files.table, files.temporary(files.table), axis_list,
                                             start, extent, times, meta, extras);
  }
  return s;
}

/// How every time-marching driver ends: a stopped run keeps its checkpoint and partial table and
/// says where it stopped; a finished one writes the step history, commits the table (with its XDMF
/// sidecar when `sidecar`) and publishes. Collective.
inline SolveSummary finish_marching_run(MPI_Comm comm, const RunFiles& files, RunSession& session,
                                        TableWriter& writer, SolveSummary summary, bool sidecar) {
  summary.peak_resident_bytes = largest_peak_resident_bytes(comm);
  if (summary.interrupted()) {
    session.keep_checkpoint();
    writer.suspend();
    std::ostringstream where;
    where << "step " << summary.progress.steps << " (t = " << -summary.progress.tau << ")";
    return session.stopped(summary, where.str());
  }
  // The history goes to its temporary name first, so a failure there publishes nothing.
  if (!files.history.empty()) write_history(comm, files.temporary(files.history), summary);
  writer.commit(sidecar ? files.sidecar : std::string(), files.temporary(files.sidecar));
  if (!files.history.empty()) rename_on_rank0(comm, files.temporary(files.history), files.history);
  session.published();
  return summary;
}

/// Marches a new or resumed run with `solver`, writing snapshots, checkpoints and the table.
template <ControlProblem P, class Solver>
SolveSummary march_and_publish(MPI_Comm comm, const SolveConfig& config, const RunFiles& files,
                               const P& problem, const TensorGrid<P::dim>& grid, Solver& solver) {
  const auto& o = config.time_dependent;
  const std::vector<Axis> axis_list(grid.axes().begin(), grid.axes().end());
  std::vector<double> times{0.0};
  for (double tau : o.snapshot_schedule()) times.push_back(-tau);
  std::vector<std::int64_t> start(grid.owned_start().begin(), grid.owned_start().end());
  std::vector<std::int64_t> extent(grid.owned_extent().begin(), grid.owned_extent().end());

  const std::string identity = run_identity(problem, grid.axes(), o);
  const TableMetadata meta = time_dependent_metadata(problem, config, identity);
  const OwnedVec v = grid.create_vector();
  auto [from, writer] = start_or_resume(comm, config, files, grid, identity, times, v, meta, {},
                                        [&](Vec x) { solver.set_initial(x); });
  RunSession session(comm, config, files, {files.temporary(files.history), files.temporary(files.sidecar)});
  // Test hook (tests/cli/batch_safety.sh): one rank out of memory while the others march on — what
  // operator new does when it fails (its handler, then std::bad_alloc if none is installed).
  if (injected_io_failure(comm, "allocation")) {
    if (const std::new_handler handler = std::get_new_handler()) handler();
    throw std::bad_alloc();
  }
  auto summary = solver.solve(
      v,
      [&](int k, double, Vec values) {
        const VecReadAccess owned(values);
        HJB_CHECK(owned.data(), RuntimeError, "cannot read the values of snapshot " << k);
        writer->write_snapshot(k, owned.data());
      },
      from,
      [&](const SolveProgress& p, Vec values) {
        const bool stop = session.after_step(p.steps, [&] {
          writer->flush();  // the snapshots the checkpoint counts as written are on disk
          save_checkpoint(comm, files, {identity, writer->temporary_path(), p.tau, p.steps, p.next_snapshot},
                          values, axis_list, start, extent);
        });
        return stop ? session.stop_termination() : Termination::horizon_reached;
      });
  return finish_marching_run(comm, files, session, *writer, summary, P::dim == 2 || P::dim == 3);
}

/// The layout of the solver of --scheme.method, planned without constructing it (its constructor
/// allocates the padded block, the halo exchange and the RK stages: a dry run and the memory budget
/// must come first); refuses rank blocks narrower than its stencil. Collective.
template <ControlProblem P>
TimeSolverLayout planned_time_layout(const P& problem, const TensorGrid<P::dim>& grid,
                                     const SolveConfig& config) {
  const auto& o = config.time_dependent;
  if (o.method == TimeMethod::semi_lagrangian) {
    const int width = SemiLagrangianTimeSolver<P>::planned_halo_width(problem, grid, o);
    check_decomposition(grid, width, "semi-Lagrangian (--scheme.cfl " + std::to_string(o.cfl) + ")");
    return {width, SemiLagrangianTimeSolver<P>::planned_cache_bytes_per_node(problem, o)};
  }
  check_decomposition(grid, stencil_half_width(o.derivative), to_string(o.derivative));
  return {0, TimeDependentSolver<P>::planned_cache_bytes_per_node(problem, grid, o)};
}

/// The solver of --scheme.method, constructed (collectively) and handed to `run`.
template <ControlProblem P, class Run>
SolveSummary with_time_solver(const P& problem, const TensorGrid<P::dim>& grid, const SolveConfig& config,
                              Run&& run) {
  if (config.time_dependent.method == TimeMethod::semi_lagrangian) {
    SemiLagrangianTimeSolver<P> solver(problem, grid, config.time_dependent);
    return run(solver);
  }
  TimeDependentSolver<P> solver(problem, grid, config.time_dependent);
  return run(solver);
}

template <ControlProblem P>
SolveSummary run_time_dependent(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  config.time_dependent.validate();
  const P problem = configure_problem<P>(config);
  const auto axes = configure_axes(problem, config, "the time-dependent schemes");
  TensorGrid<D> grid(comm, axes);
  const double baseline = current_resident_bytes();  // before the solver allocates its arrays
  const TimeSolverLayout layout = planned_time_layout(problem, grid, config);
  const bool dry_run = check_memory_plan(grid, config, 1, layout, baseline);
  std::vector<Axis> axis_list(axes.begin(), axes.end());
  const double checkpoint_bytes = planned_table_bytes(axis_list, 1);
  const PreparedOutputs outputs = prepare_outputs(
      comm, config, planned_table_bytes(axis_list, config.time_dependent.snapshot_schedule().size() + 1),
      checkpoint_bytes);
  const RunFiles& files = outputs.files;
  if (dry_run) return dry_run_summary("time_dependent");
  return with_time_solver(problem, grid, config, [&](auto& solver) {
    solver.check_step_budget();
    return march_and_publish(comm, config, files, problem, grid, solver);
  });
}

}  // namespace hjb
