// Signal flags and the collective stop/checkpoint decision.
#include "solver/run/run_control.hpp"

#include <pthread.h>
#include <signal.h>

#include <csignal>

#include "core/error.hpp"

namespace hjb {

namespace {
volatile std::sig_atomic_t g_signal = 0;
extern "C" void hjb_signal_flag(int sig) { g_signal = sig; }
constexpr int checkpoint_bit = 1, stop_bit = 2;
}  // namespace

void RunControlOptions::validate() const {
  HJB_CHECK(checkpoint_every_steps >= 0, UsageError,
            "--checkpoint.every_steps must be non-negative, got " << checkpoint_every_steps);
  HJB_CHECK(checkpoint_every_seconds >= 0, UsageError,
            "--checkpoint.every_seconds must be non-negative, got " << checkpoint_every_seconds);
  HJB_CHECK(walltime_seconds >= 0, UsageError, "--walltime must be non-negative, got " << walltime_seconds);
}

RunControl::RunControl(MPI_Comm comm, const RunControlOptions& options)
    : m_comm(comm),
      m_options(options),
      m_start(MPI_Wtime()),
      m_last_checkpoint(m_start),
      m_last_step(m_start) {
  g_signal = 0;
  m_previous_usr1 = std::signal(SIGUSR1, hjb_signal_flag);
  m_previous_term = std::signal(SIGTERM, hjb_signal_flag);
}

RunControl::~RunControl() {
  if (!m_reason.empty()) {
    // A stop was decided and its checkpoint written: the exit code is 5 whatever arrives now
    // (Slurm and impatient users send SIGTERM again during shutdown). Blocking, not only ignoring:
    // PetscFinalize restores default dispositions on its way out.
    std::signal(SIGUSR1, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGUSR1);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    return;
  }
  std::signal(SIGUSR1, m_previous_usr1 == SIG_ERR ? SIG_DFL : m_previous_usr1);
  std::signal(SIGTERM, m_previous_term == SIG_ERR ? SIG_DFL : m_previous_term);
}

void RunControl::checkpoint_written() { m_last_checkpoint = MPI_Wtime(); }

StepDecision RunControl::after_step(long step) {
  int rank;
  MPI_Comm_rank(m_comm, &rank);
  const double now = MPI_Wtime();
  ++m_steps_seen;
  int bits = 0;
  if (g_signal) bits |= stop_bit;
  if (rank == 0) {
    if (m_options.checkpoint_every_steps > 0 && step % m_options.checkpoint_every_steps == 0)
      bits |= checkpoint_bit;
    if (m_options.checkpoint_every_seconds > 0 &&
        now - m_last_checkpoint >= m_options.checkpoint_every_seconds)
      bits |= checkpoint_bit;
    // Stop while two more average steps (and the checkpoint) still fit into the limit.
    const double average = (now - m_start) / static_cast<double>(m_steps_seen);
    if (m_options.walltime_seconds > 0 && now - m_start + 2.0 * average >= m_options.walltime_seconds)
      bits |= stop_bit;
  }
  m_last_step = now;
  int agreed = 0;
  MPI_Allreduce(&bits, &agreed, 1, MPI_INT, MPI_BOR, m_comm);
  if (agreed & stop_bit) {
    int sig = static_cast<int>(g_signal), any_sig = 0;
    MPI_Allreduce(&sig, &any_sig, 1, MPI_INT, MPI_MAX, m_comm);
    m_termination = any_sig ? Termination::stopped_by_signal : Termination::wall_time;
    m_reason = any_sig == SIGUSR1 ? "signal SIGUSR1"
               : any_sig == SIGTERM
                   ? "signal SIGTERM"
                   : "wall-time limit (--walltime " + std::to_string(m_options.walltime_seconds) + " s)";
    return StepDecision::stop;
  }
  return (agreed & checkpoint_bit) ? StepDecision::checkpoint : StepDecision::proceed;
}

}  // namespace hjb
