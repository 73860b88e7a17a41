// Semi-Lagrangian scheme for time-dependent HJ(B/I) equations on sparse grids (Bokanowski, Garcke,
// Griebel & Klompmaker, J. Sci. Comput. 2013), on the problem definitions of the tensor solver
// (core/control_problem.hpp): the backward equation V_t + H(x, grad V, t) = 0 with
// H = l + ext_a ext_b grad V . f(x, a, b, t), V(x, 0) = target(x), is stepped in time-to-go tau by
//
//   V(x, tau + dt) = ext_a ext_b  I[V(., tau)]( y(x, a, b) ) + dt l(x, t),   t = -(tau + dt),
//
// with I the sparse-grid interpolant, y the foot point of the characteristic over dt (Heun's
// method with the inputs frozen; periodic axes wrapped) and the control optimising in its mode,
// the disturbance in the opposite one (max_a min_b when the control maximises); foot points beyond
// a non-periodic boundary take the linear extrapolation of I[V] through the boundary. BRT (tube): V can
// only decrease, V <- min(V_new, V_old); obstacles: V <- max(V, -obstacle(x)).
//
// The input sets are discretised as the stationary solvers do (box: `inputs_per_axis` evenly spaced
// values per axis; ball: the centre +- radius along each axis; finite set: its points), and at each
// node the set's exact extremiser for the local costate (central differences of I[V] over the
// step's reach) is added: for convex sets (an eikonal ball) that candidate is the exact optimum of
// the linearised problem, so no direction grid is needed in high dimension.
//
// On an AdaptiveSparseGrid the grid follows the solution (Bokanowski et al. 2013, sec. 3.2): after
// every step, leaves whose computed surplus is small are removed, then nodes whose surplus is large
// get children, which take the interpolant's value until the next step computes them (so coarsening
// comes first: it would take those children, surplus 0, straight out again, and it keeps leaves the
// refinement would add back); every rank adapts identically.
//
// Nodes are split across ranks in contiguous blocks; every rank re-assembles the nodal values
// (MPI_Allgatherv) and hierarchises them, so the result is bit-identical on any rank count.
// Header-only, MPI, no PETSc.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "core/control_problem.hpp"
#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "grids/sparse/grid_interpolant.hpp"
#include "solver/algorithms/sparse_blocks.hpp"
#include "solver/schemes/input_candidates.hpp"
#include "solver/schemes/reachability.hpp"
#include "solver/schemes/semi_lagrangian_transition.hpp"

namespace hjb {

struct SparseTimeOptions {
  double horizon = 1.0;  ///< tau_final > 0
  double cfl = 1.0;  ///< dt = cfl x the finest spacing / the largest speed (rounded to end on the horizon)
  int inputs_per_axis = 3;  ///< box-shaped input sets: values per axis (2: the vertices)
  ReachMode mode = ReachMode::set;
  long max_steps = 1000000;
  /// Spatial adaptivity (adaptive grids only): after the initial value and after every step, coarsen
  /// leaves with |surplus| < adapt_coarsen x adapt_threshold (except children of nodes about to be
  /// refined), then refine nodes with |surplus| > adapt_threshold up to adapt_max_level per axis.
  /// 0: a fixed grid.
  double adapt_threshold = 0.0;
  int adapt_max_level = 12;
  double adapt_coarsen = 0.1;
  std::int64_t adapt_max_nodes = 0;  ///< refinement beyond this many nodes throws RuntimeError (0: none)
  /// Adaptive restarts: the most nodes the grid had before the restart (largest_grid continues it).
  std::int64_t restart_largest_grid = 0;
};

namespace detail {
/// The obstacle bound -obstacle(x) of a problem (minus infinity without obstacles).
template <class P>
double problem_obstacle_bound(const P& problem, const State<P::dim>& x) {
  if constexpr (has_obstacle<P>)
    return -problem.obstacle(x);
  else
    return -std::numeric_limits<double>::infinity();
}
}  // namespace detail

/// Every rank's block of per-node controls onto every rank (component by component, as doubles).
template <class Control>
void gather_controls(std::vector<Control>& control, const SparseNodeBlocks& blocks, std::int64_t n) {
  constexpr int MA = static_cast<int>(std::tuple_size_v<Control>);
  if (blocks.size() <= 1) return;
  std::vector<double> component(static_cast<std::size_t>(n));
  for (int j = 0; j < MA; ++j) {
    for (std::int64_t p = blocks.first(); p < blocks.last(); ++p) component[p] = control[p][j];
    blocks.assemble(component);
    for (std::int64_t p = 0; p < n; ++p) control[p][j] = component[p];
  }
}

/// The costate at x by central differences of `value` (an interpolant) over x +- reach e_k,
/// one-sided at a non-periodic boundary of the grid's box; `wrap` maps points on periodic axes
/// back into the box.
template <int D, class Value, class Domain, class Grid, class Wrap>
State<D> sparse_costate(const Value& value, const State<D>& x, double reach, const Domain& domain,
                        const Grid& grid, const Wrap& wrap) {
  State<D> costate{};
  for (int k = 0; k < D; ++k) {
    State<D> xp = x, xm = x;
    xp[k] += reach;
    xm[k] -= reach;
    if (!domain[k].periodic) {
      xp[k] = std::min(xp[k], grid.hi()[k]);
      xm[k] = std::max(xm[k], grid.lo()[k]);
    }
    const double width = xp[k] - xm[k];
    wrap(xp);
    wrap(xm);
    costate[k] = (value(xp.data()) - value(xm.data())) / width;
  }
  return costate;
}

/// Wraps the coordinates of y on the periodic axes of `domain` into the grid's box.
template <int D, class Domain, class Grid>
void wrap_periodic(const Domain& domain, const Grid& grid, State<D>& y) {
  for (int k = 0; k < D; ++k)
    if (domain[k].periodic) {
      const double lo = grid.lo()[k], period = grid.hi()[k] - lo;
      y[k] = lo + (y[k] - lo) - period * std::floor((y[k] - lo) / period);
    }
}

/// The deepest level a grid may reach along axis k during the run (its finest spacing).
template <class Grid>
int finest_level(const Grid& grid, int k, const SparseTimeOptions& o) {
  if constexpr (std::is_same_v<std::remove_const_t<Grid>, sparse::AdaptiveSparseGrid>)
    return o.adapt_threshold > 0 ? std::max(o.adapt_max_level, grid.max_level(k)) : grid.max_level(k);
  else
    return grid.max_level(k);
}

/// The step: dt = horizon / steps with steps = ceil(horizon / (cfl h_min / v_max)), v_max the
/// largest |f_k| / h_k h_min over the nodes (bounded by partial_max_magnitudes at t = 0).
template <ControlProblem P, class Grid>
long sparse_time_steps(const P& problem, const Grid& grid, const SparseTimeOptions& o) {
  constexpr int D = P::dim;
  double rate = 0.0;  // max_x max_k alpha_k / h_k
  State<D> x;
  for (std::int64_t p = 0; p < grid.size(); ++p) {
    grid.coordinates(p, x.data());
    const auto alpha = partial_max_magnitudes(problem, problem.affine(x, 0.0));
    for (int k = 0; k < D; ++k)
      rate = std::max(rate, alpha[k] / std::ldexp(grid.hi()[k] - grid.lo()[k], -finest_level(grid, k, o)));
  }
  if (!(rate > 0)) return 1;
  const double steps = std::ceil(o.horizon * rate / o.cfl - 1e-9);
  return steps > static_cast<double>(o.max_steps) ? o.max_steps + 1 : std::max(1L, static_cast<long>(steps));
}

/// Called on every rank after each step (and, on adaptive grids, after the grid followed it) with
/// (steps so far, tau, nodal values, the most nodes the grid has had); true stops the run.
using SparseStepHook = std::function<bool(long, double, const std::vector<double>&, std::int64_t)>;

template <int MA>
struct SparseTimeResult {
  std::vector<double> values;      ///< nodal values at tau = horizon (or where stopped)
  std::vector<Point<MA>> control;  ///< the optimal control per node at the last step
  long steps = 0, total_steps = 0;
  double time_step = 0.0, tau = 0.0;
  std::int64_t largest_grid = 0;  ///< adaptive runs: the most nodes the grid had
  bool stopped = false;
};

namespace detail {
/// The interpolant of nodal values on an adaptive grid (hierarchised on every update).
class AdaptiveInterpolant {
 public:
  explicit AdaptiveInterpolant(const sparse::AdaptiveSparseGrid& grid) : m_grid(&grid) {}
  void set_values(const std::vector<double>& nodal) {
    m_surplus = nodal;
    m_grid->hierarchize(m_surplus);
  }
  const std::vector<double>& surplus() const { return m_surplus; }
  double operator()(const double* x) const { return m_grid->evaluate(m_surplus, x); }

 private:
  const sparse::AdaptiveSparseGrid* m_grid;
  std::vector<double> m_surplus;
};
}  // namespace detail

/// Collective over comm; the result is the same on every rank. `start` (nodal values, e.g. from a
/// checkpoint; empty: the initial value) continues after `first_step` steps. Grid: a SparseGrid
/// (fixed) or an AdaptiveSparseGrid (adapted in place when o.adapt_threshold > 0).
template <ControlProblem P, class Grid>
SparseTimeResult<P::control_dim> sparse_time_dependent(
    const P& problem, Grid& grid, const SparseTimeOptions& o, MPI_Comm comm = MPI_COMM_SELF,
    const std::vector<double>& start = {}, long first_step = 0, const SparseStepHook& after_step = {}) {
  constexpr int D = P::dim, MA = P::control_dim, MB = P::disturbance_dim;
  constexpr bool adaptive = std::is_same_v<Grid, sparse::AdaptiveSparseGrid>;
  using Interpolant = std::conditional_t<adaptive, detail::AdaptiveInterpolant, sparse::GridInterpolant>;
  const auto domain = problem.domain();
  std::vector<bool> periodic(D);
  for (int k = 0; k < D; ++k) periodic[k] = domain[k].periodic;
  const bool maximize = problem.control_mode == Optimize::maximize;
  SparseTimeResult<MA> r;
  r.largest_grid = o.restart_largest_grid;
  r.total_steps = sparse_time_steps(problem, grid, o);
  const double dt = o.horizon / static_cast<double>(r.total_steps);
  r.time_step = dt;
  auto wrap = [&](State<D>& y) { wrap_periodic<D>(domain, grid, y); };
  // The costate's central differences reach as far as a step's foot points (at least one finest cell).
  double finest = std::numeric_limits<double>::infinity();
  for (int k = 0; k < D; ++k)
    finest = std::min(finest, std::ldexp(grid.hi()[k] - grid.lo()[k], -finest_level(grid, k, o)));
  const double reach = std::max(finest, o.cfl * finest);
  const auto control_set = problem.control_set();
  const auto disturbance_set = problem.disturbance_set();
  const Optimize control_mode = problem.control_mode, disturbance_mode = opposite(control_mode);
  const auto base_a = input_candidates(control_set, o.inputs_per_axis);
  const auto base_b = input_candidates(disturbance_set, o.inputs_per_axis);

  // Per-node state, rebuilt whenever the grid changes: coordinates, the periodic partner (boundary
  // nodes at the upper end of a periodic axis repeat the lower end's value), the obstacle bound.
  std::int64_t n = 0;
  std::vector<State<D>> nodes;
  std::vector<std::int64_t> partner;
  std::vector<double> obstacle, next;
  std::optional<SparseNodeBlocks> blocks;
  auto setup = [&] {
    n = grid.size();
    r.largest_grid = std::max(r.largest_grid, n);
    nodes.resize(static_cast<std::size_t>(n));
    obstacle.assign(static_cast<std::size_t>(n), -std::numeric_limits<double>::infinity());
    next.resize(static_cast<std::size_t>(n));
    r.control.resize(static_cast<std::size_t>(n));
    for (std::int64_t p = 0; p < n; ++p) {
      grid.coordinates(p, nodes[p].data());
      if constexpr (has_obstacle<P>) obstacle[p] = -problem.obstacle(nodes[p]);  // V >= -obstacle
    }
    partner = periodic_partners(grid, periodic);
    blocks.emplace(comm, n);
  };
  auto initial_value = [&](const State<D>& x) {
    return std::max(problem.target(x), detail::problem_obstacle_bound(problem, x));
  };
  setup();
  r.values.resize(static_cast<std::size_t>(n));
  for (std::int64_t p = 0; p < n; ++p) r.values[p] = initial_value(nodes[p]);
  Interpolant interpolant(grid);
  if constexpr (adaptive) {
    // Resolve the initial value first: refine with its exact values until nothing is added.
    if (o.adapt_threshold > 0 && start.empty())
      for (int round = 0; round < 64; ++round) {
        interpolant.set_values(r.values);
        if (grid.refine(interpolant.surplus(), r.values, o.adapt_threshold, o.adapt_max_level) == 0) break;
        check_adaptive_growth(grid.size(), o.adapt_max_nodes, "refinement of the initial value");
        setup();
        for (std::int64_t p = 0; p < n; ++p) r.values[p] = initial_value(nodes[p]);
      }
  }
  if (!start.empty()) r.values = start;
  interpolant.set_values(r.values);
  // V at a foot point; beyond a non-periodic boundary, extrapolated linearly from inside the box
  // through the boundary point c: V(y) = 2 V(c) - V(2c - y) (the tensor solver's "extrapolate").
  auto value_at = [&](const State<D>& y) {
    State<D> c = y, mirror = y;
    bool outside = false;
    for (int k = 0; k < D; ++k) {
      if (domain[k].periodic) continue;
      c[k] = std::clamp(y[k], grid.lo()[k], grid.hi()[k]);
      mirror[k] = std::clamp(2.0 * c[k] - y[k], grid.lo()[k], grid.hi()[k]);
      outside = outside || c[k] != y[k];
    }
    if (!outside) return interpolant(y.data());
    return 2.0 * interpolant(c.data()) - interpolant(mirror.data());
  };
  std::vector<Point<MA>> cand_a = base_a;
  std::vector<Point<MB>> cand_b = base_b;
  // Where the candidates hold every extremiser the costate could give (box vertices, finite sets),
  // it would only repeat one of them (never chosen: the first of equal values wins): skip it.
  const bool costate_adds_nothing = costate_adds_no_candidate(problem, base_a, base_b);
  for (r.steps = first_step; r.steps < r.total_steps;) {
    const double tau_new = static_cast<double>(r.steps + 1) * dt, t = -tau_new;
    std::int64_t bad = n;
    for (std::int64_t p = blocks->first(); p < blocks->last(); ++p) {
      if (partner[p] >= 0) continue;  // filled from its partner below
      const State<D>& x = nodes[p];
      if (!costate_adds_nothing) {
        const State<D> costate = sparse_costate<D>(interpolant, x, reach, domain, grid, wrap);
        const auto best = optimal_inputs(problem, x, costate, t);
        cand_a.resize(base_a.size());
        cand_a.push_back(best.control);
        cand_b.resize(base_b.size());
        if constexpr (MB > 0) cand_b.push_back(best.disturbance);
      }
      double outer =
          maximize ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      for (const auto& a : cand_a) {
        double inner =
            maximize ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
        for (const auto& b : cand_b) {
          const State<D> f1 = dynamics(problem, x, a, b, t);
          State<D> x1 = x;
          for (int k = 0; k < D; ++k) x1[k] += dt * f1[k];
          const State<D> f2 = dynamics(problem, x1, a, b, t + dt);
          State<D> y = x;
          for (int k = 0; k < D; ++k) y[k] += 0.5 * dt * (f1[k] + f2[k]);
          wrap(y);
          const double v = value_at(y) + dt * input_cost_rate(disturbance_set, b, disturbance_mode);
          inner = maximize ? std::min(inner, v) : std::max(inner, v);
        }
        inner += dt * input_cost_rate(control_set, a, control_mode);
        if (maximize ? inner > outer : inner < outer) {
          outer = inner;
          r.control[p] = a;
        }
      }
      if constexpr (has_running_cost<P>) outer += dt * problem.running_cost(x, t);
      if (o.mode == ReachMode::tube) outer = std::min(outer, r.values[p]);
      outer = std::max(outer, obstacle[p]);
      next[p] = outer;
      if (!std::isfinite(outer)) bad = std::min(bad, p);
    }
    ++r.steps;
    blocks->assemble(next);
    if ((bad = blocks->min(bad)) < n)
      throw_non_finite_node("sparse-grid semi-Lagrangian step", r.steps, nodes[bad]);
    for (std::int64_t p = 0; p < n; ++p)
      if (partner[p] >= 0) next[p] = next[partner[p]];
    r.values.swap(next);
    interpolant.set_values(r.values);
    r.tau = tau_new;
    if constexpr (adaptive) {
      if (o.adapt_threshold > 0 && r.steps < r.total_steps) {
        std::vector<double> surplus = interpolant.surplus();
        const bool changed = grid.adapt(surplus, r.values, o.adapt_threshold,
                                        o.adapt_coarsen * o.adapt_threshold, o.adapt_max_level);
        check_adaptive_growth(grid.size(), o.adapt_max_nodes, "step");
        if (changed) {
          setup();
          interpolant.set_values(r.values);
        }
      }
    }
    if (after_step && after_step(r.steps, r.tau, r.values, r.largest_grid)) {
      r.stopped = true;
      break;
    }
  }
  gather_controls(r.control, *blocks, n);
  for (std::int64_t p = 0; p < n; ++p)
    if (partner[p] >= 0) r.control[p] = r.control[partner[p]];
  return r;
}

}  // namespace hjb
