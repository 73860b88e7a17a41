// Solvers of the catalog entries at positions 3, 3 + group_count, ... (see instances.hpp).
#include "solver/frontend/instances_group.hpp"

template void hjb::instances::add_group<3>(std::vector<hjb::ProblemEntry>&);
