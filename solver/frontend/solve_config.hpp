// Everything `hjbench solve` needs, after parsing (solver/frontend/solve_arguments.hpp).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "solver/algorithms/stationary_options.hpp"
#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/run/run_control.hpp"
#include "solver/schemes/chain_scheme.hpp"

namespace hjb {

struct SolveConfig {
  std::string problem;
  std::map<std::string, double> problem_parameters;  ///< only those given by the user
  std::string control_mode;                          ///< "", "max" or "min"
  std::vector<std::int64_t> shape;
  std::vector<double> lo, hi;        ///< empty: the problem's domain
  std::string grid_type = "tensor";  ///< or "sparse" (continuous-time stationary problems)
  int sparse_level = 0;              ///< --grid.level
  std::vector<int> sparse_levels;    ///< --grid.levels: per-axis caps (their number selects the dimension)
  std::string sparse_basis = "boundary";  ///< --grid.basis: boundary or extrapolating
  int sparse_inputs = 3;                  ///< --sparse.inputs_per_axis: sparse time-dependent input grids
  double sparse_cfl = 1.0;                ///< --sparse.cfl: sparse time-dependent step factor
  double sparse_adaptive = 0.0;           ///< --grid.adaptive: surplus threshold (0: a regular grid)
  int sparse_max_level = 0;               ///< --grid.max_level: deepest adaptive level (0: level + 4)
  std::string sparse_method = "auto";     ///< --sparse.method: semi_lagrangian, combination or auto
  int sparse_min_level = 2;               ///< --sparse.min_level: combination technique
  std::string accuracy = "very_high";
  TimeDependentOptions options;
  std::string output = "out/table.h5";
  std::string history;  ///< optional CSV of the steps
  RunControlOptions control;
  std::string checkpoint_file;  ///< default: output + ".ckpt"
  std::string restart;          ///< checkpoint to resume from
  bool overwrite = false;       ///< discard an existing checkpoint (and its partial table) of this output
  bool dry_run = false;         ///< plan (sizes, memory) and stop before allocating or writing
  std::string algorithm = "time_dependent";  ///< or value_iteration, policy_iteration, finite_horizon
  StationaryOptions stationary;
  FiniteHorizonOptions finite_horizon;
  ChainSchemeOptions chain;    ///< continuous-time stationary problems: the Markov chain approximation
  double memory_per_rank = 0;  ///< bytes; 0: no budget
  std::string command_line, petsc_options;
  bool quiet = false;
};

}  // namespace hjb
