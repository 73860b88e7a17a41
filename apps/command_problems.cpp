// `hjbench problems`: every problem of the catalogue with its dimensions, algorithms and parameters.
#include <iostream>
#include <set>

#include "apps/command.hpp"
#include "solver/frontend/problem_registry.hpp"

namespace hjb::apps {

int run_problems(const CommandContext& context) {
  if (context.rank != 0) return 0;
  for (const auto& e : problem_registry()) {
    std::cout << e.name << ": " << e.description << "\n  dimensions:";
    std::set<int> dims, sparse_dims;
    for (const auto& [d, f] : e.time_dependent) dims.insert(d);
    for (const auto& [d, f] : e.stationary) dims.insert(d);
    for (const auto& [d, f] : e.sparse) sparse_dims.insert(d);
    for (int d : dims) std::cout << " " << d;
    if (dims.empty()) std::cout << " none";
    std::cout << " (tensor grids)";
    if (!sparse_dims.empty()) {
      std::cout << ";";
      for (int d : sparse_dims) std::cout << " " << d;
      std::cout << " (sparse grids)";
    }
    std::cout << "\n  algorithms:" << (e.time_dependent.empty() ? "" : " time_dependent")
              << (e.stationary.empty() ? "" : " value_iteration policy_iteration")
              << (e.finite_horizon.empty() ? "" : " finite_horizon");
    std::cout << "\n  parameters (--problem.NAME):";
    for (const auto& n : e.parameter_names) std::cout << " " << n;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace hjb::apps
