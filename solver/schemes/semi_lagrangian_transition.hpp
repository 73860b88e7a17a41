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

/// The step before any cell is located: what ControlledChain stores per (node, action).
template <int D>
struct Foot {
  double cost = 0.0;          ///< c(x, a), minus the terminal reward when the step terminates
  std::array<double, D> y{};  ///< step(x, a)
  bool terminal = false;      ///< the step ends the episode (no continuation)
};

/// The foot point of node coordinate x under action a. P provides discrete_step and step_cost.
template <class P>
Foot<P::dim> semi_lagrangian_foot(const P& problem, const std::array<double, P::dim>& x,
                                  const Point<P::control_dim>& a) {
  Foot<P::dim> f;
  f.cost = problem.step_cost(x, a);
  f.y = problem.discrete_step(x, a);
  if constexpr (HasTerminalStates<P>) {
    if (problem.is_terminal(f.y)) {
      f.terminal = true;
      f.cost -= problem.terminal_reward(f.y);
    }
  }
  return f;
}

/// The transition of node coordinate x under action a: the foot's cell and weights.
template <class P>
Transition<P::dim> semi_lagrangian_transition(const P& problem, const std::array<Axis, P::dim>& axes,
                                              const std::array<double, P::dim>& x,
                                              const Point<P::control_dim>& a) {
  const Foot<P::dim> f = semi_lagrangian_foot(problem, x, a);
  Transition<P::dim> t;
  t.cost = f.cost;
  t.cell = cell_weights<P::dim>(axes, f.y);
  t.terminal = f.terminal;
  if (f.terminal) t.cell.weight.fill(0.0);
  return t;
}

}  // namespace hjb
