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

#include "core/sets.hpp"
#include "grids/multilinear.hpp"

namespace hjb {

template <int D>
struct Transition {
  double cost = 0.0;      ///< c(x, a), minus the terminal reward when the step terminates
  CellWeights<D> cell;    ///< destination corners and their probabilities (all 0 when terminal)
  bool terminal = false;  ///< the step ends the episode (no continuation)
};

/// Problems whose episodes end in terminal states (the step's result decides, as in the RL
/// environment): they provide is_terminal(x) and terminal_reward(x).
template <class P>
concept HasTerminalStates = requires(const P& p, const std::array<double, P::dim>& x) {
  { p.is_terminal(x) } -> std::convertible_to<bool>;
  { p.terminal_reward(x) } -> std::convertible_to<double>;
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

/// A Cartesian grid of `per_axis` evenly spaced actions over a box (the midpoint when per_axis is 1),
/// the last component varying fastest.
template <int M>
std::vector<Point<M>> action_grid(const Box<M>& box, int per_axis) {
  long count = 1;
  for (int j = 0; j < M; ++j) count *= per_axis;
  std::vector<Point<M>> actions;
  actions.reserve(static_cast<std::size_t>(count));
  for (long k = 0; k < count; ++k) {
    Point<M> a;
    long rest = k;
    for (int j = M - 1; j >= 0; --j) {
      const int i = static_cast<int>(rest % per_axis);
      rest /= per_axis;
      a[j] = per_axis == 1 ? 0.5 * (box.lo[j] + box.hi[j])
                           : box.lo[j] + (box.hi[j] - box.lo[j]) * i / (per_axis - 1);
    }
    actions.push_back(a);
  }
  return actions;
}

}  // namespace hjb
