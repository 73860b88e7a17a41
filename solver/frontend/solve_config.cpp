// Option values of `hjbench solve` as strings, their validation, and the combination rule.
#include "solver/frontend/solve_config.hpp"

#include <array>
#include <cmath>
#include <sstream>
#include <utility>

#include "core/error.hpp"

namespace hjb {

namespace {

template <class E, std::size_t N>
E parse_choice(const std::string& s, const char* option,
               const std::array<std::pair<const char*, E>, N>& choices) {
  std::string names;
  for (std::size_t k = 0; k < N; ++k) {
    if (s == choices[k].first) return choices[k].second;
    names += std::string(k == 0 ? "" : k + 1 == N ? " or " : ", ") + choices[k].first;
  }
  throw UsageError(std::string(option) + ": unknown value '" + s + "' (choose " + names + ")");
}

template <class E, std::size_t N>
std::string name_of(E v, const std::array<std::pair<const char*, E>, N>& choices) {
  for (const auto& [name, value] : choices)
    if (value == v) return name;
  return "?";
}

constexpr std::array<std::pair<const char*, GridType>, 2> grid_types{
    {{"tensor", GridType::tensor}, {"sparse", GridType::sparse}}};
constexpr std::array<std::pair<const char*, Algorithm>, 4> algorithms{
    {{"time_dependent", Algorithm::time_dependent},
     {"value_iteration", Algorithm::value_iteration},
     {"policy_iteration", Algorithm::policy_iteration},
     {"finite_horizon", Algorithm::finite_horizon}}};
constexpr std::array<std::pair<const char*, SparseMethod>, 3> sparse_methods{
    {{"auto", SparseMethod::automatic},
     {"semi_lagrangian", SparseMethod::semi_lagrangian},
     {"combination", SparseMethod::combination}}};
constexpr std::array<std::pair<const char*, Accuracy>, 4> accuracies{{{"low", Accuracy::low},
                                                                      {"medium", Accuracy::medium},
                                                                      {"high", Accuracy::high},
                                                                      {"very_high", Accuracy::very_high}}};

}  // namespace

std::string to_string(GridType v) { return name_of(v, grid_types); }
std::string to_string(Algorithm v) { return name_of(v, algorithms); }
std::string to_string(SparseMethod v) { return name_of(v, sparse_methods); }
std::string to_string(Accuracy v) { return name_of(v, accuracies); }
GridType parse_grid_type(const std::string& s, const char* option) {
  return parse_choice(s, option, grid_types);
}
Algorithm parse_algorithm(const std::string& s, const char* option) {
  return parse_choice(s, option, algorithms);
}
SparseMethod parse_sparse_method(const std::string& s, const char* option) {
  return parse_choice(s, option, sparse_methods);
}
Accuracy parse_accuracy(const std::string& s, const char* option) {
  return parse_choice(s, option, accuracies);
}
std::optional<Optimize> parse_control_mode(const std::string& s, const char* option) {
  if (s.empty()) return std::nullopt;
  constexpr std::array<std::pair<const char*, Optimize>, 2> modes{
      {{"max", Optimize::maximize}, {"min", Optimize::minimize}}};
  return parse_choice(s, option, modes);
}

void GridOptions::validate() const {
  if (type == GridType::sparse) {
    HJB_CHECK(shape.empty(), UsageError,
              "--grid.shape is for tensor grids; a sparse grid is given by --grid.level (and --grid.levels)");
    HJB_CHECK(
        !(level == 0 && !levels.empty()), UsageError,
        "--grid.levels gives the maximal level per axis; the sparse grid also needs its level --grid.level n "
        ">= 1");
    HJB_CHECK(level >= 1, UsageError, "--grid.level must be at least 1, got " << level);
    HJB_CHECK(grading.empty(), UsageError,
              "--grid.grading is for tensor grids (a sparse grid has its own levels)");
  } else {
    HJB_CHECK(!shape.empty(), UsageError, "--grid.shape is required (nodes per axis, e.g. 101,101,100)");
    HJB_CHECK(levels.empty() && level == 0 && adaptive == 0, UsageError,
              "--grid.level/--grid.levels/--grid.adaptive describe sparse grids; add --grid.type sparse");
    for (double b : grading)
      HJB_CHECK(std::isfinite(b) && b >= 0.0 && b <= 20.0, UsageError,
                "--grid.grading: each axis's grading must be 0 (uniform) or in (0, 20], got " << b);
  }
}

void SparseOptions::validate() const {
  HJB_CHECK(inputs_per_axis >= 2 && inputs_per_axis <= 1000, UsageError,
            "--sparse.inputs_per_axis must be in [2, 1000], got " << inputs_per_axis);
  // Semi-Lagrangian steps are stable at any size; a vanishing factor would take for ever.
  HJB_CHECK(std::isfinite(cfl) && cfl >= 1e-3 && cfl <= 1000, UsageError,
            "--sparse.cfl must be a number in [0.001, 1000], got " << cfl);
  HJB_CHECK(min_level >= 1 && min_level <= 20, UsageError,
            "--sparse.min_level must be in [1, 20], got " << min_level);
}

void SolveConfig::validate() const {
  grid.validate();
  if (grid.sparse()) sparse.validate();
  time_dependent.validate();
  control.validate();
  stationary.validate();
  HJB_CHECK(!output.file.empty(), UsageError, "--output.file must name a file");
}

std::string combination_obstacle(const SolveConfig& config) {
  std::ostringstream why;
  if (config.algorithm != Algorithm::time_dependent)
    why << "--sparse.method combination: runs the time-dependent tensor solver; --solve.algorithm "
        << to_string(config.algorithm) << " is not supported";
  else if (config.grid.basis_for(sparse::Basis::boundary) != sparse::Basis::boundary)
    why << "--sparse.method combination: the component grids have boundary nodes; use --grid.basis boundary";
  else if (config.grid.adaptive != 0)
    why << "--grid.adaptive: not with --sparse.method combination";
  else if (config.control.checkpoint_every_steps > 0 || config.control.checkpoint_every_seconds > 0)
    why << "--sparse.method combination: no periodic checkpoints (a signal or --walltime stop keeps the "
           "finished component tables and the running components' checkpoints for --restart); drop "
           "--checkpoint.every_steps/--checkpoint.every_seconds";
  return why.str();
}

}  // namespace hjb
