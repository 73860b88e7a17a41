// Solvers of the continuous-time stationary problems (problems/stationary_benchmarks.hpp):
// value and policy iteration on their Markov chain approximations (SparseChain).
#include "problems/stationary_benchmarks.hpp"
#include "solver/algorithms/continuous_chain.hpp"
#include "solver/frontend/instances_group.hpp"
#include "solver/run/sparse_stationary_run.hpp"
#include "solver/run/sparse_time_dependent_run.hpp"

namespace hjb::instances {

void add_continuous(std::vector<ProblemEntry>& registry) {
  constexpr std::size_t first_position = problems::catalog_size;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using P = std::tuple_element_t<I, problems::ContinuousCatalog>;
          ProblemEntry& entry = entry_for<P>(registry, first_position + I);
          entry.stationary[P::dim] = &run_stationary<P, SparseChain<P>>;
          entry.sparse[P::dim] = &run_sparse_stationary<P>;
        }(),
        ...);
  }
  (std::make_index_sequence<std::tuple_size_v<problems::ContinuousCatalog>>{});
  // Problems beyond the tensor solvers' dimensions: sparse grids only.
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using P = std::tuple_element_t<I, problems::SparseOnlyCatalog>;
          entry_for<P>(registry, first_position).sparse[P::dim] = &run_sparse_time_dependent<P>;
        }(),
        ...);
  }
  (std::make_index_sequence<std::tuple_size_v<problems::SparseOnlyCatalog>>{});
}

}  // namespace hjb::instances
