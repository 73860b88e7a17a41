// Everything `hjbench solve` needs, after parsing (solver/frontend/solve_arguments.hpp): typed,
// nested options, each group with its own validate(), and the one rule that chooses the method.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sets.hpp"
#include "grids/sparse/sparse_grid.hpp"
#include "solver/algorithms/stationary_options.hpp"
#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/run/run_control.hpp"
#include "solver/schemes/chain_scheme.hpp"

namespace hjb {

enum class GridType { tensor, sparse };
enum class Algorithm { time_dependent, value_iteration, policy_iteration, finite_horizon };
enum class SparseMethod { automatic, semi_lagrangian, combination };
/// Scheme presets of the time-dependent solver (apply_accuracy_preset).
enum class Accuracy { low, medium, high, very_high };

/// The option values as the command line spells them (and as tables record them).
std::string to_string(GridType v);
std::string to_string(Algorithm v);
std::string to_string(SparseMethod v);
std::string to_string(Accuracy v);
/// Parsers: UsageError naming `option` and the choices for an unknown value.
GridType parse_grid_type(const std::string& s, const char* option = "--grid.type");
Algorithm parse_algorithm(const std::string& s, const char* option = "--solve.algorithm");
SparseMethod parse_sparse_method(const std::string& s, const char* option = "--sparse.method");
Accuracy parse_accuracy(const std::string& s, const char* option = "--scheme.accuracy");
std::optional<Optimize> parse_control_mode(const std::string& s,
                                           const char* option = "--problem.control_mode");

/// --problem.*
struct ProblemOptions {
  std::string name;
  std::map<std::string, double> parameters;  ///< only those given by the user
  std::optional<Optimize> control_mode;      ///< the control's sense; unset: the problem's
};

/// --grid.*: a tensor grid (shape) or a sparse one (level, per-axis caps, basis, adaptivity).
struct GridOptions {
  GridType type = GridType::tensor;
  std::vector<std::int64_t> shape;  ///< tensor grids: nodes per axis
  std::vector<double> lo, hi;       ///< empty: the problem's domain
  std::vector<double> grading;      ///< tensor grids of the MDP chains: per axis 0 or b > 0 (grids/axis.hpp)
  bool graded() const {
    for (double b : grading)
      if (b != 0.0) return true;
    return false;
  }
  int level = 0;            ///< sparse grids: the level n >= 1
  std::vector<int> levels;  ///< sparse grids: per-axis caps (their number selects the dimension)
  sparse::Basis basis = sparse::Basis::boundary;
  /// --grid.basis auto (the default): the semi-Lagrangian time-dependent solver takes the
  /// extrapolating basis unless an axis is periodic (measured: in 4-D its mean error decreases with
  /// the level, the boundary basis's does not), every other sparse run the boundary basis.
  bool basis_auto = true;
  /// The basis a run uses: `basis` when given, else what `auto` means for the solver's `automatic`.
  sparse::Basis basis_for(sparse::Basis automatic) const { return basis_auto ? automatic : basis; }
  double adaptive = 0.0;    ///< sparse time-dependent runs: surplus threshold (0: a regular grid)
  int max_level = 0;        ///< adaptive grids: deepest level per axis (0: level + 4)
  long long max_nodes = 0;  ///< adaptive grids: the most nodes allowed (0: --memory-per-rank decides)
  bool sparse() const { return type == GridType::sparse; }
  /// Throws UsageError naming --grid.* (a shape on a sparse grid, a level below 1, ...).
  void validate() const;
};

/// --sparse.*: sparse time-dependent runs.
struct SparseOptions {
  SparseMethod method = SparseMethod::automatic;
  int min_level = 2;        ///< combination technique: minimum level per axis of the components
  int inputs_per_axis = 3;  ///< semi-Lagrangian: values per axis of box-shaped input sets
  double cfl = 1.0;         ///< semi-Lagrangian: dt = cfl x finest spacing / largest speed
  /// Time-dependent semi-Lagrangian tables: the same run one level coarser, its difference stored as
  /// the table's error indicator (/error).
  bool error_indicator = true;
  /// Throws UsageError naming --sparse.* (checked whatever method `auto` picks).
  void validate() const;
};

/// --output.*
struct OutputOptions {
  std::string file = "out/table.h5";
  std::string history;  ///< optional CSV of the steps
  bool quiet = false;   ///< no progress lines
};

/// --checkpoint.file, --restart, --overwrite (the periodic triggers are in RunControlOptions).
struct CheckpointOptions {
  std::string file;        ///< default: the output file + ".ckpt"
  std::string restart;     ///< checkpoint to resume from
  bool overwrite = false;  ///< discard an existing checkpoint (and its partial table) of this output
};

struct SolveConfig {
  ProblemOptions problem;
  GridOptions grid;
  SparseOptions sparse;
  Algorithm algorithm = Algorithm::time_dependent;
  Accuracy accuracy = Accuracy::very_high;
  TimeDependentOptions time_dependent;
  StationaryOptions stationary;
  FiniteHorizonOptions finite_horizon;
  ChainSchemeOptions chain;  ///< continuous-time stationary problems: the Markov chain approximation
  OutputOptions output;
  CheckpointOptions checkpoint;
  RunControlOptions control;
  bool dry_run = false;        ///< plan (sizes, memory) and stop before allocating or writing
  double memory_per_rank = 0;  ///< bytes; 0: no budget
  std::string command_line, petsc_options;

  /// Every group's own checks (grid, sparse, time-dependent scheme, stationary, run control) and
  /// the outputs' names. Throws UsageError naming the option. Called once by the argument parser.
  void validate() const;
};

/// Why the combination technique cannot run this configuration (empty: it can). The one statement
/// of the rule, used by the method choice (auto picks it only when this is empty) and by the
/// combination driver (an explicit --sparse.method combination is refused with this message).
std::string combination_obstacle(const SolveConfig& config);

}  // namespace hjb
