// The one list of problems. The solver registry (`hjbench solve`, `hjbench problems`) and the RL
// environments (`hjbench train`) are both built from it: adding a problem is adding its header
// and one line here (docs/adding_a_problem.md). Header-only, no MPI, no PETSc.
#pragma once
#include <cstddef>
#include <tuple>
#include <utility>

#include "core/problem_interface.hpp"
#include "problems/acrobot.hpp"
#include "problems/air3d.hpp"
#include "problems/car4d.hpp"
#include "problems/double_integrator.hpp"
#include "problems/dubins_car.hpp"
#include "problems/eikonal.hpp"
#include "problems/lqr.hpp"
#include "problems/lqr_mdp.hpp"
#include "problems/mountain_car.hpp"
#include "problems/pendulum.hpp"
#include "problems/zermelo.hpp"

namespace hjb::problems {

/// Every registered problem, one type per dimension of a family (families share name()).
using Catalog = std::tuple<Air3D, DubinsCar, Car4D, DoubleIntegrator,       //
                           Eikonal<1>, Eikonal<2>, Eikonal<3>, Eikonal<4>,  //
                           LQR<1>, LQR<2>, LQR<3>,                          //
                           Pendulum, MountainCar, Acrobot, LqrMdp<2>, LqrMdp<3>, Zermelo>;

/// Problems solved on sparse grids only (dimensions the tensor solvers do not instantiate).
using SparseOnlyCatalog = std::tuple<Eikonal<5>, Eikonal<6>, Eikonal<7>, Eikonal<8>>;

inline constexpr std::size_t catalog_size = std::tuple_size_v<Catalog>;

/// Every entry checked against the one problem interface (core/problem_interface.hpp): a declared
/// feature that is missing or misspelt, or an optional member that is not declared, fails here.
template <class... P>
constexpr bool check_catalog(std::tuple<P...>*) {
  return (check_problem<P>() && ...);
}
static_assert(check_catalog(static_cast<Catalog*>(nullptr)));
static_assert(check_catalog(static_cast<SparseOnlyCatalog*>(nullptr)));

/// Calls f.template operator()<I, P>() for every catalog entry P at position I, in order.
template <class F>
void for_each_catalog_entry(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f.template operator()<I, std::tuple_element_t<I, Catalog>>(), ...);
  }
  (std::make_index_sequence<catalog_size>{});
}

}  // namespace hjb::problems
