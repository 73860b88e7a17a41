// Semi-Lagrangian transitions of a problem's discrete step, pointwise (no MPI, no PETSc): the
// controlled Markov chain behind value and policy iteration.
//
// From node x under action a the chain pays c(x, a) and moves to the 2^D corners x_j of the cell
// containing the foot point y = step(x, a), with the multilinear weights w_j(y) (non-negative,
// summing to 1, reproducing every affine function: sum_j w_j x_j = y inside the domain). The
// Bellman operator of the discretisation is then
//     (T V)(x) = min_a [ c(x, a) + gamma sum_j w_j(x, a) V(x_j) ].
// Foot points outside a non-periodic axis are clamped to the boundary (Falcone & Ferretti 2013,
// ch. 8: the standard treatment of state constraints that the step itself does not impose).
// A step that ends the episode (a problem with is_terminal, e.g. MountainCar's goal) pays its cost
// minus the terminal reward and leaves the chain: all its weights are zero, so the continuation
// value is 0 (the episode's return stops there, as in the environment).
#pragma once
#include <array>
#include <vector>

#include "core/control_problem.hpp"
#include "core/sets.hpp"
#include "grids/multilinear.hpp"

namespace hjb {

template <int D>
struct Transition {
  double cost = 0.0;      ///< c(x, a), minus the terminal reward when the step terminates
  CellWeights<D> cell;    ///< destination corners and their probabilities (all 0 when terminal)
  bool terminal = false;  ///< the step ends the episode (no continuation)
};

/// The transition of node coordinate x under action a. P provides discrete_step and step_cost.
template <class P>
Transition<P::dim> semi_lagrangian_transition(const P& problem, const std::array<Axis, P::dim>& axes,
                                              const std::array<double, P::dim>& x,
                                              const Point<P::control_dim>& a) {
  Transition<P::dim> t;
  t.cost = problem.step_cost(x, a);
  const auto y = problem.discrete_step(x, a);
  t.cell = cell_weights<P::dim>(axes, y);
  if constexpr (HasTerminalStates<P>) {
    if (problem.is_terminal(y)) {
      t.terminal = true;
      t.cost -= problem.terminal_reward(y);
      t.cell.weight.fill(0.0);
    }
  }
  return t;
}

}  // namespace hjb
