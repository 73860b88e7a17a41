// The one list of problems. The solver registry (`hjbench solve`, `hjbench problems`), the RL
// environments (`hjbench train`, the Python module) and the generated problem lists are all built
// from it: adding a problem is adding its header and one line here (docs/adding_a_problem.md).
// What each entry gets follows from what it provides (core/problem_interface.hpp): time-dependent
// solvers on tensor grids up to max_tensor_dimension and on sparse grids in any dimension; value
// and policy iteration and the finite-horizon recursion for an exact discrete step; an RL
// environment for a complete MDP; Markov-chain solvers for continuous-time stationary problems.
// Header-only, no MPI, no PETSc.
#pragma once
#include <cstddef>
#include <tuple>
#include <utility>

#include "core/problem_interface.hpp"
#include "problems/acrobot.hpp"
#include "problems/air3d.hpp"
#include "problems/car4d.hpp"
#include "problems/cartpole_swingup.hpp"
#include "problems/double_integrator.hpp"
#include "problems/dubins_car.hpp"
#include "problems/eikonal.hpp"
#include "problems/follmer.hpp"
#include "problems/lqr.hpp"
#include "problems/lqr_mdp.hpp"
#include "problems/mountain_car.hpp"
#include "problems/pendulum.hpp"
#include "problems/planar_quadrotor.hpp"
#include "problems/stationary_benchmarks.hpp"
#include "problems/zermelo.hpp"

namespace hjb::problems {

/// Every registered problem, one type per dimension of a family (families share name()).
using Catalog = std::tuple<Air3D, DubinsCar, Car4D, DoubleIntegrator,                                   //
                           Eikonal<1>, Eikonal<2>, Eikonal<3>, Eikonal<4>,                              //
                           Eikonal<5>, Eikonal<6>, Eikonal<7>, Eikonal<8>,                              //
                           LQR<1>, LQR<2>, LQR<3>,                                                      //
                           Pendulum, MountainCar, Acrobot, LqrMdp<2>, LqrMdp<3>, Zermelo,               //
                           DiscountedLqr<1>, DiscountedLqr<2>, DiscountedLqr<3>,                        //
                           SingleInputLqr<2>, SingleInputLqr<3>, SingleInputLqr<4>, SingleInputLqr<5>,  //
                           SingleInputLqr<6>, MinTimeDoubleIntegrator, Merton,                          //
                           Follmer<1>, Follmer<2>, Follmer<4>, CartPoleSwingUp, PlanarQuadrotor>;

/// Time-dependent problems get tensor-grid solvers (method of lines, the combination technique,
/// MDP chains) up to this dimension; beyond it they are solved on sparse grids only (a tensor grid
/// of 5 or more dimensions is beyond this hardware at useful resolutions, and each instantiation
/// costs compile time).
inline constexpr int max_tensor_dimension = 4;

inline constexpr std::size_t catalog_size = std::tuple_size_v<Catalog>;

/// Every entry checked against the one problem interface (core/problem_interface.hpp): a declared
/// feature that is missing or misspelt, or an optional member that is not declared, fails here.
template <class... P>
constexpr bool check_catalog(std::tuple<P...>*) {
  return (check_problem<P>() && ...);
}
static_assert(check_catalog(static_cast<Catalog*>(nullptr)));

/// Calls f.template operator()<I, P>() for every catalog entry P at position I, in order.
template <class F>
void for_each_catalog_entry(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f.template operator()<I, std::tuple_element_t<I, Catalog>>(), ...);
  }
  (std::make_index_sequence<catalog_size>{});
}

}  // namespace hjb::problems
