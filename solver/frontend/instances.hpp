// The pre-instantiated solvers of the catalog's problems. The catalog is split into groups by
// position, one translation unit per group (instances_group_<G>.cpp), so compile times stay
// bounded and the build uses several cores; adding a problem to the catalog needs no change here.
#pragma once
#include <vector>

#include "solver/frontend/problem_registry.hpp"

namespace hjb::instances {

inline constexpr int group_count = 4;

/// Adds the solvers of the catalog entries at positions i with i % group_count == G to the
/// registry (merging the dimensions of a family into one entry). Explicitly instantiated for
/// G = 0 .. group_count - 1 in instances_group_<G>.cpp.
template <int G>
void add_group(std::vector<ProblemEntry>& registry);

}  // namespace hjb::instances
