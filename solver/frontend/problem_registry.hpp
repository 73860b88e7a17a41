// The registry mapping problem names to their pre-instantiated solvers, built from the problem
// catalog (problems/catalog.hpp), and the solve entry point.
#pragma once
#include <mpi.h>

#include <map>
#include <string>
#include <vector>

#include "solver/algorithms/solve_summary.hpp"
#include "solver/frontend/solve_config.hpp"

namespace hjb {

using SolveFunction = SolveSummary (*)(MPI_Comm, const SolveConfig&);

/// One problem family (all dimensions of one name): description, parameter names (the union over
/// its dimensions, in declaration order) and the solver entry points per dimension.
struct ProblemEntry {
  std::string name, description;
  std::vector<std::string> parameter_names;
  std::map<int, SolveFunction> time_dependent;  ///< by dimension
  std::map<int, SolveFunction> stationary;      ///< by dimension: problems with an MDP step and discount
  std::map<int, SolveFunction>
      finite_horizon;                        ///< by dimension: problems with an MDP step and episode length
  std::map<int, SolveFunction> sparse;       ///< by dimension: semi-Lagrangian on sparse grids
  std::map<int, SolveFunction> combination;  ///< by dimension: the combination technique (tensor solvers)
  std::size_t catalog_position = 0;          ///< order of `hjbench problems`
};

/// Every catalog problem, in catalog order. Not collective.
const std::vector<ProblemEntry>& problem_registry();
/// Throws UsageError listing the names.
const ProblemEntry& find_problem(const std::string& name);

/// The ways a solve runs, one driver each.
enum class SolveMethod {
  time_dependent,
  stationary,
  finite_horizon,
  sparse_semi_lagrangian,
  sparse_combination
};

/// The one rule choosing the method: the algorithm on a tensor grid; on a sparse grid the given
/// --sparse.method, or for auto the combination technique where the problem has a tensor solver in
/// this dimension, nothing needs the semi-Lagrangian method (combination_obstacle) and a restart
/// continues a combination run. Reads only a restart checkpoint's header. Not collective.
SolveMethod choose_method(const SolveConfig& config, const ProblemEntry& entry);

/// The driver that would run this configuration: the problem, method and dimension looked up in
/// the registry. Throws UsageError naming the option that selects nothing. Not collective.
SolveFunction resolve_solver(const SolveConfig& config);

/// Validates the configuration, solves and publishes the table. Collective over comm.
/// Throws hjb::Error (same type on every rank) on bad input or numerical failure; a stop by
/// signal or wall time is a summary with that termination (and a checkpoint on disk).
SolveSummary run_solve(MPI_Comm comm, const SolveConfig& config);

}  // namespace hjb
