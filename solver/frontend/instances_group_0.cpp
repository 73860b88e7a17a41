// Solvers of the catalog entries at positions 0, 0 + group_count, ... (see instances.hpp).
#include "solver/frontend/instances_group.hpp"

template void hjb::instances::add_group<0>(std::vector<hjb::ProblemEntry>&);
