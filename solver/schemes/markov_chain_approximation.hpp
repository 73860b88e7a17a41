// Markov chain approximations of continuous-time controlled diffusions (Kushner & Dupuis 2001),
// pointwise (no MPI, no PETSc): the transitions behind the stationary solvers for
//
//   rho V(x) = min_a [ l(x, a) + f(x, a) . grad V + 1/2 sum_i s_i(x, a)^2 d_ii V ]   (discounted)
//   V = g on the target, 1 = min_a [ ... ] outside it (exit time, rho = 0, l = 1)
//
// with diagonal noise (independent Brownian motions per axis, standard deviations s_i). Each
// builder returns, for node x and action a, the cost of the step, its discount factor and the
// successor nodes with their probabilities (non-negative, summing to 1):
//
//  - semi_lagrangian_mca (Camilli & Falcone 1995): a time step h; over the m axes with noise, the
//    2m foot points y = x + h f +- sqrt(m h) s_i e_i with probability 1/(2m) each (y = x + h f
//    when m = 0), interpolated multilinearly;
//    cost l (1 - exp(-rho h)) / rho (l h without discount), discount exp(-rho h). First order in
//    h plus the interpolation error O(dx^2 / h).
//  - kushner_dupuis: upwind finite differences as a chain on the grid neighbours,
//    Q = sum_i (s_i^2 / dx_i^2 + |f_i| / dx_i), dt = 1 / Q,
//    p(x -> x +- dx_i e_i) = (s_i^2 / 2 + dx_i f_i^+-) / (dx_i^2 Q); cost l (1 - exp(-rho dt)) /
//    rho (the cost rate held for the step, discounted inside it), discount exp(-rho dt). First order in dx.
//    At a non-periodic boundary the move out is replaced by staying (reflection).
#pragma once
#include <array>
#include <cmath>
#include <vector>

#include "core/problem_interface.hpp"
#include "core/sets.hpp"
#include "grids/index.hpp"
#include "grids/multilinear.hpp"
#include "solver/schemes/chain_scheme.hpp"

namespace hjb {

/// The cost of holding an action for a time dt at cost rate l, discounted at rate rho inside the
/// step: l (1 - exp(-rho dt)) / rho (l dt when rho = 0). Kushner-Dupuis holding times can be long
/// where the motion is slow (dt = dx^2 / s^2 for a small noise s): charging l dt there would let
/// the chain collect undiscounted cost over a long step.
inline double holding_cost(double l, double rho, double dt) {
  return rho > 0.0 ? l * (-std::expm1(-rho * dt)) / rho : l * dt;
}

/// One row of a chain: cost, discount factor and successors (global grid indices).
template <int D>
struct ChainRow {
  double cost = 0.0, discount = 1.0;
  bool exit = false;  ///< the node is in the target: V = cost, no successors
  std::vector<std::pair<Index<D>, double>> next;
};

/// The foot points of the semi-Lagrangian step from x under a with time step h: over the m axes
/// with noise, y = x + h f +- sqrt(m h) s_i e_i, each with probability 1/(2m) (the one point
/// y = x + h f when m = 0); calls visit(y, probability) for each. Shared by the tensor chain and the
/// sparse-grid iteration.
template <class P, class Visit>
void semi_lagrangian_foot_points(const P& problem, const std::array<double, P::dim>& x,
                                 const Point<P::control_dim>& a, double h, Visit&& visit) {
  constexpr int D = P::dim;
  const auto f = problem.drift(x, a);
  const auto s = problem.noise(x, a);
  int noisy[D], m = 0;
  for (int i = 0; i < D; ++i)
    if (s[i] != 0.0) noisy[m++] = i;
  const int branches = m > 0 ? 2 * m : 1;
  for (int b = 0; b < branches; ++b) {
    std::array<double, D> y;
    for (int i = 0; i < D; ++i) y[i] = x[i] + h * f[i];
    if (m > 0) y[noisy[b / 2]] += (b % 2 ? -1.0 : 1.0) * std::sqrt(m * h) * s[noisy[b / 2]];
    visit(y, 1.0 / branches);
  }
}

/// How far one semi-Lagrangian step from x under a reaches, as a fraction of the domain: the largest
/// foot-point displacement |y_i - x_i| over the axes, each divided by its extent hi_i - lo_i.
template <class P>
double semi_lagrangian_reach(const P& problem, const std::array<double, P::dim>& x,
                             const Point<P::control_dim>& a, double h,
                             const std::array<double, P::dim>& extent) {
  double reach = 0.0;
  semi_lagrangian_foot_points(problem, x, a, h, [&](const std::array<double, P::dim>& y, double) {
    for (int i = 0; i < P::dim; ++i) reach = std::max(reach, std::abs(y[i] - x[i]) / extent[i]);
  });
  return reach;
}

/// The semi-Lagrangian chain approximates the diffusion only while a step moves a small part of the
/// domain (h small against the problem's time scales): beyond its whole extent the feet are mostly clamped
/// to the boundary and the chain converges to another problem's value (Merton with h = 10: twice too
/// negative, zero consumption). Throws UsageError naming the option.
inline void check_semi_lagrangian_reach(double reach, double h, double factor) {
  constexpr double max_reach = 1.0;
  HJB_CHECK(reach <= max_reach, UsageError,
            "--stationary.time_step_factor "
                << factor << " gives the semi-Lagrangian step h = " << h << ", whose foot points move up to "
                << reach << " of the domain's extent in one step (at most " << max_reach
                << "): the chain would not approximate this problem; lower --stationary.time_step_factor");
}

template <class P>
ChainRow<P::dim> semi_lagrangian_mca(const P& problem, const std::array<Axis, P::dim>& axes,
                                     const std::array<double, P::dim>& x, const Point<P::control_dim>& a,
                                     double h) {
  constexpr int D = P::dim;
  ChainRow<D> row;
  row.cost = holding_cost(problem.cost_rate(x, a), problem.discount_rate(), h);
  row.discount = std::exp(-problem.discount_rate() * h);
  semi_lagrangian_foot_points(problem, x, a, h, [&](const std::array<double, D>& y, double probability) {
    const CellWeights<D> cell = cell_weights<D>(axes, y);
    for (int c = 0; c < CellWeights<D>::corners; ++c)
      if (cell.weight[c] != 0.0) row.next.emplace_back(cell.node[c], cell.weight[c] * probability);
  });
  return row;
}

template <class P>
ChainRow<P::dim> kushner_dupuis(const P& problem, const std::array<Axis, P::dim>& axes,
                                const Index<P::dim>& g, const std::array<double, P::dim>& x,
                                const Point<P::control_dim>& a) {
  constexpr int D = P::dim;
  ChainRow<D> row;
  const auto f = problem.drift(x, a);
  const auto s = problem.noise(x, a);
  double q = 0.0;
  for (int i = 0; i < D; ++i) {
    const double dx = axes[i].spacing();
    q += s[i] * s[i] / (dx * dx) + std::abs(f[i]) / dx;
  }
  if (q == 0.0) {  // no motion under this action: it stays (a unit holding time)
    row.cost = holding_cost(problem.cost_rate(x, a), problem.discount_rate(), 1.0);
    row.discount = std::exp(-problem.discount_rate());
    row.next.emplace_back(g, 1.0);
    return row;
  }
  const double dt = 1.0 / q;
  row.cost = holding_cost(problem.cost_rate(x, a), problem.discount_rate(), dt);
  row.discount = std::exp(-problem.discount_rate() * dt);
  double stay = 0.0;
  for (int i = 0; i < D; ++i) {
    const double dx = axes[i].spacing();
    const double up = (0.5 * s[i] * s[i] + dx * std::max(f[i], 0.0)) / (dx * dx * q);
    const double down = (0.5 * s[i] * s[i] + dx * std::max(-f[i], 0.0)) / (dx * dx * q);
    for (int side = 0; side < 2; ++side) {
      const double p = side ? down : up;
      if (p == 0.0) continue;
      Index<D> n = g;
      n[i] += side ? -1 : 1;
      if (axes[i].periodic) {
        n[i] = (n[i] + axes[i].n) % axes[i].n;
      } else if (n[i] < 0 || n[i] >= axes[i].n) {
        stay += p;  // reflection at the boundary
        continue;
      }
      row.next.emplace_back(n, p);
    }
  }
  if (stay > 0.0) row.next.emplace_back(g, stay);
  return row;
}

}  // namespace hjb
