// The `solve` driver of second-order (diffusion) problems (core/problem_interface.hpp,
// SecondOrderProblem): the backward march of solver/algorithms/second_order.hpp with checkpoints,
// signals and the table of V and of the feedback u* = -sigma^2 grad V at every stored time
// (data/README.md, "Second-order tables").
#pragma once
#include <cstdio>
#include <iomanip>
#include <memory>
#include <sstream>

#include "solver/algorithms/second_order.hpp"
#include "solver/run/time_dependent_run.hpp"
#include "tables/table.hpp"

namespace hjb {

template <SecondOrderProblem P>
std::string second_order_identity(const P& problem, const std::array<Axis, P::dim>& axes,
                                  const TimeDependentOptions& o) {
  std::ostringstream os;
  os << std::setprecision(17) << problem_and_grid_identity(problem, axes)
     << ";algorithm=second_order;scheme=monotone_upwind,explicit,reflect,cfl:" << o.cfl << ";schedule=";
  for (double tau : o.snapshot_schedule()) os << tau << ",";
  return os.str();
}

template <SecondOrderProblem P>
TableMetadata second_order_metadata(const P& problem, const SolveConfig& config,
                                    const std::string& identity) {
  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  meta.strings["scheme"] =
      "second-order HJB, monotone upwind finite differences (closed-form control per axis, central "
      "diffusion), "
      "explicit steps within the chain's CFL limit, reflection at the box's faces";
  meta.strings["mode"] = "second_order";
  meta.strings["control_mode"] = "min";
  meta.strings["feedback"] =
      "u* = -sigma^2 grad V by central differences, per stored time "
      "(policy/snapshot_KKKK/action_J; policy/action_J at the last, t = -horizon)";
  meta.strings["run_identity"] = identity;
  meta.strings["command_line"] = config.command_line;
  meta.strings["petsc_options"] = config.petsc_options;
  meta.numbers["scheme.cfl"] = config.time_dependent.cfl;
  meta.numbers["horizon"] = config.time_dependent.snapshot_schedule().back();
  meta.numbers["noise_scale"] = problem.noise_scale();
  return meta;
}

template <SecondOrderProblem P>
SolveSummary run_second_order(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  const TimeDependentOptions& o = config.time_dependent;
  o.validate();
  const P problem = configure_problem<P>(config);
  const auto axes = configure_axes(problem, config, "the second-order scheme's differences");
  TensorGrid<D> grid(comm, axes);
  check_decomposition(grid, 1, "second-order");
  const bool dry_run = check_memory_plan(grid, config, D + 1);  // V and D feedback components per snapshot
  const std::vector<Axis> axis_list(axes.begin(), axes.end());
  const std::size_t snapshots = o.snapshot_schedule().size() + 1;
  const PreparedOutputs outputs = prepare_outputs(
      comm, config, planned_table_bytes(axis_list, snapshots * (D + 1)), planned_table_bytes(axis_list, 1));
  const RunFiles& files = outputs.files;
  if (dry_run) return dry_run_summary("second_order");
  SecondOrderSolver<P> solver(problem, grid, o);

  std::vector<double> times{0.0};
  for (double tau : o.snapshot_schedule()) times.push_back(-tau);
  std::vector<std::string> extras;
  for (std::size_t k = 0; k < snapshots; ++k)
    for (int j = 0; j < D; ++j) extras.push_back(table_snapshot_feedback_name(static_cast<int>(k), j));
  for (int j = 0; j < D; ++j) extras.push_back("policy/action_" + std::to_string(j));
  std::vector<std::int64_t> start(grid.owned_start().begin(), grid.owned_start().end());
  std::vector<std::int64_t> extent(grid.owned_extent().begin(), grid.owned_extent().end());
  const std::string identity = second_order_identity(problem, axes, o);
  const OwnedVec v = grid.create_vector();
  auto [from, writer] = start_or_resume(comm, config, files, grid, identity, times, v,
                                        second_order_metadata(problem, config, identity), extras, [&](Vec x) {
                                          solver.set_initial(x);
                                          solver.check_step_budget(x);
                                        });
  RunSession session(comm, config, files, {files.temporary(files.history), files.temporary(files.sidecar)});
  std::vector<std::vector<double>> u;
  auto summary = solver.solve(
      v,
      [&](int k, double, Vec values) {
        {
          const VecReadAccess owned(values);
          HJB_CHECK(owned.data(), RuntimeError, "cannot read the values of snapshot " << k);
          writer->write_snapshot(k, owned.data());
        }
        solver.feedback(values, u);
        for (int j = 0; j < D; ++j) {
          writer->write_extra(table_snapshot_feedback_name(k, j), u[j].data());
          if (k + 1 == static_cast<int>(snapshots))
            writer->write_extra("policy/action_" + std::to_string(j), u[j].data());
        }
      },
      from,
      [&](const SolveProgress& p, Vec values) {
        const bool stop = session.after_step(p.steps, [&] {
          writer->flush();
          save_checkpoint(comm, files, {identity, writer->temporary_path(), p.tau, p.steps, p.next_snapshot},
                          values, axis_list, start, extent);
        });
        return stop ? session.stop_termination() : Termination::horizon_reached;
      });
  return finish_marching_run(comm, files, session, *writer, summary, D == 2 || D == 3);
}

}  // namespace hjb
