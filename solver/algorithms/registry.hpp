// The solve configuration and the registry mapping problem names to pre-instantiated solvers.
#pragma once
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "solver/algorithms/run_control.hpp"
#include "solver/algorithms/stationary.hpp"
#include "solver/algorithms/time_dependent_options.hpp"

namespace hjb {

/// Everything `hjbench solve` needs, after parsing (see parse_solve_arguments).
struct SolveConfig {
  std::string problem;
  std::map<std::string, double> problem_parameters;  ///< only those given by the user
  std::string control_mode;                          ///< "", "max" or "min"
  std::vector<std::int64_t> shape;
  std::vector<double> lo, hi;  ///< empty: the problem's domain
  std::string accuracy = "very_high";
  TimeDependentOptions options;
  std::string output = "out/table.h5";
  std::string history;  ///< optional CSV of the steps
  RunControlOptions control;
  std::string checkpoint_file;  ///< default: output + ".ckpt"
  std::string restart;          ///< checkpoint to resume from
  bool dry_run = false;         ///< plan (sizes, memory) and stop before allocating or writing
  std::string algorithm = "time_dependent";  ///< or value_iteration, policy_iteration
  StationaryOptions stationary;
  double memory_per_rank = 0;   ///< bytes; 0: no budget
  std::string command_line, petsc_options;
  bool quiet = false;
};

/// One registered problem: its name, a description, the dimensions it is instantiated for and
/// its parameter names, and the solver entry point for each dimension.
struct ProblemEntry {
  std::string name, description;
  std::vector<std::string> parameter_names;
  std::map<int, std::function<TimeDependentSummary(MPI_Comm, const SolveConfig&)>> solve_by_dimension;
  /// Stationary (value/policy iteration) solver, for problems with a discrete step and discount.
  std::function<TimeDependentSummary(MPI_Comm, const SolveConfig&)> solve_stationary;
};

const std::vector<ProblemEntry>& problem_registry();
const ProblemEntry& find_problem(const std::string& name);  ///< throws UsageError listing the names

/// Validates the configuration, solves and publishes the table. Collective over comm.
/// Throws hjb::Error (same type on every rank) on bad input or numerical failure.
TimeDependentSummary run_solve(MPI_Comm comm, const SolveConfig& config);

/// Parses `hjbench solve` arguments (command line over INI file). Returns false when --help was
/// printed into `help`. Throws UsageError naming the offending option or ValidationError for an
/// unreadable config file.
bool parse_solve_arguments(const std::vector<std::string>& args, SolveConfig& config, std::string& help);

}  // namespace hjb
