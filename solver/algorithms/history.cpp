// CSV history of the steps of a solve.
#include "solver/algorithms/history.hpp"

#include <cstdio>
#include <fstream>
#include <iomanip>

#include "solver/core/error.hpp"

namespace hjb {

void write_history(MPI_Comm comm, const std::string& path, const SolveSummary& summary) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  int ok = 1;
  if (rank == 0) {
    std::ofstream out(path + ".tmp");
    out << "step,t,dt,elapsed_seconds\n" << std::setprecision(17);
    for (std::size_t k = 0; k < summary.step_times.size(); ++k)
      out << k + 1 << "," << summary.step_times[k] << "," << summary.step_sizes[k] << ","
          << summary.step_wall[k] << "\n";
    out.close();
    ok = out && std::rename((path + ".tmp").c_str(), path.c_str()) == 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  HJB_CHECK(ok, RuntimeError, "cannot write the history file " << path);
}

}  // namespace hjb
