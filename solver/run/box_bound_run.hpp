// The certified upper bound of a catalogue problem's optimal expected return (box DP,
// solver/algorithms/box_bound.hpp), for every problem that provides enclosures of its step.
#pragma once
#include <mpi.h>

#include <string>
#include <vector>

#include "solver/algorithms/box_bound.hpp"

namespace hjb {

/// The problems with enclosures ("pendulum", "mountain_car", "lqr_mdp"), each name once.
std::vector<std::string> box_bound_problems();

/// Collective. The bound for problem `name` (dim: of a family with several, 0: the first) with its
/// default parameters. Throws UsageError for a problem without enclosures.
BoxBoundResult box_upper_bound(const std::string& name, int dim, const BoxBoundOptions& options,
                               MPI_Comm comm);

}  // namespace hjb
