// Rank-0 progress lines for batch logs: step, simulated time, step size, elapsed, ETA.
#pragma once
#include <mpi.h>
#include <petscsys.h>

#include <cmath>

namespace hjb {

class ProgressReporter {
 public:
  /// `every_seconds` = 0 prints every call, infinity never; `total` is the simulated span (for the ETA).
  ProgressReporter(MPI_Comm comm, double every_seconds, double total)
      : m_comm(comm), m_every(every_seconds), m_total(total), m_start(MPI_Wtime()), m_last(m_start) {}

  /// Not collective: only rank 0 prints, and only rank 0's clock decides.
  void report(long step, double done, double dt) {
    if (!std::isfinite(m_every)) return;  // quiet
    const double now = MPI_Wtime();
    if (now - m_last < m_every && done < m_total) return;
    m_last = now;
    const double elapsed = now - m_start;
    const double eta = done > 0 ? elapsed * (m_total - done) / done : 0.0;
    PetscPrintf(m_comm, "step %6ld  t = %-10.5g dt = %-10.3e elapsed %8.1f s  ETA %8.1f s\n", step, -done, dt,
                elapsed, eta);
  }

 private:
  MPI_Comm m_comm;
  double m_every, m_total, m_start, m_last;
};

}  // namespace hjb
