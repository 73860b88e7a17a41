// Rank-0 progress lines for batch logs, shared by every solver: time steps (step, simulated time,
// step size, elapsed, ETA) and iterations (iteration, residual, elapsed).
#pragma once
#include <mpi.h>
#include <petscsys.h>

#include <cmath>

namespace hjb {

class ProgressReporter {
 public:
  /// `every_seconds` = 0 prints every call, infinity never (--output.quiet); `total` is the
  /// simulated span (for the ETA of time steps).
  ProgressReporter(MPI_Comm comm, double every_seconds, double total = 0.0)
      : m_comm(comm), m_every(every_seconds), m_total(total), m_start(MPI_Wtime()), m_last(m_start) {}

  /// A time step reached time-to-go `done`. Not collective: only rank 0 prints, and only rank 0's
  /// clock decides; the last step always prints.
  void report_step(long step, double done, double dt) {
    if (!due(done >= m_total)) return;
    const double elapsed = MPI_Wtime() - m_start;
    const double eta = done > 0 ? elapsed * (m_total - done) / done : 0.0;
    PetscPrintf(m_comm, "step %6ld  t = %-10.5g dt = %-10.3e elapsed %8.1f s  ETA %8.1f s\n", step, -done, dt,
                elapsed, eta);
  }

  /// An outer iteration of a stationary solver ended with max-norm Bellman residual `residual`.
  void report_iteration(const char* algorithm, long iteration, double residual, bool last = false) {
    if (!due(last)) return;
    PetscPrintf(m_comm, "%s %6ld  Bellman residual %.3e  elapsed %.1f s\n", algorithm, iteration, residual,
                MPI_Wtime() - m_start);
  }

 private:
  bool due(bool force) {
    if (!std::isfinite(m_every)) return false;  // quiet
    const double now = MPI_Wtime();
    if (now - m_last < m_every && !force) return false;
    m_last = now;
    return true;
  }

  MPI_Comm m_comm;
  double m_every, m_total, m_start, m_last;
};

}  // namespace hjb
