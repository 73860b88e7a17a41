// Batch-job control shared by every solver: periodic checkpoints, scheduler signals (SIGUSR1,
// SIGTERM) and a wall-time limit, decided collectively at step boundaries.
#pragma once
#include <mpi.h>

#include <string>

#include "solver/algorithms/solve_summary.hpp"

namespace hjb {

struct RunControlOptions {
  long checkpoint_every_steps = 0;      ///< 0: off
  double checkpoint_every_seconds = 0;  ///< 0: off
  double walltime_seconds = 0;          ///< 0: no limit; stop (with a checkpoint) before it
  /// Throws UsageError naming --checkpoint.* / --walltime.
  void validate() const;
};

enum class StepDecision { proceed, checkpoint, stop };

/// Installs flag-only handlers for SIGUSR1 and SIGTERM for its lifetime (mpirun forwards SIGUSR1
/// to every rank; Slurm sends SIGTERM to every task). after_step() combines the flags of all
/// ranks with rank 0's clocks in one MPI_Allreduce, so every rank takes the same decision.
class RunControl {
 public:
  RunControl(MPI_Comm comm, const RunControlOptions& options);
  ~RunControl();
  RunControl(const RunControl&) = delete;
  RunControl& operator=(const RunControl&) = delete;

  /// Collective; call once per completed step.
  StepDecision after_step(long step);
  /// Why the last stop was decided ("signal SIGUSR1", "wall-time limit").
  const std::string& stop_reason() const { return m_reason; }
  /// The termination of the last stop: stopped_by_signal or wall_time.
  Termination stop_termination() const { return m_termination; }
  /// Marks that a checkpoint was just written (resets the seconds timer).
  void checkpoint_written();

 private:
  MPI_Comm m_comm;
  RunControlOptions m_options;
  double m_start, m_last_checkpoint, m_last_step;
  long m_steps_seen = 0;
  std::string m_reason;
  Termination m_termination = Termination::stopped_by_signal;
  void (*m_previous_usr1)(int) = nullptr;
  void (*m_previous_term)(int) = nullptr;
};

}  // namespace hjb
