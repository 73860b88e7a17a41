// The `solve --solve.algorithm value_iteration|policy_iteration` driver: configure, iterate with
// checkpoints and signal handling, publish the value and the optimal feedback control.
#pragma once
#include <unistd.h>

#include <cmath>
#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>

#include "solver/algorithms/stationary.hpp"
#include "solver/algorithms/stationary_cascade.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/memory_plan.hpp"
#include "solver/run/output_paths.hpp"
#include "solver/run/run_control.hpp"
#include "solver/run/run_session.hpp"
#include "solver/run/run_setup.hpp"

namespace hjb {

template <class P, class Chain = ControlledChain<P>>
std::string stationary_identity(const P& problem, const std::array<Axis, P::dim>& axes,
                                const SolveConfig& config, double gamma) {
  const StationaryOptions& o = config.stationary;
  std::ostringstream os;
  os << std::setprecision(17) << problem_and_grid_identity(problem, axes);
  os << ";algorithm=" << (o.policy_iteration ? "policy_iteration" : "value_iteration")
     << ";actions=" << o.actions << ";discount=" << gamma << ";tolerance=" << o.tolerance;
  if constexpr (is_sparse_chain<Chain>)
    os << ";chain=" << to_string(config.chain.scheme) << ",h:" << config.chain.time_step_factor;
  return os.str();
}

/// Plans the memory of the stationary solver on its largest rank (transitions of every owned node
/// and action, the gathered foot-point values, the value vectors; for policy iteration the sparse
/// matrix, its ILU factor and the Krylov basis), prints it for --dry-run, and refuses (exit 3,
/// naming the options) a plan over --memory-per-rank or over this node's physical memory, so a
/// large action count is an error before any allocation rather than std::bad_alloc. Collective.
template <class P, class Chain = ControlledChain<P>>
bool check_stationary_memory(const TensorGrid<P::dim>& grid, const SolveConfig& config) {
  constexpr int corners = 1 << P::dim;
  double actions = 1;
  for (int j = 0; j < P::control_dim; ++j) actions *= config.stationary.actions;
  double owned = static_cast<double>(grid.owned_count()), largest = 0;
  MPI_Allreduce(&owned, &largest, 1, MPI_DOUBLE, MPI_MAX, grid.comm());
  double transitions = largest * actions * Chain::planned_bytes_per_transition(config.chain);
  if constexpr (requires { Chain::bytes_per_node; }) transitions += largest * Chain::bytes_per_node;
  // Foot-point nodes (at most every node once more, plus the hash map that numbers them).
  const double gathered = largest * (8.0 + sizeof(PetscInt) + 48.0);
  const double vectors = largest * (3 * 8.0 + 4.0);
  const double nonzeros = largest * (corners + 1);
  const double policy_iteration = config.stationary.policy_iteration
                                      ? 2.0 * nonzeros * (8.0 + sizeof(PetscInt)) + 32.0 * 8.0 * largest
                                      : 0.0;
  const double baseline = current_resident_bytes();
  const double total = transitions + gathered + vectors + policy_iteration + baseline;
  if (config.dry_run) {
    std::ostringstream os;
    os << "dry run: " << config.problem.name << " (" << to_string(config.algorithm) << ") on " << grid.size()
       << " ranks, " << grid.global_count() << " nodes x " << actions
       << " actions\n  memory per rank (largest): transitions " << format_bytes(transitions)
       << ", gathered values " << format_bytes(gathered) << ", vectors " << format_bytes(vectors)
       << ", matrix and Krylov basis " << format_bytes(policy_iteration) << ", process baseline "
       << format_bytes(baseline) << "\n  total per rank: " << format_bytes(total)
       << (config.memory_per_rank > 0 ? " (budget " + format_bytes(config.memory_per_rank) + ")" : "")
       << "\n";
    PetscPrintf(grid.comm(), "%s", os.str().c_str());
  }
  HJB_CHECK(config.memory_per_rank <= 0 || total <= config.memory_per_rank, ValidationError,
            "--memory-per-rank: the stationary solve needs about "
                << format_bytes(total) << " on its largest rank but the budget is "
                << format_bytes(config.memory_per_rank)
                << "; use more ranks, fewer --stationary.actions or a coarser grid");
  const double physical =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  HJB_CHECK(physical <= 0 || total <= physical, ValidationError,
            "--stationary.actions " << config.stationary.actions << " with --grid.shape of "
                                    << grid.global_count() << " nodes: the stationary solve needs about "
                                    << format_bytes(total) << " per rank, more than this node's "
                                    << format_bytes(physical)
                                    << " of memory; use fewer actions, more ranks or a coarser grid");
  return config.dry_run;
}

/// The root attributes of a stationary table (data/README.md).
template <class P, class Chain>
TableMetadata stationary_metadata(const P& problem, const SolveConfig& config,
                                  const StationarySolver<P, Chain>& solver, const std::string& identity,
                                  const SolveSummary& s) {
  constexpr bool continuous = is_sparse_chain<Chain>;
  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  meta.strings["scheme"] =
      std::string(config.stationary.policy_iteration ? "policy iteration" : "value iteration") +
      (continuous
           ? std::string(" on the ") + to_string(config.chain.scheme) +
                 " Markov chain approximation of the continuous-time problem"
           : std::string(" on semi-Lagrangian (multilinear) transitions of the problem's discrete step"));
  meta.strings["mode"] = continuous ? "continuous_stationary" : "stationary";
  meta.strings["run_identity"] = identity;
  meta.strings["command_line"] = config.command_line;
  meta.strings["petsc_options"] = config.petsc_options;
  meta.strings["converged"] = s.termination == Termination::converged ? "yes" : "no";
  if constexpr (continuous) {
    meta.numbers["discount_rate"] = problem.discount_rate();
    if (config.chain.scheme == ChainScheme::semi_lagrangian)
      meta.numbers["time_step"] = solver.chain().time_step();
  } else {
    meta.numbers["discount"] = solver.discount();
  }
  meta.numbers["bellman_residual"] = s.residual;
  meta.numbers["iterations"] = static_cast<double>(s.iterations);
  meta.numbers["actions"] = static_cast<double>(solver.actions().size());
  meta.numbers["coarse_levels"] = static_cast<double>(s.coarse_levels);
  meta.numbers["coarse_iterations"] = static_cast<double>(s.coarse_iterations);
  return meta;
}

/// Value or policy iteration on the chain of a problem: by default the semi-Lagrangian chain of its
/// own discrete step; Chain = SparseChain<P> for a continuous-time problem's Markov chain
/// approximation (--stationary.scheme).
template <class P, class Chain = ControlledChain<P>>
SolveSummary run_stationary(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  constexpr bool continuous = is_sparse_chain<Chain>;
  const P problem = configure_problem<P>(config);
  if constexpr (continuous)
    HJB_CHECK(config.stationary.discount == 0, UsageError,
              "--stationary.discount: problem '"
                  << P::name()
                  << "' is continuous-time and discounts at its rate --problem.rho "
                     "(the chain's per-step discount follows from it)");
  if constexpr (continuous)
    HJB_CHECK(!config.stationary.policy_iteration || problem.discount_rate() > 0, UsageError,
              "--solve.algorithm policy_iteration: problem '"
                  << P::name()
                  << "' is an exit-time problem without discount, where a policy that never reaches the "
                     "target makes policy evaluation singular; use --solve.algorithm value_iteration");
  const auto axes = configure_axes(
      problem, config, continuous ? "Markov chain approximations of continuous-time problems" : nullptr);
  TensorGrid<D> grid(comm, axes);
  const bool dry_run = check_stationary_memory<P, Chain>(grid, config);
  std::vector<Axis> axis_list(axes.begin(), axes.end());
  const PreparedOutputs outputs = prepare_outputs(
      comm, config, planned_table_bytes(axis_list, 1 + P::control_dim), planned_table_bytes(axis_list, 1));
  const RunFiles& files = outputs.files;
  if (dry_run)
    return dry_run_summary(config.stationary.policy_iteration ? "policy_iteration" : "value_iteration");
  // The cascade's coarse solvers come and go before the fine one is built (peak memory: the fine
  // solve's); a restart starts from its checkpoint instead. A fresh run's session (signals, wall
  // time, clean-up) starts before the cascade: a stop requested during it is taken after the first
  // fine iteration, with a checkpoint. A restart's starts once its checkpoint was accepted.
  const OwnedVec v = grid.create_vector();
  HJB_PETSC(VecSet(v, 0.0));
  std::optional<RunSession> session;
  const std::vector<std::string> temporaries{files.temporary(files.sidecar)};
  if (config.checkpoint.restart.empty()) session.emplace(comm, config, files, temporaries);
  CascadeReport cascade;
  const int coarse_levels = config.stationary.effective_coarse_levels(!continuous);
  if (config.checkpoint.restart.empty() && coarse_levels > 0) {
    if constexpr (continuous)
      cascade = cascade_start<P, Chain>(problem, grid, config.stationary, coarse_levels, v, config.chain);
    else
      cascade = cascade_start<P, Chain>(problem, grid, config.stationary, coarse_levels, v);
  }
  auto make_solver = [&] {
    if constexpr (continuous)
      return std::make_unique<StationarySolver<P, Chain>>(problem, grid, config.stationary, config.chain);
    else
      return std::make_unique<StationarySolver<P, Chain>>(problem, grid, config.stationary);
  };
  const auto solver_owner = make_solver();
  StationarySolver<P, Chain>& solver = *solver_owner;
  const std::string identity = stationary_identity<P, Chain>(problem, axes, config, solver.discount());
  std::vector<std::int64_t> start(grid.owned_start().begin(), grid.owned_start().end());
  std::vector<std::int64_t> extent(grid.owned_extent().begin(), grid.owned_extent().end());
  long first = 0;
  if (!config.checkpoint.restart.empty()) {
    const CheckpointHeader header = load_checkpoint(config.checkpoint.restart, identity, v, start, extent);
    first = header.steps;
    PetscPrintf(comm, "resuming from %s at iteration %ld on %d ranks\n", config.checkpoint.restart.c_str(),
                first, grid.size());
  }
  if (!session) session.emplace(comm, config, files, temporaries);
  SolveSummary s = solver.solve(v, first, [&](long iteration, Vec values) {
    const bool stop = session->after_step(iteration, [&] {
      save_checkpoint(comm, files, {identity, "", 0.0, iteration, 0}, values, axis_list, start, extent);
    });
    return stop ? session->stop_termination() : Termination::converged;
  });
  s.peak_resident_bytes = largest_peak_resident_bytes(comm);
  s.coarse_levels = cascade.levels;
  s.coarse_iterations = cascade.iterations;
  s.wall_seconds += cascade.wall_seconds;
  if (s.interrupted()) return session->stopped(s, "iteration " + std::to_string(s.iterations));
  HJB_CHECK(std::isfinite(s.residual), NumericalError,
            "non-finite Bellman residual at iteration " << s.iterations << "; no table is written");
  if (s.termination != Termination::converged) {
    std::ostringstream os;
    os << "not converged: Bellman residual " << s.residual << " > tolerance " << config.stationary.tolerance
       << " after " << s.iterations << " iterations (the table says converged = no)";
    s.message = os.str();
  }
  // Publish V and the greedy feedback control.
  const TableMetadata meta = stationary_metadata(problem, config, solver, identity, s);
  std::vector<std::string> extras;
  for (int j = 0; j < P::control_dim; ++j) extras.push_back("policy/action_" + std::to_string(j));
  TableWriter writer(comm, files.table, files.temporary(files.table), axis_list, start, extent, {0.0}, meta,
                     extras);
  {
    const VecReadAccess values(v);
    HJB_CHECK(values.data(), RuntimeError, "cannot read the values to publish");
    writer.write_snapshot(0, values.data());
  }
  std::vector<double> control_values(grid.owned_count());
  for (int j = 0; j < P::control_dim; ++j) {
    for (std::int64_t l = 0; l < grid.owned_count(); ++l)
      control_values[l] = solver.actions()[solver.policy()[l]][j];
    writer.write_extra(extras[j], control_values.data());
  }
  writer.commit(D == 2 || D == 3 ? files.sidecar : std::string(), files.temporary(files.sidecar));
  session->published();
  return s;
}

}  // namespace hjb
