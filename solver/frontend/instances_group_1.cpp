// Solvers of the catalog entries at positions 1, 1 + group_count, ... (see instances.hpp).
#include "solver/frontend/instances_group.hpp"

template void hjb::instances::add_group<1>(std::vector<hjb::ProblemEntry>&);
