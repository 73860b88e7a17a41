// The problem registry and the dispatch of a solve to the problem's instantiated solver.
#include "solver/frontend/problem_registry.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "solver/frontend/instances.hpp"
#include "solver/io/checkpoint.hpp"

namespace hjb {

const std::vector<ProblemEntry>& problem_registry() {
  static const std::vector<ProblemEntry> registry = [] {
    std::vector<ProblemEntry> r;
    static_assert(instances::group_count == 4, "add a call per instance group");
    instances::add_group<0>(r);
    instances::add_group<1>(r);
    instances::add_group<2>(r);
    instances::add_group<3>(r);
    std::sort(r.begin(), r.end(), [](const ProblemEntry& a, const ProblemEntry& b) {
      return a.catalog_position < b.catalog_position;
    });
    return r;
  }();
  return registry;
}

const ProblemEntry& find_problem(const std::string& name) {
  std::string names;
  for (const auto& e : problem_registry()) {
    if (e.name == name) return e;
    names += (names.empty() ? "" : ", ") + e.name;
  }
  if (name.empty()) throw UsageError("--problem.name is required (choose " + names + ")");
  throw UsageError("--problem.name: unknown problem '" + name + "' (choose " + names + ")");
}

namespace {
std::string dimension_list(const std::map<int, SolveFunction>& by_dimension) {
  std::string dims;
  for (const auto& [d, f] : by_dimension) dims += (dims.empty() ? "" : " or ") + std::to_string(d);
  return dims;
}
std::string stationary_problem_names() {
  std::string names;
  for (const auto& e : problem_registry())
    if (!e.stationary.empty()) names += (names.empty() ? "" : ", ") + e.name;
  return names;
}
}  // namespace

SolveMethod choose_method(const SolveConfig& config, const ProblemEntry& entry) {
  if (!config.grid.sparse()) {
    switch (config.algorithm) {
      case Algorithm::time_dependent:
        return SolveMethod::time_dependent;
      case Algorithm::finite_horizon:
        return SolveMethod::finite_horizon;
      default:
        return SolveMethod::stationary;
    }
  }
  switch (config.sparse.method) {
    case SparseMethod::combination:
      return SolveMethod::sparse_combination;
    case SparseMethod::semi_lagrangian:
      return SolveMethod::sparse_semi_lagrangian;
    case SparseMethod::automatic:
      break;
  }
  // auto: the combination technique where the problem has a tensor solver in this dimension and
  // nothing needs the semi-Lagrangian method (measured to win there, docs/benchmarks.md); a
  // restart continues with the method of the run that wrote its checkpoint.
  bool restart_of_combination = false;
  if (!config.checkpoint.restart.empty())
    if (const auto header = peek_checkpoint_header(config.checkpoint.restart))
      restart_of_combination = header->run_identity.starts_with("combination;");
  const int wanted = config.grid.levels.empty() && entry.sparse.size() == 1
                         ? entry.sparse.begin()->first
                         : static_cast<int>(config.grid.levels.size());
  const bool combination = entry.combination.count(wanted) && combination_obstacle(config).empty() &&
                           (config.checkpoint.restart.empty() || restart_of_combination);
  return combination ? SolveMethod::sparse_combination : SolveMethod::sparse_semi_lagrangian;
}

SolveSummary run_solve(MPI_Comm comm, const SolveConfig& config) {
  return resolve_solver(config)(comm, config);
}

SolveFunction resolve_solver(const SolveConfig& config) {
  const ProblemEntry& entry = find_problem(config.problem.name);
  const SolveMethod method = choose_method(config, entry);
  if (config.grid.sparse()) {
    const bool combination = method == SolveMethod::sparse_combination;
    const auto& solvers = combination ? entry.combination : entry.sparse;
    HJB_CHECK(!solvers.empty(), UsageError,
              "--sparse.method " << to_string(config.sparse.method) << ": problem '" << entry.name
                                 << "' has no such solver");
    HJB_CHECK(!entry.sparse.empty(), UsageError,
              "--grid.type sparse: problem '" << entry.name << "' has no sparse-grid solver");
    int dim = static_cast<int>(config.grid.levels.size());
    if (dim == 0) {
      HJB_CHECK(solvers.size() == 1, UsageError,
                "--grid.levels: problem '" << entry.name << "' comes in " << dimension_list(solvers)
                                           << " dimensions; give the levels per axis to choose");
      dim = solvers.begin()->first;
    }
    const auto it = solvers.find(dim);
    HJB_CHECK(it != solvers.end(), UsageError,
              "--grid.levels has " << dim << " entries but problem '" << entry.name << "' is "
                                   << dimension_list(solvers) << "-dimensional"
                                   << (combination ? " for the combination technique" : ""));
    return it->second;
  }
  const auto& solvers = method == SolveMethod::finite_horizon ? entry.finite_horizon
                        : method == SolveMethod::stationary   ? entry.stationary
                                                              : entry.time_dependent;
  HJB_CHECK(method == SolveMethod::time_dependent || !solvers.empty(), UsageError,
            "--solve.algorithm " << to_string(config.algorithm) << ": problem '" << entry.name
                                 << "' has no discrete-time MDP (stationary solvers: "
                                 << stationary_problem_names() << ")");
  const int dim = static_cast<int>(config.grid.shape.size());
  const auto it = solvers.find(dim);
  HJB_CHECK(it != solvers.end(), UsageError,
            "--grid.shape has " << dim << " sizes but problem '" << entry.name << "' is "
                                << dimension_list(solvers) << "-dimensional");
  return it->second;
}

}  // namespace hjb
