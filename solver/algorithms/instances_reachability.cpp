// Instantiated solvers of the reachability games: Air3D, Dubins car, Car4D.
#include "solver/algorithms/instances.hpp"
#include "solver/core/parameters.hpp"
#include "solver/algorithms/time_dependent_run.hpp"
#include "solver/problems/air3d.hpp"
#include "solver/problems/car4d.hpp"
#include "solver/problems/dubins_car.hpp"

namespace hjb::instances {

TimeDependentSummary solve_air3d(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::Air3D>(c, s);
}
TimeDependentSummary solve_dubins_car(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::DubinsCar>(c, s);
}
TimeDependentSummary solve_car4d(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::Car4D>(c, s);
}
std::vector<std::string> parameter_names_air3d() { return parameter_names_of<problems::Air3D>(); }
std::vector<std::string> parameter_names_dubins_car() { return parameter_names_of<problems::DubinsCar>(); }
std::vector<std::string> parameter_names_car4d() { return parameter_names_of<problems::Car4D>(); }

}  // namespace hjb::instances
