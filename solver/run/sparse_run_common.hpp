// What the sparse-grid drivers (`solve --grid.type sparse`, stationary and time-dependent) share:
// the grid plan validated before any work (box, level, per-axis levels, basis, node count, memory,
// dry run), the run identity of the grid, and checkpoints of the nodal values (one 1-D dataset,
// each rank writes its block; a restart reads it whole on any number of ranks; adaptive grids add
// their node set) with signal and wall-time stops.
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/parameters.hpp"
#include "grids/sparse/sparse_grid.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/memory_plan.hpp"
#include "solver/run/output_paths.hpp"
#include "solver/run/run_control.hpp"
#include "solver/run/run_session.hpp"
#include "solver/run/run_setup.hpp"

namespace hjb {

struct SparseGridPlan {
  std::vector<double> lo, hi;
  sparse::Basis basis = sparse::Basis::boundary;
  double nodes = 0;
  sparse::SparseGrid build(int dim, const SolveConfig& config) const {
    return {dim, config.grid.level, lo, hi, config.grid.levels, basis};
  }
};

/// Validates the sparse grid of a run (naming the option) and counts its nodes without building it.
/// `automatic`: the basis --grid.basis auto means for this solver.
template <class P>
SparseGridPlan plan_sparse_grid(const SolveConfig& config, const P& problem,
                                sparse::Basis automatic = sparse::Basis::boundary) {
  constexpr int D = P::dim;
  const auto domain = problem.domain();
  SparseGridPlan plan;
  plan.lo.resize(D);
  plan.hi.resize(D);
  HJB_CHECK(config.grid.lo.empty() || static_cast<int>(config.grid.lo.size()) == D, UsageError,
            "--grid.lo has " << config.grid.lo.size() << " values, expected " << D);
  HJB_CHECK(config.grid.hi.empty() || static_cast<int>(config.grid.hi.size()) == D, UsageError,
            "--grid.hi has " << config.grid.hi.size() << " values, expected " << D);
  for (int k = 0; k < D; ++k) {
    plan.lo[k] = config.grid.lo.empty() ? domain[k].lo : config.grid.lo[k];
    plan.hi[k] = config.grid.hi.empty() ? domain[k].hi : config.grid.hi[k];
    HJB_CHECK(std::isfinite(plan.lo[k]) && std::isfinite(plan.hi[k]) && plan.hi[k] > plan.lo[k], UsageError,
              "--grid.lo/--grid.hi: axis " << k << " needs finite bounds with hi > lo");
  }
  plan.basis = config.grid.basis_for(automatic);
  const int level = config.grid.level, first = plan.basis == sparse::Basis::boundary ? 0 : 1;
  HJB_CHECK(level >= 1, UsageError, "--grid.level must be at least 1, got " << level);
  HJB_CHECK(level <= 30, UsageError, "--grid.level must be at most 30, got " << level);
  for (int c : config.grid.levels)
    HJB_CHECK(c >= first && c <= level, UsageError,
              "--grid.levels: each level must be in [" << first << ", --grid.level " << level << "] for the "
                                                       << sparse::to_string(plan.basis) << " basis, got "
                                                       << c);
  plan.nodes = sparse::SparseGrid::count_nodes(D, level, config.grid.levels, plan.basis);
  HJB_CHECK(plan.nodes <= static_cast<double>(std::numeric_limits<std::int32_t>::max()), ValidationError,
            "--grid.level " << level << ": the sparse grid would have " << plan.nodes
                            << " nodes, more than 2^31; use a lower level or per-axis --grid.levels");
  return plan;
}

/// Prints the dry-run plan (rank 0) and enforces --memory-per-rank. `bytes_per_node`: what every
/// rank holds per node (each rank holds the whole grid).
inline double check_sparse_memory(MPI_Comm comm, const SolveConfig& config, const std::string& what, int dim,
                                  double nodes, double inputs, double bytes_per_node,
                                  sparse::Basis basis = sparse::Basis::boundary) {
  // The largest rank's need: every rank takes the same decision (one rank refusing alone would
  // leave the others waiting in the solve's first collective).
  double bytes = nodes * bytes_per_node + current_resident_bytes();
  MPI_Allreduce(MPI_IN_PLACE, &bytes, 1, MPI_DOUBLE, MPI_MAX, comm);
  if (config.dry_run) {
    std::ostringstream os;
    os << "dry run: " << config.problem.name << " (" << what << ") on a sparse grid ("
       << sparse::to_string(basis) << " basis) of level " << config.grid.level << " in " << dim
       << " dimensions: " << nodes << " nodes x " << inputs << " inputs; memory per rank "
       << format_bytes(bytes) << "\n";
    PetscPrintf(comm, "%s", os.str().c_str());
  }
  HJB_CHECK(config.memory_per_rank <= 0 || bytes <= config.memory_per_rank, ValidationError,
            "--memory-per-rank: the sparse solve needs about " << format_bytes(bytes)
                                                               << " per rank but the budget is "
                                                               << format_bytes(config.memory_per_rank));
  return bytes;
}

/// The part of a run identity that names the grid (and the problem with its parameters).
template <class P>
std::string sparse_run_identity(const P& problem, const sparse::SparseGrid& grid) {
  std::ostringstream id;
  id << std::setprecision(17) << "problem=" << P::name() << ";parameters=";
  for (const auto& [name, value] : parameter_values(problem)) id << name << ":" << value << ",";
  id << ";sparse=" << grid.dimension() << ":" << grid.level() << ":" << sparse::to_string(grid.basis())
     << ":";
  for (int c : grid.caps()) id << c << ",";
  for (int k = 0; k < grid.dimension(); ++k) id << grid.lo()[k] << ":" << grid.hi()[k] << ",";
  return id.str();
}

/// The root metadata every sparse table carries: problem and parameters, versions, scheme, mode,
/// command line, and the axis names and periodic flags (axes = "x,y,psi", periodic = "no,no,yes").
template <class P>
TableMetadata sparse_table_metadata(const P& problem, const SolveConfig& config, const std::string& scheme,
                                    const std::string& mode) {
  TableMetadata meta;
  meta.problem = P::name();
  meta.problem_parameters = parameter_values(problem);
  meta.strings = version_attributes();
  meta.strings["scheme"] = scheme;
  meta.strings["mode"] = mode;
  meta.strings["command_line"] = config.command_line;
  const auto names = axis_names<P>();
  const auto domain = problem.domain();
  std::string axes, periodic;
  for (int k = 0; k < P::dim; ++k) {
    axes += (k ? "," : "") + names[k];
    periodic += std::string(k ? "," : "") + (domain[k].periodic ? "yes" : "no");
  }
  meta.strings["axes"] = axes;
  meta.strings["periodic"] = periodic;
  return meta;
}

/// Checkpoints, restarts and stops of a sparse run (collective): the RunSession skeleton with the
/// sparse checkpoint (every rank holds every node; each writes its block). Adaptive runs keep the
/// node set with the values (their grid changes from step to step); a restart rebuilds the grid.
class SparseCheckpoints {
 public:
  SparseCheckpoints(MPI_Comm comm, const SolveConfig& config, const RunFiles& files, std::int64_t nodes,
                    std::string identity, bool adaptive = false)
      : m_comm(comm), m_files(files), m_identity(std::move(identity)) {
    int size;
    MPI_Comm_size(comm, &size);
    if (!config.checkpoint.restart.empty()) {
      m_header = read_checkpoint_header(config.checkpoint.restart, m_identity);
      if (adaptive) {
        m_restart_nodes = read_checkpoint_nodes(config.checkpoint.restart);
        nodes = static_cast<std::int64_t>(m_restart_nodes->levels.size()) / std::max(1, m_restart_nodes->dim);
      }
      m_start = read_checkpoint_state(config.checkpoint.restart, {0}, {nodes});
      PetscPrintf(comm, "resuming from %s at step %ld on %d ranks\n", config.checkpoint.restart.c_str(),
                  m_header.steps, size);
    }
    // Armed only now: a refused restart must not remove the checkpoint it was given.
    m_session.emplace(comm, config, files);
  }
  /// The restart's nodal values (empty without --restart) and its steps.
  const std::vector<double>& start() const { return m_start; }
  long start_steps() const { return m_header.steps; }
  /// Adaptive restarts: the node set the values live on.
  const std::optional<CheckpointNodes>& restart_nodes() const { return m_restart_nodes; }

  /// After each step or sweep: checkpoint when due; true when the run must stop. `describe`
  /// (adaptive grids) gives the node set of `values`, called only when a checkpoint is written.
  bool after_step(long steps, double tau, const std::vector<double>& values,
                  const std::function<CheckpointNodes()>& describe = {}) {
    return m_session->after_step(steps, [&] {
      int rank, size;
      MPI_Comm_rank(m_comm, &rank);
      MPI_Comm_size(m_comm, &size);
      const auto n = static_cast<std::int64_t>(values.size());
      const std::int64_t first = n * rank / size, count = n * (rank + 1) / size - first;
      const std::vector<Axis> node_axis{Axis{"node", 0.0, static_cast<double>(n - 1), n, false}};
      std::optional<CheckpointNodes> nodes;
      if (describe) nodes = describe();
      write_checkpoint(m_comm, m_files.checkpoint, m_files.temporary(m_files.checkpoint),
                       {m_identity, "", tau, steps, 0}, node_axis, {first}, {count}, values.data() + first,
                       nodes ? &*nodes : nullptr);
    });
  }
  /// The summary of a run stopped by signal or wall time after `steps` (`unit`: "step", "sweep").
  SolveSummary stopped(SolveSummary s, long steps, const char* unit) {
    s.iterations = steps;
    s.termination = m_session->stop_termination();
    return m_session->stopped(s, std::string(unit) + " " + std::to_string(steps));
  }
  /// After the table is published: the checkpoint is no longer needed.
  void finished() { m_session->published(); }

 private:
  MPI_Comm m_comm;
  const RunFiles& m_files;
  std::string m_identity;
  std::optional<CheckpointNodes> m_restart_nodes;
  CheckpointHeader m_header;
  std::vector<double> m_start;
  std::optional<RunSession> m_session;
};

}  // namespace hjb
