// The `solve --grid.type sparse --grid.level n [--grid.levels l1,..,ld]` driver for continuous-time
// stationary problems: plan and check the sparse grid before any work, run the sparse-grid
// semi-Lagrangian iteration on all ranks with checkpoints (the nodal values, written in blocks by
// every rank; a restart reads them whole on any number of ranks) and signal / wall-time stops,
// publish a sparse table (solver/io/sparse_table.hpp) with its error indicator (the same run one and
// two levels coarser, solver/run/sparse_error_estimate.hpp; --sparse.error_indicator false skips it).
#pragma once
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

#include "solver/algorithms/sparse_stationary.hpp"
#include "solver/io/sparse_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/sparse_error_estimate.hpp"
#include "solver/run/sparse_run_common.hpp"

namespace hjb {

template <class P>
SolveSummary run_sparse_stationary(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  const P problem = configure_problem<P>(config);
  HJB_CHECK(
      !config.stationary.policy_iteration || problem.discount_rate() > 0 || !HasTargetSet<P>, UsageError,
      "--solve.algorithm policy_iteration: on sparse grids an exit-time problem runs value iteration; use "
      "--solve.algorithm value_iteration");
  HJB_CHECK(
      config.grid.adaptive == 0, UsageError,
      "--grid.adaptive: stationary sparse runs use regular grids (adaptivity is for time-dependent runs)");
  const SparseGridPlan plan = plan_sparse_grid(config, problem);
  double actions = 1;
  for (int j = 0; j < P::control_dim; ++j) actions *= config.stationary.actions;
  // Every rank holds the whole grid: coordinates, values, surpluses, the next sweep, the policy.
  check_sparse_memory(comm, config, "stationary", D, plan.nodes, actions, 8.0 * D + 4 * 8.0 + 4.0,
                      plan.basis);
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
  const sparse::SparseGrid grid = plan.build(D, config);
  SparseStationaryOptions o;
  o.actions = config.stationary.actions;
  o.tolerance = config.stationary.tolerance;
  o.max_iterations = config.stationary.max_iterations > 0 ? config.stationary.max_iterations : 100000;
  // Policy iteration: greedy sweeps with 10 sweeps of each policy; value iteration: greedy only.
  o.evaluation_sweeps = config.stationary.policy_iteration ? 10 : 0;
  // The step h in units of the grid's finest spacing (so a coarser grid, as for the error
  // indicator, takes a longer one: the same command at a lower level).
  const auto time_step = [&](const sparse::SparseGrid& g) {
    double finest = std::numeric_limits<double>::infinity();
    for (int k = 0; k < D; ++k) finest = std::min(finest, std::ldexp(g.hi()[k] - g.lo()[k], -g.caps()[k]));
    return config.chain.time_step_factor * finest;
  };
  o.time_step = time_step(grid);
  std::ostringstream id;
  id << std::setprecision(17) << sparse_run_identity(problem, grid) << ";actions=" << o.actions
     << ";h=" << o.time_step << ";tolerance=" << o.tolerance << ";policy_sweeps=" << o.evaluation_sweeps;
  const RunFiles& files = outputs.files;
  SparseCheckpoints checkpoints(comm, config, files, grid.size(), id.str());
  const auto hook = [&](long sweeps, const std::vector<double>& values) {
    return checkpoints.after_step(sweeps, 0.0, values);
  };
  const double start = MPI_Wtime();
  const SparseStationaryResult r =
      sparse_semi_lagrangian(problem, grid, o, comm, checkpoints.start(), checkpoints.start_steps(), hook);
  s.wall_seconds = MPI_Wtime() - start;
  if (r.stopped) return checkpoints.stopped(s, r.greedy_sweeps, "sweep");
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
  TableMetadata meta = sparse_table_metadata(problem, config,
                                             "semi-Lagrangian modified policy iteration on a sparse grid "
                                             "(piecewise-linear hierarchical basis, " +
                                                 sparse::to_string(grid.basis()) + ")",
                                             "continuous_stationary");
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
  std::optional<SparseErrorEstimate> error;
  if (config.sparse.error_indicator)
    error = coarser_run_differences(comm, grid, grid, r.values, [&](const sparse::SparseGrid& coarse, int) {
      SparseStationaryOptions oc = o;
      oc.time_step = time_step(coarse);
      return interpolate_at_nodes(grid, coarse, sparse_semi_lagrangian(problem, coarse, oc, comm).values);
    });
  write_sparse_table(comm, files.table, files.temporary(files.table), grid, r.values, surplus, policy, meta,
                     error ? &*error : nullptr);
  checkpoints.finished();
  return s;
}

}  // namespace hjb
