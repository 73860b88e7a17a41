// Solvers of the catalog entries at positions 2, 2 + group_count, ... (see instances.hpp).
#include "solver/frontend/instances_group.hpp"

template void hjb::instances::add_group<2>(std::vector<hjb::ProblemEntry>&);
