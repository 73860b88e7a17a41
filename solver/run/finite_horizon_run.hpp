// The `solve --solve.algorithm finite_horizon` driver: the backward recursion over an episode's
// stages with checkpoints and signal handling; the table holds the stored stages' values and
// feedback (data/README.md, "Finite-horizon tables").
#pragma once
#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <memory>
#include <sstream>

#include "solver/algorithms/finite_horizon.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/output_paths.hpp"
#include "solver/run/run_control.hpp"
#include "solver/run/run_session.hpp"
#include "solver/run/run_setup.hpp"
#include "solver/run/stationary_run.hpp"

namespace hjb {

/// The stored stages, in the table's snapshot order: the terminal stage N first, stage 0 last
/// (t = k - N steps; /value/final is V_0). Stages 0 and N are always stored.
inline std::vector<long> stored_stages(long horizon, const std::vector<long>& requested) {
  std::vector<long> stages = requested;
  if (stages.empty())
    for (long k = 0; k <= horizon; ++k) stages.push_back(k);
  stages.push_back(0);
  stages.push_back(horizon);
  std::sort(stages.begin(), stages.end(), std::greater<>());
  stages.erase(std::unique(stages.begin(), stages.end()), stages.end());
  return stages;
}

inline std::string stage_policy_dataset(long stage, int component) {
  char name[64];
  std::snprintf(name, sizeof name, "policy/stage_%06ld/action_%d", stage, component);
  return name;
}

/// Writes stage k (snapshot `snapshot`): its values and the feedback per control component
/// (the first step's feedback also as /policy/action_J). `scratch` holds one component.
template <int M>
void write_stage(TableWriter& writer, int snapshot, long k, Vec values, const std::vector<int>& policy,
                 const std::vector<Point<M>>& actions, std::vector<double>& scratch) {
  {
    const VecReadAccess owned(values);
    HJB_CHECK(owned.data(), RuntimeError, "cannot read the values of stage " << k);
    writer.write_snapshot(snapshot, owned.data());
  }
  for (int j = 0; j < M; ++j) {
    for (std::size_t l = 0; l < scratch.size(); ++l) scratch[l] = actions[policy[l]][j];
    writer.write_extra(stage_policy_dataset(k, j), scratch.data());
    if (k == 0) writer.write_extra("policy/action_" + std::to_string(j), scratch.data());
  }
}

/// What a checkpoint of a finite-horizon run must agree on.
template <StationaryProblem P>
std::string finite_horizon_identity(const P& problem, const std::array<Axis, P::dim>& axes, int actions,
                                    long horizon, const std::vector<long>& stages, double tolerance) {
  std::ostringstream id;
  id << std::setprecision(17) << problem_and_grid_identity(problem, axes)
     << ";algorithm=finite_horizon;actions=" << actions << ";horizon=" << horizon << ";stages=";
  for (long k : stages) id << k << ",";
  if (tolerance > 0.0) id << ";tolerance=" << tolerance;  // none: the identity of earlier versions
  return id.str();
}

/// The root attributes of a finite-horizon table (data/README.md).
template <StationaryProblem P>
TableMetadata finite_horizon_metadata(const P& problem, const SolveConfig& config,
                                      const std::string& identity, long horizon, std::size_t actions) {
  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  meta.strings["scheme"] =
      "finite-horizon backward recursion (undiscounted) on semi-Lagrangian (multilinear) transitions of the "
      "problem's discrete step";
  meta.strings["mode"] = "finite_horizon";
  meta.strings["time_unit"] = "steps";
  meta.strings["run_identity"] = identity;
  meta.strings["command_line"] = config.command_line;
  meta.strings["petsc_options"] = config.petsc_options;
  meta.numbers["horizon_steps"] = static_cast<double>(horizon);
  meta.numbers["discount"] = 1.0;
  meta.numbers["actions"] = static_cast<double>(actions);
  return meta;
}

template <StationaryProblem P>
SolveSummary run_finite_horizon(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim, M = P::control_dim;
  const P problem = configure_problem<P>(config);
  const long horizon = config.finite_horizon.steps > 0 ? config.finite_horizon.steps
                                                       : static_cast<long>(problem.episode_steps);
  config.finite_horizon.validate(horizon);
  const auto axes = configure_axes(problem, config, nullptr);
  TensorGrid<D> grid(comm, axes);
  const std::vector<long> stages = stored_stages(horizon, config.finite_horizon.stages);
  HJB_CHECK(stages.size() <= static_cast<std::size_t>(TimeDependentOptions::max_snapshots), UsageError,
            "--finite_horizon.steps "
                << horizon << ": " << stages.size() << " stored stages, more than the "
                << TimeDependentOptions::max_snapshots
                << " a table holds; store fewer with --finite_horizon.stages (0 and N are "
                   "always stored, e.g. --finite_horizon.stages 0,1000,2000)");
  std::vector<Axis> axis_list(axes.begin(), axes.end());
  // Values of every stored stage, feedback of every stored stage but N, the first step's feedback.
  const std::size_t datasets = stages.size() + (stages.size() - 1 + 1) * M;
  const bool dry_run = check_stationary_memory<P>(grid, config);
  if (dry_run)
    PetscPrintf(comm, "  finite horizon: %ld steps, %zu stored stages; table on disk %s\n", horizon,
                stages.size(), format_bytes(planned_table_bytes(axis_list, datasets)).c_str());
  const PreparedOutputs outputs = prepare_outputs(comm, config, planned_table_bytes(axis_list, datasets),
                                                  planned_table_bytes(axis_list, 1));
  const RunFiles& files = outputs.files;
  if (dry_run) return dry_run_summary("finite_horizon");
  FiniteHorizonSolver<P> solver(problem, grid, config.stationary.actions, horizon,
                                config.stationary.progress_seconds, config.finite_horizon.tolerance);

  const std::string identity = finite_horizon_identity(problem, axes, config.stationary.actions, horizon,
                                                       stages, config.finite_horizon.tolerance);
  const TableMetadata meta =
      finite_horizon_metadata(problem, config, identity, horizon, solver.actions().size());
  std::vector<double> times;
  for (long k : stages) times.push_back(static_cast<double>(k - horizon));
  std::vector<std::string> extras;
  for (long k : stages)
    if (k < horizon)
      for (int j = 0; j < M; ++j) extras.push_back(stage_policy_dataset(k, j));
  for (int j = 0; j < M; ++j) extras.push_back("policy/action_" + std::to_string(j));

  std::vector<std::int64_t> start(grid.owned_start().begin(), grid.owned_start().end());
  std::vector<std::int64_t> extent(grid.owned_extent().begin(), grid.owned_extent().end());
  const OwnedVec v = grid.create_vector();
  std::unique_ptr<TableWriter> writer;
  long next = horizon - 1;  // the next stage to compute
  int next_snapshot = 1;    // snapshot 0 is stage N
  if (!config.checkpoint.restart.empty()) {
    const CheckpointHeader header = load_checkpoint(config.checkpoint.restart, identity, v, start, extent);
    next = horizon - header.steps - 1;
    next_snapshot = header.next_snapshot;
    writer = TableWriter::resume(comm, files.table,
                                 partial_table_for(header.partial_table, config.checkpoint.restart, files),
                                 axis_list, start, extent, times, identity, extras);
    PetscPrintf(comm, "resuming from %s at stage %ld on %d ranks\n", config.checkpoint.restart.c_str(),
                next + 1, grid.size());
  } else {
    HJB_PETSC(VecSet(v, 0.0));
    writer = std::make_unique<TableWriter>(comm, files.table, files.temporary(files.table), axis_list, start,
                                           extent, times, meta, extras);
    const VecReadAccess values(v);
    writer->write_snapshot(0, values.data());  // V_N = 0
  }
  RunSession session(comm, config, files, {files.temporary(files.sidecar)});
  std::vector<double> control_values(grid.owned_count());
  SolveSummary s = solver.solve(v, next, [&](long k, Vec values, const std::vector<int>& policy) {
    if (next_snapshot < static_cast<int>(stages.size()) && stages[next_snapshot] == k)
      write_stage<M>(*writer, next_snapshot++, k, values, policy, solver.actions(), control_values);
    const long done = horizon - k;
    const bool stop = session.after_step(
        done,
        [&] {
          writer->flush();  // the snapshots the checkpoint counts as written are on disk
          save_checkpoint(comm, files, {identity, writer->temporary_path(), 0.0, done, next_snapshot}, values,
                          axis_list, start, extent);
        },
        k != 0);  // the last stage is published, not checkpointed
    return stop ? session.stop_termination() : Termination::horizon_reached;
  });
  s.peak_resident_bytes = largest_peak_resident_bytes(comm);
  if (s.interrupted()) {
    session.keep_checkpoint();
    writer->suspend();
    return session.stopped(s, "stage " + std::to_string(horizon - s.iterations));
  }
  const double tolerance = config.finite_horizon.tolerance;
  const long from = solver.stationary_from();
  if (from >= 0) {
    std::ostringstream os;
    if (tolerance > 0.0)
      os << "the values changed by at most " << tolerance << " at stage " << from
         << "; every earlier stage j is taken equal to it (within (" << from << " - j) x " << tolerance
         << " of the full recursion)";
    else
      os << "the values stopped changing at stage " << from << " (V_k = V_" << from
         << " exactly for every earlier stage)";
    s.message = os.str();
  }
  writer->commit(D == 2 || D == 3 ? files.sidecar : std::string(), files.temporary(files.sidecar),
                 {{"stationary_from_stage", static_cast<double>(from)}, {"stationary_tolerance", tolerance}});
  session.published();
  return s;
}

}  // namespace hjb
