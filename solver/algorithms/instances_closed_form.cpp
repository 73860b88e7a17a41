// Instantiated solvers of the problems with closed-form solutions: double integrator, eikonal, LQR.
#include "solver/algorithms/instances.hpp"
#include "solver/core/parameters.hpp"
#include "solver/algorithms/stationary_run.hpp"
#include "solver/algorithms/time_dependent_run.hpp"
#include "solver/problems/double_integrator.hpp"
#include "solver/problems/eikonal.hpp"
#include "solver/problems/lqr.hpp"
#include "solver/problems/mountain_car.hpp"
#include "solver/problems/pendulum.hpp"

namespace hjb::instances {

TimeDependentSummary solve_double_integrator(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::DoubleIntegrator>(c, s);
}
template <int D>
TimeDependentSummary solve_eikonal(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::Eikonal<D>>(c, s);
}
template <int D>
TimeDependentSummary solve_lqr(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::LQR<D>>(c, s);
}
template TimeDependentSummary solve_eikonal<1>(MPI_Comm, const SolveConfig&);
template TimeDependentSummary solve_eikonal<2>(MPI_Comm, const SolveConfig&);
template TimeDependentSummary solve_eikonal<3>(MPI_Comm, const SolveConfig&);
template TimeDependentSummary solve_eikonal<4>(MPI_Comm, const SolveConfig&);
template TimeDependentSummary solve_lqr<1>(MPI_Comm, const SolveConfig&);
template TimeDependentSummary solve_lqr<2>(MPI_Comm, const SolveConfig&);
template TimeDependentSummary solve_lqr<3>(MPI_Comm, const SolveConfig&);

TimeDependentSummary solve_pendulum(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::Pendulum>(c, s);
}
TimeDependentSummary solve_pendulum_stationary(MPI_Comm c, const SolveConfig& s) {
  return run_stationary<problems::Pendulum>(c, s);
}
TimeDependentSummary solve_mountain_car(MPI_Comm c, const SolveConfig& s) {
  return run_time_dependent<problems::MountainCar>(c, s);
}
std::vector<std::string> parameter_names_pendulum() { return parameter_names_of<problems::Pendulum>(); }
std::vector<std::string> parameter_names_mountain_car() { return parameter_names_of<problems::MountainCar>(); }
std::vector<std::string> parameter_names_double_integrator() {
  return parameter_names_of<problems::DoubleIntegrator>();
}
std::vector<std::string> parameter_names_eikonal() { return parameter_names_of<problems::Eikonal<1>>(); }
std::vector<std::string> parameter_names_lqr(int dim) {
  switch (dim) {
    case 1:
      return parameter_names_of<problems::LQR<1>>();
    case 2:
      return parameter_names_of<problems::LQR<2>>();
    default:
      return parameter_names_of<problems::LQR<3>>();
  }
}

}  // namespace hjb::instances
