// Definition of instances::add_group (included only by the instances_group_<G>.cpp files).
#pragma once
#include <algorithm>

#include "core/parameters.hpp"
#include "problems/catalog.hpp"
#include "solver/algorithms/continuous_chain.hpp"
#include "solver/frontend/instances.hpp"
#include "solver/run/combination_run.hpp"
#include "solver/run/finite_horizon_run.hpp"
#include "solver/run/second_order_run.hpp"
#include "solver/run/sparse_stationary_run.hpp"
#include "solver/run/sparse_time_dependent_run.hpp"
#include "solver/run/stationary_run.hpp"
#include "solver/run/time_dependent_run.hpp"

namespace hjb::instances {

/// The entry of P's family, created on first use.
template <ConfigurableProblem P>
ProblemEntry& entry_for(std::vector<ProblemEntry>& registry, std::size_t position) {
  auto it = std::find_if(registry.begin(), registry.end(),
                         [](const ProblemEntry& e) { return e.name == P::name(); });
  if (it == registry.end()) {
    registry.push_back({P::name(), P::description(), {}, {}, {}, {}, {}, {}, position});
    it = registry.end() - 1;
  }
  it->catalog_position = std::min(it->catalog_position, position);
  for (const std::string& n : parameter_names_of<P>())
    if (std::find(it->parameter_names.begin(), it->parameter_names.end(), n) == it->parameter_names.end())
      it->parameter_names.push_back(n);
  return *it;
}

/// Problems whose discrete step is an MDP (terminal states allowed): value and policy iteration.
template <class P>
inline constexpr bool has_stationary_solver = StationaryProblem<P>;

/// MDP problems with an episode length: the finite-horizon (episodic) recursion.
template <class P>
inline constexpr bool has_finite_horizon_solver = StationaryProblem<P>&& requires(const P& p) {
  { p.episode_steps } -> std::convertible_to<double>;
};

template <int G>
void add_group(std::vector<ProblemEntry>& registry) {
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (I % group_count == G) {
      ProblemEntry& entry = entry_for<P>(registry, I);
      if constexpr (SecondOrderProblem<P>) {
        // Time-dependent diffusions with quadratic control cost: the monotone second-order scheme.
        entry.time_dependent[P::dim] = &run_second_order<P>;
      } else if constexpr (ContinuousStationaryProblem<P>) {
        // Continuous-time stationary problems: value and policy iteration on their Markov chain
        // approximations, on tensor and sparse grids.
        entry.stationary[P::dim] = &run_stationary<P, SparseChain<P>>;
        entry.sparse[P::dim] = &run_sparse_stationary<P>;
      } else {
        entry.sparse[P::dim] = &run_sparse_time_dependent<P>;
        if constexpr (P::dim <= problems::max_tensor_dimension) {
          entry.time_dependent[P::dim] = &run_time_dependent<P>;
          entry.combination[P::dim] = &run_combination<P>;
          if constexpr (has_stationary_solver<P>) entry.stationary[P::dim] = &run_stationary<P>;
          if constexpr (has_finite_horizon_solver<P>) entry.finite_horizon[P::dim] = &run_finite_horizon<P>;
        }
      }
    }
  });
}

}  // namespace hjb::instances
