// The skeleton every `hjbench solve` driver shares once its outputs are prepared and its start
// state is loaded: a guard that removes what a failed run would leave, the collective
// stop/checkpoint decision after every step, the stop message, and the clean-up after the table
// is published. A driver states only what differs (its solver, its checkpoint, its table); the
// PETSc TS idea of one loop with hooks.
//
//   RunSession session(comm, config, files, {files.temporary(files.sidecar)});
//   ... solver.solve(v, [&](long k, Vec values) {
//         return session.after_step(k, [&] { save_checkpoint(...); }) ? session.stop_termination()
//                                                                    : Termination::converged; });
//   if (s.interrupted()) return session.stopped(s, "iteration " + std::to_string(s.iterations));
//   ... publish the table ...
//   session.published();
#pragma once
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "solver/algorithms/solve_summary.hpp"
#include "solver/run/output_paths.hpp"
#include "solver/run/run_control.hpp"
#include "solver/run/run_setup.hpp"

namespace hjb {

/// Collective over `comm` (every member function).
class RunSession {
 public:
  /// Arms the clean-up of the checkpoint, its temporary file and `temporaries`, and starts the run
  /// control (signals, wall time, periodic checkpoints) of `config.control`. Create it after a
  /// restart was accepted: a refused restart must not remove the checkpoint it was given.
  RunSession(MPI_Comm comm, const SolveConfig& config, const RunFiles& files,
             std::vector<std::string> temporaries = {})
      : m_comm(comm),
        m_files(files),
        m_cleanup(comm, with_checkpoint(files, std::move(temporaries))),
        m_control(comm, config.control) {}

  /// After a completed step: the decision agreed over ranks. When a checkpoint is due (and
  /// `may_checkpoint`), `save` writes it. Returns true when the run must stop now.
  bool after_step(long steps, const std::function<void()>& save, bool may_checkpoint = true) {
    const StepDecision d = m_control.after_step(steps);
    if (d == StepDecision::proceed || !may_checkpoint) return false;
    save();
    m_control.checkpoint_written();
    return d == StepDecision::stop;
  }
  /// Why the run stopped, as a termination (signal or wall time).
  Termination stop_termination() const { return m_control.stop_termination(); }

  /// The checkpoint is kept whatever happens next (call before suspending a partial table).
  void keep_checkpoint() { m_cleanup.disarm(); }

  /// A run stopped by a signal or the wall time at `where` ("iteration 12", "stage 40"): the
  /// checkpoint stays (the guard is disarmed) and the summary says how to resume.
  SolveSummary stopped(SolveSummary s, const std::string& where) {
    m_cleanup.disarm();
    s.message = "stopped by " + m_control.stop_reason() + " at " + where + "; checkpoint written to " +
                m_files.checkpoint + "; resume with --restart " + m_files.checkpoint;
    return s;
  }

  /// After the table is published: the checkpoint is obsolete and removed.
  void published() {
    remove_file_on_rank0(m_comm, m_files.checkpoint);
    m_cleanup.disarm();
  }

 private:
  static std::vector<std::string> with_checkpoint(const RunFiles& files, std::vector<std::string> more) {
    std::vector<std::string> paths{files.checkpoint, files.temporary(files.checkpoint)};
    paths.insert(paths.end(), more.begin(), more.end());
    return paths;
  }
  MPI_Comm m_comm;
  const RunFiles& m_files;
  FailedRunCleanup m_cleanup;
  RunControl m_control;
};

/// The summary of a --dry-run (nothing allocated, nothing written).
inline SolveSummary dry_run_summary(const std::string& algorithm) {
  SolveSummary s;
  s.algorithm = algorithm;
  s.dry_run = true;
  return s;
}

}  // namespace hjb
