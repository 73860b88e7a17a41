// The generic `solve` driver for one problem type: configure, partition, march, publish the table.
#pragma once
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <iomanip>
#include <sstream>

#include "grids/tensor_grid.hpp"
#include "solver/algorithms/memory_plan.hpp"
#include "solver/algorithms/registry.hpp"
#include "solver/algorithms/time_dependent.hpp"
#include "solver/core/parameters.hpp"
#include "solver/core/version.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/io/hdf5_table.hpp"

namespace hjb {

/// Axis names of a problem: P::axis_names() when provided, else x0, x1, ...
template <ControlProblem P>
std::array<std::string, P::dim> axis_names() {
  std::array<std::string, P::dim> names;
  if constexpr (requires { P::axis_names(); }) {
    const auto given = P::axis_names();
    for (int a = 0; a < P::dim; ++a) names[a] = given[a];
  } else {
    for (int a = 0; a < P::dim; ++a) names[a] = "x" + std::to_string(a);
  }
  return names;
}

/// The problem with the user's parameters applied. Throws UsageError for a parameter the problem
/// does not have, naming the valid ones.
template <ControlProblem P>
P configure_problem(const SolveConfig& config) {
  P problem;
  apply_parameters(problem, config.problem_parameters, "--problem.");
  if (config.control_mode == "max")
    problem.control_mode = Optimize::maximize;
  else if (config.control_mode == "min")
    problem.control_mode = Optimize::minimize;
  else
    HJB_CHECK(config.control_mode.empty(), UsageError,
              "--problem.control_mode: unknown value '" << config.control_mode << "' (choose max or min)");
  return problem;
}

template <ControlProblem P>
std::array<Axis, P::dim> configure_axes(const P& problem, const SolveConfig& config) {
  constexpr int D = P::dim;
  HJB_CHECK(static_cast<int>(config.shape.size()) == D, UsageError,
            "--grid.shape has " << config.shape.size() << " sizes but problem '" << P::name() << "' is " << D
                                << "-dimensional");
  HJB_CHECK(config.lo.empty() || static_cast<int>(config.lo.size()) == D, UsageError,
            "--grid.lo has " << config.lo.size() << " values, expected " << D);
  HJB_CHECK(config.hi.empty() || static_cast<int>(config.hi.size()) == D, UsageError,
            "--grid.hi has " << config.hi.size() << " values, expected " << D);
  const auto domain = problem.domain();
  const auto names = axis_names<P>();
  std::array<Axis, D> axes;
  for (int a = 0; a < D; ++a) {
    axes[a] = {names[a], domain[a].lo, domain[a].hi, config.shape[a], domain[a].periodic};
    if (!config.lo.empty()) axes[a].lo = config.lo[a];
    if (!config.hi.empty()) axes[a].hi = config.hi[a];
    HJB_CHECK(config.shape[a] >= 2, UsageError,
              "--grid.shape: axis '" << names[a] << "' needs at least 2 nodes, got " << config.shape[a]);
    HJB_CHECK(axes[a].hi > axes[a].lo, UsageError,
              "--grid.hi must exceed --grid.lo on axis '" << names[a] << "' (" << axes[a].lo
                                                          << " >= " << axes[a].hi << ")");
  }
  return axes;
}

/// Rank 0 checks that the output's directory exists and is writable; the verdict is shared.
void check_output_path(MPI_Comm comm, const std::string& path, const std::string& option = "--output.file");

/// The problem's parameters by name (table attributes and run identities).
template <ControlProblem P>
std::map<std::string, double> parameter_values(const P& problem) {
  std::map<std::string, double> values;
  P copy = problem;
  copy.visit_parameters([&](const char* name, double& value) { values[name] = value; });
  return values;
}

/// The part of a run identity every solver shares: problem, parameters, control sense and grid.
template <ControlProblem P>
std::string problem_and_grid_identity(const P& problem, const std::array<Axis, P::dim>& axes) {
  std::ostringstream os;
  os << std::setprecision(17) << "problem=" << P::name()
     << ";control=" << (problem.control_mode == Optimize::maximize ? "max" : "min") << ";parameters=";
  for (const auto& [name, value] : parameter_values(problem)) os << name << ":" << value << ",";
  os << ";axes=";
  for (const Axis& ax : axes)
    os << ax.name << ":" << ax.lo << ":" << ax.hi << ":" << ax.n << ":" << ax.periodic << ",";
  return os.str();
}

/// Fills v (this rank's block) from a checkpoint whose run identity must be `identity`; returns
/// its header. Throws ValidationError.
inline CheckpointHeader load_checkpoint(const std::string& path, const std::string& identity, Vec v,
                                        const std::vector<std::int64_t>& start,
                                        const std::vector<std::int64_t>& extent) {
  const CheckpointHeader header = read_checkpoint_header(path, identity);
  const auto state = read_checkpoint_state(path, start, extent);
  PetscScalar* data;
  HJB_PETSC(VecGetArray(v, &data));
  std::copy(state.begin(), state.end(), data);
  HJB_PETSC(VecRestoreArray(v, &data));
  return header;
}

/// Writes v as a checkpoint. Collective.
inline void save_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointHeader& header, Vec v,
                            const std::vector<Axis>& axes, const std::vector<std::int64_t>& start,
                            const std::vector<std::int64_t>& extent) {
  const PetscScalar* data;
  HJB_PETSC(VecGetArrayRead(v, &data));
  write_checkpoint(comm, path, header, axes, start, extent, data);
  HJB_PETSC(VecRestoreArrayRead(v, &data));
}

/// Everything that must agree for a checkpoint or partial table to continue the same computation:
/// problem and parameters, control mode, axes, scheme, mode and snapshot schedule (not the rank count).
template <ControlProblem P>
std::string run_identity(const P& problem, const std::array<Axis, P::dim>& axes,
                         const TimeDependentOptions& o) {
  std::ostringstream os;
  os << std::setprecision(17) << problem_and_grid_identity(problem, axes);
  os << ";scheme=" << to_string(o.derivative) << "," << to_string(o.integrator) << ","
     << to_string(o.dissipation) << "," << to_string(o.boundary) << ",cfl:" << o.cfl
     << ";mode=" << to_string(o.mode) << ";schedule=";
  for (double tau : o.snapshot_schedule()) os << tau << ",";
  return os.str();
}

/// Plans the memory of this rank, reduces the plan over ranks (component-wise maximum), prints
/// it for --dry-run and enforces --memory-per-rank (ValidationError). Returns true for a dry run.
/// Collective.
template <int D>
bool check_memory_plan(const TensorGrid<D>& grid, const SolveConfig& config) {
  const MemoryPlan mine = plan_time_dependent_memory(grid, config.options);
  double parts[7] = {mine.state_bytes,    mine.padded_bytes, mine.halo_bytes,
                     mine.baseline_bytes, mine.total(),      static_cast<double>(mine.halo),
                     mine.mpi_io_bytes};
  double worst[7];
  MPI_Allreduce(parts, worst, 7, MPI_DOUBLE, MPI_MAX, grid.comm());
  const double table_bytes = 8.0 * static_cast<double>(grid.global_count()) *
                             static_cast<double>(config.options.snapshot_schedule().size() + 1);
  if (config.dry_run) {
    std::ostringstream os;
    os << "dry run: " << config.problem << " on " << grid.size() << " ranks, grid ";
    for (int a = 0; a < D; ++a) os << (a ? "x" : "") << grid.axis(a).n;
    os << " = " << grid.global_count() << " nodes, process grid ";
    for (int a = 0; a < D; ++a) os << (a ? "x" : "") << grid.process_dims(a);
    os << "\n  memory per rank (largest): values + RK stages + rate " << format_bytes(worst[0])
       << ", padded block " << format_bytes(worst[1]) << ", halo exchange " << format_bytes(worst[2]) << " ("
       << worst[5] << " nodes), MPI-IO buffer " << format_bytes(worst[6]) << ", process baseline "
       << format_bytes(worst[3]) << "\n  total per rank: " << format_bytes(worst[4])
       << (config.memory_per_rank > 0 ? " (budget " + format_bytes(config.memory_per_rank) + ")" : "")
       << "\n  on disk: table " << format_bytes(table_bytes) << ", checkpoint "
       << format_bytes(8.0 * static_cast<double>(grid.global_count())) << "\n";
    PetscPrintf(grid.comm(), "%s", os.str().c_str());
  }
  HJB_CHECK(config.memory_per_rank <= 0 || worst[4] <= config.memory_per_rank, ValidationError,
            "--memory-per-rank: the run needs about "
                << format_bytes(worst[4]) << " on its largest rank but the budget is "
                << format_bytes(config.memory_per_rank) << "; use more ranks or a coarser grid");
  return config.dry_run;
}

/// Rank 0 removes a file if it exists; collective (barrier).
void remove_file_on_rank0(MPI_Comm comm, const std::string& path);

/// Rank 0 writes the per-step history (CSV: step, t, dt, elapsed seconds) atomically.
void write_history(MPI_Comm comm, const std::string& path, const TimeDependentSummary& summary);

/// Library and build versions recorded in every table.
std::map<std::string, std::string> version_attributes();

template <ControlProblem P>
TimeDependentSummary run_time_dependent(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  config.options.validate();
  const P problem = configure_problem<P>(config);
  const auto axes = configure_axes(problem, config);
  check_output_path(comm, config.output);
  if (!config.history.empty()) check_output_path(comm, config.history, "--output.history");
  TensorGrid<D> grid(comm, axes);
  if (check_memory_plan(grid, config)) {
    TimeDependentSummary dry;
    dry.dry_run = true;
    return dry;
  }
  TimeDependentSolver<P> solver(problem, grid, config.options);

  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  const auto& o = config.options;
  meta.strings["scheme"] = "method of lines: " + to_string(o.derivative) + " + TVD-" +
                           to_string(o.integrator) + ", " + to_string(o.dissipation) + " Lax-Friedrichs";
  meta.strings["scheme.accuracy"] = config.accuracy;
  meta.strings["scheme.derivative"] = to_string(o.derivative);
  meta.strings["scheme.time_integrator"] = to_string(o.integrator);
  meta.strings["scheme.dissipation"] = to_string(o.dissipation);
  meta.strings["scheme.boundary"] = to_string(o.boundary);
  meta.strings["mode"] = to_string(o.mode);
  meta.strings["control_mode"] = problem.control_mode == Optimize::maximize ? "max" : "min";
  meta.strings["command_line"] = config.command_line;
  meta.strings["petsc_options"] = config.petsc_options;
  meta.numbers["scheme.cfl"] = o.cfl;
  meta.numbers["horizon"] = o.snapshot_schedule().back();

  std::vector<double> times{0.0};
  for (double tau : o.snapshot_schedule()) times.push_back(-tau);
  std::vector<Axis> axis_list(axes.begin(), axes.end());
  std::vector<std::int64_t> start(grid.owned_start().begin(), grid.owned_start().end());
  std::vector<std::int64_t> extent(grid.owned_extent().begin(), grid.owned_extent().end());

  const std::string identity = run_identity(problem, axes, o);
  meta.strings["run_identity"] = identity;
  Vec v = grid.create_vector();
  try {
    SolveProgress from;
    std::unique_ptr<TableWriter> writer;
    if (!config.restart.empty()) {
      const CheckpointHeader header = load_checkpoint(config.restart, identity, v, start, extent);
      from = {header.tau, header.steps, header.next_snapshot};
      writer = TableWriter::resume(comm, config.output, axis_list, start, extent, times, identity);
      PetscPrintf(comm, "resuming from %s at step %ld (t = %g) on %d ranks\n", config.restart.c_str(),
                  header.steps, -header.tau, grid.size());
    } else {
      solver.set_initial(v);
      writer = std::make_unique<TableWriter>(comm, config.output, axis_list, start, extent, times, meta);
    }
    RunControl control(comm, config.control);
    auto checkpoint = [&](const SolveProgress& p, Vec values) {
      writer->flush();  // the snapshots the checkpoint counts as written are on disk
      save_checkpoint(comm, config.checkpoint_file, {identity, p.tau, p.steps, p.next_snapshot}, values,
                      axis_list, start, extent);
      control.checkpoint_written();
    };
    const auto summary = solver.solve(
        v,
        [&](int k, double, Vec values) {
          const PetscScalar* data;
          HJB_PETSC(VecGetArrayRead(values, &data));
          writer->write_snapshot(k, data);
          HJB_PETSC(VecRestoreArrayRead(values, &data));
        },
        from,
        [&](const SolveProgress& p, Vec values) {
          const StepDecision d = control.after_step(p.steps);
          if (d == StepDecision::proceed) return false;
          checkpoint(p, values);
          return d == StepDecision::stop;
        });
    if (summary.interrupted) {
      writer->suspend();
      std::ostringstream os;
      os << "stopped by " << control.stop_reason() << " at step " << summary.progress.steps
         << " (t = " << -summary.progress.tau << "); checkpoint written to " << config.checkpoint_file
         << "; resume with --restart " << config.checkpoint_file;
      throw InterruptedError(os.str());
    }
    writer->commit();
    if (!config.history.empty()) write_history(comm, config.history, summary);
    remove_file_on_rank0(comm, config.checkpoint_file);  // obsolete once the table is published
    HJB_PETSC(VecDestroy(&v));
    auto result = summary;
    result.peak_resident_bytes = largest_peak_resident_bytes(comm);
    return result;
  } catch (...) {
    VecDestroy(&v);
    throw;
  }
}

}  // namespace hjb
