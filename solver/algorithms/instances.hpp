// Entry points of the pre-instantiated solvers (one translation unit per problem family keeps
// compile times bounded and lets the build use both cores).
#pragma once
#include "solver/algorithms/registry.hpp"

namespace hjb::instances {
TimeDependentSummary solve_air3d(MPI_Comm, const SolveConfig&);
TimeDependentSummary solve_dubins_car(MPI_Comm, const SolveConfig&);
TimeDependentSummary solve_car4d(MPI_Comm, const SolveConfig&);
TimeDependentSummary solve_double_integrator(MPI_Comm, const SolveConfig&);
template <int D>
TimeDependentSummary solve_eikonal(MPI_Comm, const SolveConfig&);
template <int D>
TimeDependentSummary solve_lqr(MPI_Comm, const SolveConfig&);
TimeDependentSummary solve_pendulum(MPI_Comm, const SolveConfig&);
TimeDependentSummary solve_pendulum_stationary(MPI_Comm, const SolveConfig&);
TimeDependentSummary solve_mountain_car(MPI_Comm, const SolveConfig&);
std::vector<std::string> parameter_names_pendulum();
std::vector<std::string> parameter_names_mountain_car();
std::vector<std::string> parameter_names_air3d();
std::vector<std::string> parameter_names_dubins_car();
std::vector<std::string> parameter_names_car4d();
std::vector<std::string> parameter_names_double_integrator();
std::vector<std::string> parameter_names_eikonal();
std::vector<std::string> parameter_names_lqr(int dim);
}  // namespace hjb::instances
