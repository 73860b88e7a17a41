// CSV history of the steps of a solve.
#include "solver/run/history.hpp"

#include <cstdio>
#include <fstream>
#include <iomanip>

#include "solver/io/collective_failure.hpp"

namespace hjb {

void write_history(MPI_Comm comm, const std::string& path, const SolveSummary& summary) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  bool ok = true;
  if (rank == 0) {
    std::ofstream out(path);
    out << "step,t,dt,elapsed_seconds\n" << std::setprecision(17);
    for (std::size_t k = 0; k < summary.step_times.size(); ++k)
      out << k + 1 << "," << summary.step_times[k] << "," << summary.step_sizes[k] << ","
          << summary.step_wall[k] << "\n";
    out.close();
    ok = out && !injected_io_failure(comm, "history");
    if (!ok) std::remove(path.c_str());
  }
  agree_on_success(comm, ok, "cannot write the history file " + path + " (disk full?)");
}

}  // namespace hjb
