// Reports of a solve summary.
#include "solver/algorithms/solve_summary.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace hjb {

std::string to_string(Termination t) {
  switch (t) {
    case Termination::converged:
      return "converged";
    case Termination::horizon_reached:
      return "horizon reached";
    case Termination::stopped_by_signal:
      return "stopped by signal";
    case Termination::wall_time:
      return "wall-time limit";
    case Termination::iteration_limit:
      return "iteration limit";
    case Termination::numerical_failure:
      return "numerical failure";
  }
  return "?";
}

bool SolveSummary::marches_in_time() const {
  return algorithm.find("time_dependent") != std::string::npos || algorithm == "second_order" ||
         algorithm == "semi_lagrangian";
}

std::string SolveSummary::brief() const {
  std::ostringstream os;
  if (dry_run) return "dry run: nothing computed";
  const bool stationary = !marches_in_time();
  os << to_string(termination) << ": ";
  if (stationary) {
    os << algorithm << ", " << iterations << " iterations, Bellman residual " << std::setprecision(3)
       << residual;
    if (algorithm == "policy_iteration")
      os << " (" << linear_iterations << " Krylov iterations, " << polish_sweeps << " final sweeps)";
    if (coarse_levels > 0)
      os << " after " << coarse_iterations << " iterations on " << coarse_levels << " coarser grid"
         << (coarse_levels > 1 ? "s" : "");
    os << ", " << std::setprecision(4) << wall_seconds << " s wall";
  } else {
    os << "reached t = " << final_time << " in " << iterations << " steps, " << wall_seconds << " s wall, "
       << node_stage_updates / std::max(wall_seconds, 1e-12) / 1e6 << " M node-stage updates/s";
  }
  if (!message.empty()) os << "; " << message;
  return os.str();
}

std::string SolveSummary::full() const {
  std::ostringstream os;
  os << std::setprecision(6);
  os << "solve summary\n"
     << "  algorithm            " << algorithm << "\n"
     << "  termination          " << to_string(termination) << "\n";
  if (!message.empty()) os << "  message              " << message << "\n";
  if (marches_in_time()) {
    os << "  steps                " << iterations << "\n"
       << "  time reached         " << final_time << "\n"
       << "  node-stage updates   " << node_stage_updates << "\n";
  } else {
    os << "  iterations           " << iterations << "\n"
       << "  Bellman residual     " << residual << "\n";
    if (algorithm == "policy_iteration")
      os << "  Krylov iterations    " << linear_iterations << "\n"
         << "  final sweeps         " << polish_sweeps << "\n";
    if (coarse_levels > 0)
      os << "  coarse start         " << coarse_iterations << " iterations on " << coarse_levels
         << " grids\n";
  }
  os << "  wall seconds         " << wall_seconds << "\n"
     << "  peak memory per rank " << peak_resident_bytes / (1024.0 * 1024.0) << " MiB (largest over ranks)\n";
  return os.str();
}

}  // namespace hjb
