// The `solve --grid.type sparse --grid.level n [--grid.levels l1,..,ld]` driver for continuous-time
// stationary problems: plan and check the sparse grid before any work, run the sparse-grid
// semi-Lagrangian iteration on all ranks with checkpoints (the nodal values, written in blocks by
// every rank; a restart reads them whole on any number of ranks) and signal / wall-time stops,
// publish a sparse table (solver/io/sparse_table.hpp).
#pragma once
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

#include "solver/algorithms/memory_plan.hpp"
#include "solver/algorithms/output_paths.hpp"
#include "solver/algorithms/run_control.hpp"
#include "solver/algorithms/run_setup.hpp"
#include "solver/algorithms/sparse_stationary.hpp"
#include "solver/io/sparse_table.hpp"
#include "solver/io/version_attributes.hpp"

namespace hjb {

template <class P>
SolveSummary run_sparse_stationary(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  const P problem = configure_problem<P>(config);
  HJB_CHECK(
      !config.stationary.policy_iteration || problem.discount_rate() > 0 || !HasTargetSet<P>, UsageError,
      "--solve.algorithm policy_iteration: on sparse grids an exit-time problem runs value iteration; use "
      "--solve.algorithm value_iteration");
  const auto domain = problem.domain();
  std::vector<double> lo(D), hi(D);
  HJB_CHECK(config.lo.empty() || static_cast<int>(config.lo.size()) == D, UsageError,
            "--grid.lo has " << config.lo.size() << " values, expected " << D);
  HJB_CHECK(config.hi.empty() || static_cast<int>(config.hi.size()) == D, UsageError,
            "--grid.hi has " << config.hi.size() << " values, expected " << D);
  for (int k = 0; k < D; ++k) {
    lo[k] = config.lo.empty() ? domain[k].lo : config.lo[k];
    hi[k] = config.hi.empty() ? domain[k].hi : config.hi[k];
    HJB_CHECK(std::isfinite(lo[k]) && std::isfinite(hi[k]) && hi[k] > lo[k], UsageError,
              "--grid.lo/--grid.hi: axis " << k << " needs finite bounds with hi > lo");
  }
  const int level = config.sparse_level;
  HJB_CHECK(level >= 1, UsageError, "--grid.level must be at least 1, got " << level);
  for (int c : config.sparse_levels)
    HJB_CHECK(c >= 0 && c <= level, UsageError,
              "--grid.levels: each level must be in [0, --grid.level " << level << "], got " << c);
  const double nodes = sparse::SparseGrid::count_nodes(D, level, config.sparse_levels);
  HJB_CHECK(nodes <= static_cast<double>(std::numeric_limits<std::int32_t>::max()), ValidationError,
            "--grid.level " << level << ": the sparse grid would have " << nodes
                            << " nodes, more than 2^31; use a lower level or per-axis --grid.levels");
  double actions = 1;
  for (int j = 0; j < P::control_dim; ++j) actions *= config.stationary.actions;
  // Every rank holds the whole grid: coordinates, values, surpluses, the next sweep, the policy.
  const double bytes = nodes * (8.0 * D + 4 * 8.0 + 4.0) + current_resident_bytes();
  if (config.dry_run) {
    std::ostringstream os;
    os << "dry run: " << config.problem << " on a sparse grid of level " << level << " in " << D
       << " dimensions: " << nodes << " nodes x " << actions << " actions; memory per rank "
       << format_bytes(bytes) << "\n";
    PetscPrintf(comm, "%s", os.str().c_str());
  }
  HJB_CHECK(config.memory_per_rank <= 0 || bytes <= config.memory_per_rank, ValidationError,
            "--memory-per-rank: the sparse solve needs about " << format_bytes(bytes)
                                                               << " per rank but the budget is "
                                                               << format_bytes(config.memory_per_rank));
  const PreparedOutputs outputs =
      prepare_outputs(comm, config, nodes * 8.0 * (2 + D + P::control_dim) + 65536, nodes * 8.0 + 65536);
  SolveSummary s;
  s.algorithm =
      std::string("sparse ") + (config.stationary.policy_iteration ? "policy_iteration" : "value_iteration");
  if (config.dry_run) {
    s.dry_run = true;
    return s;
  }
  const sparse::SparseGrid grid(D, level, lo, hi, config.sparse_levels);
  SparseStationaryOptions o;
  o.actions = config.stationary.actions;
  o.tolerance = config.stationary.tolerance;
  o.max_iterations = config.stationary.max_iterations > 0 ? config.stationary.max_iterations : 100000;
  // Policy iteration: greedy sweeps with 10 sweeps of each policy; value iteration: greedy only.
  o.evaluation_sweeps = config.stationary.policy_iteration ? 10 : 0;
  double finest = std::numeric_limits<double>::infinity();
  for (int k = 0; k < D; ++k) finest = std::min(finest, std::ldexp(hi[k] - lo[k], -grid.caps()[k]));
  o.time_step = config.chain.time_step_factor * finest;
  std::ostringstream id;
  id << std::setprecision(17) << "problem=" << P::name() << ";parameters=";
  for (const auto& [name, value] : parameter_values(problem)) id << name << ":" << value << ",";
  id << ";sparse=" << D << ":" << level << ":";
  for (int c : grid.caps()) id << c << ",";
  for (int k = 0; k < D; ++k) id << lo[k] << ":" << hi[k] << ",";
  id << ";actions=" << o.actions << ";h=" << o.time_step << ";tolerance=" << o.tolerance
     << ";policy_sweeps=" << o.evaluation_sweeps;
  const std::string identity = id.str();
  const RunFiles& files = outputs.files;
  // The checkpoint holds the nodal values as one 1-D dataset; each rank writes its block.
  const std::int64_t n = grid.size();
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::int64_t block_first = n * rank / size, block_last = n * (rank + 1) / size;
  const std::vector<Axis> node_axis{Axis{"node", 0.0, static_cast<double>(n - 1), n, false}};
  std::vector<double> start_values;
  long first_sweep = 0;
  if (!config.restart.empty()) {
    const CheckpointHeader header = read_checkpoint_header(config.restart, identity);
    start_values = read_checkpoint_state(config.restart, {0}, {n});
    first_sweep = header.steps;
    PetscPrintf(comm, "resuming from %s at sweep %ld on %d ranks\n", config.restart.c_str(), first_sweep,
                size);
  }
  FailedRunCleanup cleanup(comm, {files.checkpoint, files.temporary(files.checkpoint)});
  RunControl control(comm, config.control);
  const auto hook = [&](long sweeps, const std::vector<double>& values) {
    const StepDecision d = control.after_step(sweeps);
    if (d == StepDecision::proceed) return false;
    write_checkpoint(comm, files.checkpoint, files.temporary(files.checkpoint),
                     {identity, "", 0.0, sweeps, 0}, node_axis, {block_first}, {block_last - block_first},
                     values.data() + block_first);
    control.checkpoint_written();
    return d == StepDecision::stop;
  };
  const double start = MPI_Wtime();
  const SparseStationaryResult r =
      sparse_semi_lagrangian(problem, grid, o, comm, start_values, first_sweep, hook);
  s.wall_seconds = MPI_Wtime() - start;
  if (r.stopped) {
    s.iterations = r.greedy_sweeps;
    s.termination = control.stop_termination();
    cleanup.disarm();
    std::ostringstream os;
    os << "stopped by " << control.stop_reason() << " at sweep " << r.greedy_sweeps
       << "; checkpoint written to " << files.checkpoint << "; resume with --restart " << files.checkpoint;
    s.message = os.str();
    return s;
  }
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
  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  meta.strings["scheme"] =
      "semi-Lagrangian modified policy iteration on a sparse grid (piecewise-linear "
      "hierarchical basis with boundary)";
  meta.strings["mode"] = "continuous_stationary";
  meta.strings["command_line"] = config.command_line;
  meta.strings["converged"] = r.converged ? "yes" : "no";
  meta.numbers["discount_rate"] = problem.discount_rate();
  meta.numbers["time_step"] = o.time_step;
  meta.numbers["residual"] = r.residual;
  meta.numbers["actions"] = actions;
  std::vector<double> surplus = r.values;
  grid.hierarchize(surplus);
  const auto action_set = action_grid(problem.action_box(), o.actions);
  std::vector<std::vector<double>> policy(P::control_dim, std::vector<double>(r.values.size()));
  for (std::size_t p = 0; p < r.values.size(); ++p)
    for (int j = 0; j < P::control_dim; ++j)
      policy[j][p] = action_set[static_cast<std::size_t>(r.policy[p])][j];
  write_sparse_table(comm, files.table, files.temporary(files.table), grid, r.values, surplus, policy, meta);
  remove_file_on_rank0(comm, files.checkpoint);
  cleanup.disarm();
  return s;
}

}  // namespace hjb
