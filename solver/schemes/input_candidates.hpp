// The discretised input sets of the semi-Lagrangian schemes (sparse and tensor grids), pointwise:
// the candidates a node's max/min runs over, and the cost rate an input adds (no MPI, no PETSc).
#pragma once
#include <algorithm>
#include <type_traits>
#include <vector>

#include "core/control_problem.hpp"
#include "core/sets.hpp"

namespace hjb {

/// The discretised candidates of an input set (the per-node costate extremiser is added to them).
template <int M>
std::vector<Point<M>> input_candidates(const Box<M>& set, int per_axis) {
  return action_grid(set, per_axis);
}
template <int M>
std::vector<Point<M>> input_candidates(const Ball<M>& set, int) {
  std::vector<Point<M>> c;
  for (int j = 0; j < M; ++j)
    for (double s : {-1.0, 1.0}) {
      Point<M> a = set.center;
      a[j] += s * set.radius;
      c.push_back(a);
    }
  if (c.empty()) c.push_back(set.center);
  return c;
}
template <int M>
std::vector<Point<M>> input_candidates(const FiniteSet<M>& set, int) {
  return set.points;
}
template <int M>
std::vector<Point<M>> input_candidates(const QuadraticCostBox<M>& set, int per_axis) {
  Box<M> box;
  for (int j = 0; j < M; ++j) box = (box.lo[j] = -set.bound[j], box.hi[j] = set.bound[j], box);
  return action_grid(box, per_axis);
}

/// Whether every point the set's extremum() can return is among `candidates`, bit for bit: a box's
/// vertices (its extremum is always one) or a finite set's points. Then a node's costate
/// extremiser can add no candidate and need not be computed. Other sets (a ball, a box with a
/// quadratic cost): false. (M is deduced from the set alone: Point<M> is a std::array, whose size
/// is a std::size_t, so deducing an int M from it fails and would select the generic overload.)
template <int M>
bool candidates_hold_extremisers(const Box<M>& set,
                                 const std::vector<std::type_identity_t<Point<M>>>& candidates) {
  for (long bits = 0; bits < (1L << M); ++bits) {
    Point<M> vertex;
    for (int j = 0; j < M; ++j) vertex[j] = (bits >> j) & 1 ? set.hi[j] : set.lo[j];
    if (std::find(candidates.begin(), candidates.end(), vertex) == candidates.end()) return false;
  }
  return true;
}
template <int M>
bool candidates_hold_extremisers(const FiniteSet<M>&, const std::vector<std::type_identity_t<Point<M>>>&) {
  return true;
}
template <class Set, class Candidates>
bool candidates_hold_extremisers(const Set&, const Candidates&) {
  return false;
}

/// Whether a node's costate extremisers can add no candidate for either player: the solvers then
/// skip computing them (their tables are the same bit for bit).
template <class P>
bool costate_adds_no_candidate(const P& problem, const std::vector<Point<P::control_dim>>& control,
                               const std::vector<Point<P::disturbance_dim>>& disturbance) {
  return candidates_hold_extremisers(problem.control_set(), control) &&
         (P::disturbance_dim == 0 || candidates_hold_extremisers(problem.disturbance_set(), disturbance));
}

/// The cost rate an input adds to the Hamiltonian in `mode` (the quadratic control cost r a^2 of
/// QuadraticCostBox, paid by a minimiser and subtracted by a maximiser; 0 for the other sets).
template <class Set, class Input>
double input_cost_rate(const Set&, const Input&, Optimize) {
  return 0.0;
}
template <int M>
double input_cost_rate(const QuadraticCostBox<M>& set, const std::type_identity_t<Point<M>>& a,
                       Optimize mode) {
  double c = 0.0;
  for (int j = 0; j < M; ++j) c += set.weight[j] * a[j] * a[j];
  return mode == Optimize::minimize ? c : -c;
}

}  // namespace hjb
