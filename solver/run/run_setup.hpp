// Pieces every solve driver shares: the configured problem and axes, parameter values, the
// problem-and-grid part of a run identity, and checkpoint load/save of a distributed vector.
#pragma once
#include <petscvec.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/control_problem.hpp"
#include "core/parameters.hpp"
#include "core/problem_interface.hpp"
#include "grids/axis.hpp"
#include "solver/frontend/solve_config.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/run/output_paths.hpp"
#include "support/petsc/petsc_check.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

/// Axis names of a problem: P::axis_names() when provided, else x0, x1, ...
template <ConfigurableProblem P>
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
template <ConfigurableProblem P>
P configure_problem(const SolveConfig& config) {
  P problem;
  apply_parameters(problem, config.problem.parameters, "--problem.");
  if (config.problem.control_mode) problem.control_mode = *config.problem.control_mode;
  return problem;
}

/// The grid's axes: the problem's domain, --grid.lo/hi, --grid.shape and --grid.grading. A scheme that
/// differences on uniform spacings names itself in `uniform_only` ("the time-dependent schemes"): graded
/// axes are then refused (UsageError); nullptr for the MDP chains, which interpolate on any nodes.
template <ConfigurableProblem P>
std::array<Axis, P::dim> configure_axes(const P& problem, const SolveConfig& config,
                                        const char* uniform_only) {
  HJB_CHECK(!uniform_only || !config.grid.graded(), UsageError,
            "--grid.grading: graded axes are for the MDP solvers (--solve.algorithm value_iteration, "
            "policy_iteration or finite_horizon on a problem's discrete step); "
                << uniform_only << " need uniform axes");
  constexpr int D = P::dim;
  HJB_CHECK(static_cast<int>(config.grid.shape.size()) == D, UsageError,
            "--grid.shape has " << config.grid.shape.size() << " sizes but problem '" << P::name() << "' is "
                                << D << "-dimensional");
  HJB_CHECK(config.grid.lo.empty() || static_cast<int>(config.grid.lo.size()) == D, UsageError,
            "--grid.lo has " << config.grid.lo.size() << " values, expected " << D);
  HJB_CHECK(config.grid.hi.empty() || static_cast<int>(config.grid.hi.size()) == D, UsageError,
            "--grid.hi has " << config.grid.hi.size() << " values, expected " << D);
  HJB_CHECK(config.grid.grading.empty() || static_cast<int>(config.grid.grading.size()) == D, UsageError,
            "--grid.grading has " << config.grid.grading.size() << " values, expected " << D);
  const auto domain = problem.domain();
  const auto names = axis_names<P>();
  std::array<Axis, D> axes;
  for (int a = 0; a < D; ++a) {
    axes[a] = {names[a], domain[a].lo, domain[a].hi, config.grid.shape[a], domain[a].periodic};
    if (!config.grid.lo.empty()) axes[a].lo = config.grid.lo[a];
    if (!config.grid.hi.empty()) axes[a].hi = config.grid.hi[a];
    if (!config.grid.grading.empty()) axes[a].grading = config.grid.grading[a];
    HJB_CHECK(
        !(axes[a].graded() && domain[a].periodic), UsageError,
        "--grid.grading: axis '" << names[a] << "' is periodic; a periodic axis stays uniform (give 0)");
    HJB_CHECK(config.grid.shape[a] >= 2, UsageError,
              "--grid.shape: axis '" << names[a] << "' needs at least 2 nodes, got " << config.grid.shape[a]);
    HJB_CHECK(std::isfinite(axes[a].lo) && std::isfinite(axes[a].hi), UsageError,
              "--grid.lo/--grid.hi: the bounds of axis '" << names[a] << "' must be finite");
    HJB_CHECK(axes[a].hi > axes[a].lo, UsageError,
              "--grid.hi must exceed --grid.lo on axis '" << names[a] << "' (" << axes[a].lo
                                                          << " >= " << axes[a].hi << ")");
    const double span = axes[a].hi - axes[a].lo, h = axes[a].spacing();
    HJB_CHECK(std::isfinite(span) && std::isfinite(h) && h > 0 &&
                  axes[a].lo + h * static_cast<double>(axes[a].n) != axes[a].lo,
              UsageError,
              "--grid.lo/--grid.hi: axis '" << names[a] << "' spans [" << axes[a].lo << ", " << axes[a].hi
                                            << "], which is not representable with " << axes[a].n
                                            << " nodes in double precision");
    if (domain[a].periodic) {
      // The period is the problem's: other bounds may shift the axis, never change its length.
      const double period = domain[a].hi - domain[a].lo;
      HJB_CHECK(std::abs(span - period) <= 1e-9 * period, UsageError,
                "--grid.lo/--grid.hi: axis '"
                    << names[a] << "' is periodic with period " << period
                    << " (the problem's); bounds spanning " << span
                    << " would change the problem (shift both bounds by the same amount)");
    }
  }
  return axes;
}

/// The problem's parameters by name (table attributes and run identities).
template <ConfigurableProblem P>
std::map<std::string, double> parameter_values(const P& problem) {
  std::map<std::string, double> values;
  P copy = problem;
  copy.visit_parameters([&](const char* name, double& value) { values[name] = value; });
  return values;
}

/// The part of a run identity every solver shares: problem, parameters, control sense and grid.
template <ConfigurableProblem P>
std::string problem_and_grid_identity(const P& problem, const std::array<Axis, P::dim>& axes) {
  std::ostringstream os;
  os << std::setprecision(17) << "problem=" << P::name()
     << ";control=" << (problem.control_mode == Optimize::maximize ? "max" : "min") << ";parameters=";
  for (const auto& [name, value] : parameter_values(problem)) os << name << ":" << value << ",";
  os << ";axes=";
  for (const Axis& ax : axes) {
    os << ax.name << ":" << ax.lo << ":" << ax.hi << ":" << ax.n << ":" << ax.periodic;
    if (ax.graded()) os << ":graded" << ax.grading;  // nothing for uniform axes: earlier identities hold
    os << ",";
  }
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

/// The partial table a checkpoint records (the snapshots written before the stop), checked to belong
/// to this run's output: a restart with another --output.file would consume another output's
/// partial table and leave that run unresumable, so it is refused (ValidationError naming the
/// output to give). A run directory that was moved as a whole still resumes: when the recorded
/// path is gone, the file of the same name next to the checkpoint is used.
inline std::string partial_table_for(const std::string& recorded, const std::string& checkpoint,
                                     const RunFiles& files) {
  namespace fs = std::filesystem;
  const std::string name = fs::path(recorded).filename().string(),
                    own = fs::path(files.table).filename().string();
  HJB_CHECK(name.rfind(own + ".", 0) == 0, ValidationError,
            "--restart " << checkpoint
                         << ": the checkpoint continues the run of another output (its partial table is "
                         << recorded << "), not of --output.file " << files.table
                         << "; give that run's --output.file to resume it (nothing was changed)");
  std::error_code ec;
  if (fs::exists(recorded, ec)) return recorded;
  const fs::path beside = fs::path(checkpoint).parent_path() / name;
  return fs::exists(beside, ec) ? beside.string() : recorded;
}

/// Writes v as a checkpoint. Collective.
inline void save_checkpoint(MPI_Comm comm, const RunFiles& files, const CheckpointHeader& header, Vec v,
                            const std::vector<Axis>& axes, const std::vector<std::int64_t>& start,
                            const std::vector<std::int64_t>& extent) {
  const VecReadAccess values(v);
  HJB_CHECK(values.data(), RuntimeError, "cannot read the values to checkpoint");
  write_checkpoint(comm, files.checkpoint, files.temporary(files.checkpoint), header, axes, start, extent,
                   values.data());
}

/// Removes, on rank 0, the files a failed run leaves that nobody can use: its checkpoint (the
/// partial table it refers to is discarded with the failed run) and the temporary history and
/// sidecar. Disarmed once the run has published its table or stopped with a checkpoint for a
/// restart. Not collective.
class FailedRunCleanup {
 public:
  FailedRunCleanup(MPI_Comm comm, std::vector<std::string> paths) : m_paths(std::move(paths)) {
    MPI_Comm_rank(comm, &m_rank);
  }
  ~FailedRunCleanup() {
    if (m_armed && m_rank == 0)
      for (const std::string& p : m_paths) std::remove(p.c_str());
  }
  FailedRunCleanup(const FailedRunCleanup&) = delete;
  FailedRunCleanup& operator=(const FailedRunCleanup&) = delete;
  void disarm() { m_armed = false; }

 private:
  std::vector<std::string> m_paths;
  int m_rank = 0;
  bool m_armed = true;
};

/// The outputs of a solve, checked before any work, and the lock it holds on them while it runs.
struct PreparedOutputs {
  RunFiles files;
  std::unique_ptr<OutputLock> lock;  ///< empty for a dry run (it writes nothing)
};

/// Collective. Checks every output of the run (table, sidecar, history, checkpoint, lock: regular
/// file or nothing, distinct, writable directory; the restart file is not an output), takes the
/// output lock (not for a dry run), refuses to discard an existing checkpoint of this output
/// unless --overwrite (then removes it and its partial table) or --restart continues it, and
/// checks the free disk space for `table_bytes` plus two checkpoints of `checkpoint_bytes`.
/// Throws ValidationError naming the option.
PreparedOutputs prepare_outputs(MPI_Comm comm, const SolveConfig& config, double table_bytes,
                                double checkpoint_bytes);

}  // namespace hjb
