// The `solve --solve.algorithm value_iteration|policy_iteration` driver: configure, iterate with
// checkpoints and signal handling, publish the value and the optimal feedback control.
#pragma once
#include <cmath>
#include <iomanip>
#include <sstream>

#include "solver/algorithms/memory_plan.hpp"
#include "solver/algorithms/output_paths.hpp"
#include "solver/algorithms/run_control.hpp"
#include "solver/algorithms/run_setup.hpp"
#include "solver/algorithms/stationary.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/io/version_attributes.hpp"

namespace hjb {

template <StationaryProblem P>
std::string stationary_identity(const P& problem, const std::array<Axis, P::dim>& axes,
                                const StationaryOptions& o, double gamma) {
  std::ostringstream os;
  os << std::setprecision(17) << problem_and_grid_identity(problem, axes);
  os << ";algorithm=" << (o.policy_iteration ? "policy_iteration" : "value_iteration")
     << ";actions=" << o.actions << ";discount=" << gamma << ";tolerance=" << o.tolerance;
  return os.str();
}

template <StationaryProblem P>
SolveSummary run_stationary(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  const P problem = configure_problem<P>(config);
  const auto axes = configure_axes(problem, config);
  check_output_path(comm, config.output);
  HJB_CHECK(!config.dry_run, UsageError, "--dry-run plans time-dependent solves only");
  TensorGrid<D> grid(comm, axes);
  StationarySolver<P> solver(problem, grid, config.stationary);
  const std::string identity = stationary_identity(problem, axes, config.stationary, solver.discount());
  std::vector<Axis> axis_list(axes.begin(), axes.end());
  std::vector<std::int64_t> start(grid.owned_start().begin(), grid.owned_start().end());
  std::vector<std::int64_t> extent(grid.owned_extent().begin(), grid.owned_extent().end());
  const OwnedVec v = grid.create_vector();
  long first = 0;
  if (!config.restart.empty()) {
    const CheckpointHeader header = load_checkpoint(config.restart, identity, v, start, extent);
    first = header.steps;
    PetscPrintf(comm, "resuming from %s at iteration %ld on %d ranks\n", config.restart.c_str(), first,
                grid.size());
  } else {
    HJB_PETSC(VecSet(v, 0.0));
  }
  RunControl control(comm, config.control);
  SolveSummary s = solver.solve(v, first, [&](long iteration, Vec values) {
    const StepDecision d = control.after_step(iteration);
    if (d == StepDecision::proceed) return Termination::converged;
    save_checkpoint(comm, config.checkpoint_file, {identity, 0.0, iteration, 0}, values, axis_list, start,
                    extent);
    control.checkpoint_written();
    return d == StepDecision::stop ? control.stop_termination() : Termination::converged;
  });
  s.peak_resident_bytes = largest_peak_resident_bytes(comm);
  if (s.interrupted()) {
    std::ostringstream os;
    os << "stopped by " << control.stop_reason() << " at iteration " << s.iterations
       << "; checkpoint written to " << config.checkpoint_file << "; resume with --restart "
       << config.checkpoint_file;
    s.message = os.str();
    return s;
  }
  HJB_CHECK(std::isfinite(s.residual), NumericalError,
            "non-finite Bellman residual at iteration " << s.iterations << "; no table is written");
  if (s.termination != Termination::converged) {
    std::ostringstream os;
    os << "not converged: Bellman residual " << s.residual << " > tolerance " << config.stationary.tolerance
       << " after " << s.iterations << " iterations (the table says converged = no)";
    s.message = os.str();
  }
  // Publish V and the greedy feedback control.
  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  meta.strings["scheme"] =
      std::string(config.stationary.policy_iteration ? "policy iteration" : "value iteration") +
      " on semi-Lagrangian (multilinear) transitions of the problem's discrete step";
  meta.strings["mode"] = "stationary";
  meta.strings["run_identity"] = identity;
  meta.strings["command_line"] = config.command_line;
  meta.strings["petsc_options"] = config.petsc_options;
  meta.strings["converged"] = s.termination == Termination::converged ? "yes" : "no";
  meta.numbers["discount"] = solver.discount();
  meta.numbers["bellman_residual"] = s.residual;
  meta.numbers["iterations"] = static_cast<double>(s.iterations);
  meta.numbers["actions"] = static_cast<double>(solver.actions().size());
  std::vector<std::string> extras;
  for (int j = 0; j < P::control_dim; ++j) extras.push_back("policy/action_" + std::to_string(j));
  TableWriter writer(comm, config.output, axis_list, start, extent, {0.0}, meta, extras);
  const PetscScalar* data;
  HJB_PETSC(VecGetArrayRead(v, &data));
  writer.write_snapshot(0, data);
  HJB_PETSC(VecRestoreArrayRead(v, &data));
  std::vector<double> control_values(grid.owned_count());
  for (int j = 0; j < P::control_dim; ++j) {
    for (std::int64_t l = 0; l < grid.owned_count(); ++l)
      control_values[l] = solver.actions()[solver.policy()[l]][j];
    writer.write_extra(extras[j], control_values.data());
  }
  writer.commit();
  remove_file_on_rank0(comm, config.checkpoint_file);
  return s;
}

}  // namespace hjb
