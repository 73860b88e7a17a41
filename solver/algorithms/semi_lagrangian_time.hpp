// Large-step semi-Lagrangian solver of the backward HJ(I) equation V_t + H(x, grad V, t) = 0,
// V(x, 0) = l(x), on a distributed tensor grid (Falcone & Ferretti 2013, ch. 8; the sparse-grid
// scheme of solver/algorithms/sparse_time_dependent.hpp on the tensor grid). In time-to-go tau:
//
//   V(x, tau + dt) = ext_a ext_b [ I[V(., tau)](y(x, a, b)) + dt c(a, b) ] + dt l(x, t),
//
// y the foot point of the characteristic over dt (Heun's method with the inputs frozen), I the
// interpolant of the grid values: tensor-product cubic Lagrange (4 nodes per axis) limited to the
// range of the 2^D corners of the foot's cell, or multilinear (monotone); the control optimises in
// its mode, the disturbance in the opposite one (max_a min_b when the control maximises). The
// candidates are the input sets' discretisation (inputs_per_axis values per box axis, the ball's
// +-e_k) plus, per node, the exact extremisers for the costate of central differences: for
// Hamiltonians affine in the inputs over a box (Air3D, Car4D) the vertices are exact.
//
// The step is not limited by a CFL condition: dt = cfl / max_x sum_i alpha_i / h_i (alpha_i the
// speed bounds at t = 0, as the method of lines' step with cfl <= 1), cut to divide each snapshot
// interval evenly. Its error is O(dt) from freezing the inputs over a step plus O(h^4 / dt) (cubic)
// or O(h^2 / dt) (linear) from interpolating once per step — so a few large steps with cubic
// interpolation match WENO5 + TVD-RK3 at the same grid (docs/benchmarks.md, Air3D).
//
// Foot points lie within `halo_width()` nodes of their node: the halo (edges and corners included)
// holds every value an interpolation reads, ghosts beyond a non-periodic boundary extrapolated as
// the method of lines does (--scheme.boundary). Everything else is pointwise, so the result is the
// same bit for bit on any number of ranks. For problems that declare `autonomous` the foot points
// of the fixed candidates are computed once per step size and reused.
#pragma once
#include <mpi.h>
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/control_problem.hpp"
#include "core/multiversion.hpp"
#include "core/problem_interface.hpp"
#include "grids/distributed/halo_exchange.hpp"
#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/solve_summary.hpp"
#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/algorithms/time_marching.hpp"
#include "solver/schemes/input_candidates.hpp"
#include "solver/schemes/reachability.hpp"
#include "solver/schemes/semi_lagrangian_interpolation.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

template <ControlProblem P>
class SemiLagrangianTimeSolver {
 public:
  static constexpr int D = P::dim, MA = P::control_dim, MB = P::disturbance_dim;

  /// Collective (the step and the halo width are global maxima).
  SemiLagrangianTimeSolver(const P& problem, const TensorGrid<D>& grid, const TimeDependentOptions& options)
      : m_problem(problem),
        m_grid(grid),
        m_options(options),
        m_schedule(options.snapshot_schedule()),
        m_speeds(speed_bounds(problem, grid)),
        m_dt(nominal_step(options, m_speeds)),
        m_halo(grid, halo_width(options, m_speeds, m_dt), HaloShape::full),
        m_padded(m_halo.padded_count(), 0.0),
        m_cand_a(input_candidates(problem.control_set(), options.inputs_per_axis)),
        m_cand_b(input_candidates(problem.disturbance_set(), options.inputs_per_axis)),
        m_costate_adds_nothing(costate_adds_no_candidate(problem, m_cand_a, m_cand_b)) {
    options.validate();
    // A foot's offset from its node (SlFoot::offset, 32 bits) stays inside the padded block, so
    // it fits when the block does; the largest block decides, on every rank alike.
    const std::int64_t local_count = m_halo.padded_count();
    std::int64_t count = 0;
    MPI_Allreduce(&local_count, &count, 1, MPI_INT64_T, MPI_MAX, grid.comm());
    HJB_CHECK(count <= std::numeric_limits<std::int32_t>::max(), UsageError,
              "--scheme.method semi_lagrangian: a rank's block with its halo holds "
                  << count << " nodes, more than the 2^31 its 32-bit foot offsets reach; run on more ranks");
  }

  /// The ghost layers' width: the largest foot displacement in nodes (with a margin of 25 %) plus
  /// the interpolation stencil's reach.
  int halo_width() const { return m_halo.width(); }

  /// halo_width() and the bytes per owned node of the cached foot points (every fixed candidate
  /// pair) before a solver exists (a dry run and the memory budget construct none: the constructor
  /// allocates the padded block). The width is collective (one pass over the owned nodes for the
  /// speed bounds, nothing allocated per node).
  static int planned_halo_width(const P& problem, const TensorGrid<D>& grid,
                                const TimeDependentOptions& options) {
    const SpeedBounds speeds = speed_bounds(problem, grid);
    return halo_width(options, speeds, nominal_step(options, speeds));
  }
  static double planned_cache_bytes_per_node(const P& problem, const TimeDependentOptions& options) {
    return static_cast<double>(input_candidates(problem.control_set(), options.inputs_per_axis).size() *
                               input_candidates(problem.disturbance_set(), options.inputs_per_axis).size() *
                               sizeof(SlFoot<D>));
  }

  /// Refuses (UsageError) a run needing more than --time.max_steps steps. Collective (no-op).
  void check_step_budget() const {
    const double steps = std::ceil(m_schedule.back() / m_dt);
    HJB_CHECK(steps <= static_cast<double>(m_options.max_steps), UsageError,
              "--time.max_steps: the run needs about " << steps << " semi-Lagrangian steps of " << m_dt
                                                       << ", more than the limit " << m_options.max_steps
                                                       << "; raise --scheme.cfl or --time.max_steps");
  }

  /// v = max(l, -obstacle) at the owned nodes.
  void set_initial(Vec v) const {
    PetscScalar* out;
    HJB_PETSC(VecGetArray(v, &out));
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l) {
      const auto x = m_grid.coordinates(m_grid.owned_node(l));
      out[l] = std::max(m_problem.target(x), obstacle_bound(x));
    }
    HJB_PETSC(VecRestoreArray(v, &out));
  }

  /// Marches v from t = 0 to t = -horizon (solver/algorithms/time_marching.hpp). Collective.
  SolveSummary solve(Vec v, const SnapshotCallback& on_snapshot, const SolveProgress& from = {},
                     const StepHook& after_step = {}) {
    const ScopedLogStage stage(time_marching_stage());
    return march(
        "semi_lagrangian", m_options, m_grid.comm(), static_cast<double>(m_grid.global_count()), 1, v,
        on_snapshot, from, after_step, [&](double tau, double max_dt) { return step(v, tau, max_dt); },
        [](long, double) {});
  }

  /// One step from tau: each snapshot interval is divided into equal steps of at most the nominal
  /// one (a function of the schedule alone, the same after a restart); max_dt is the rest of the
  /// interval. Returns the step taken. Collective. Throws NumericalError (the same on
  /// every rank) on a non-finite value or a foot point beyond the halo.
  double step(Vec v, double tau, double max_dt) {
    const double nominal = interval_step(tau + max_dt);
    const double dt = max_dt <= nominal * (1.0 + 1e-9) ? max_dt : nominal, t = -(tau + dt);
    m_halo.exchange(v, m_padded.data());
    m_halo.fill_boundary(m_padded.data(), m_options.boundary);
    bool feet_ok = true;
    // The feet of autonomous problems are those of the interval's step (the last step of an
    // interval differs from it by rounding only), so a resumed run reuses exactly the same ones.
    if (!autonomous)
      feet_ok = build_feet(dt, t);
    else if (nominal != m_cached_dt)
      feet_ok = build_feet(nominal, t);
    PetscScalar* out;
    HJB_PETSC(VecGetArray(v, &out));
    std::int64_t bad = std::numeric_limits<std::int64_t>::max();
    const auto result = m_options.interpolation == SlInterpolation::cubic
                            ? update<true>(out, dt, t, feet_ok)
                            : update<false>(out, dt, t, feet_ok);
    HJB_PETSC(VecRestoreArray(v, &out));
    if (result >= 0) bad = m_grid.natural_index(m_grid.owned_node(result));
    const int halo_failed = feet_ok ? 0 : 1;
    int any_halo_failed = 0;
    MPI_Allreduce(&halo_failed, &any_halo_failed, 1, MPI_INT, MPI_MAX, m_grid.comm());
    HJB_CHECK(
        !any_halo_failed, NumericalError,
        "semi-Lagrangian step at t = " << t << ": a foot point lies beyond the " << halo_width()
                                       << "-node halo (the speeds grew since t = 0); lower --scheme.cfl");
    std::int64_t first = bad;
    MPI_Allreduce(&bad, &first, 1, MPI_INT64_T, MPI_MIN, m_grid.comm());
    HJB_CHECK(first == std::numeric_limits<std::int64_t>::max(), NumericalError,
              "non-finite value in the semi-Lagrangian step at t = "
                  << t << " (node " << first << " in natural order); no table is written");
    return dt;
  }

 private:
  static constexpr bool autonomous = declared_features<P>().autonomous;

  /// The equal step of the snapshot interval ending at tau_end (the schedule time nearest to it).
  double interval_step(double tau_end) const {
    const std::vector<double>& schedule = m_schedule;
    std::size_t k = 0;
    while (k + 1 < schedule.size() && std::abs(schedule[k] - tau_end) > std::abs(schedule[k + 1] - tau_end))
      ++k;
    const double start = k == 0 ? 0.0 : schedule[k - 1], length = schedule[k] - start;
    return length / std::max(1.0, std::ceil(length / m_dt - 1e-9));
  }

  /// Over the grid at t = 0 (alpha_i the speed bounds): rate = max_x sum_i alpha_i / h_i, which
  /// gives dt = cfl / rate (the horizon if nothing moves), and cells = max_x max_i alpha_i / h_i, the
  /// fastest motion in nodes per unit time. One pass, one reduction. Collective.
  struct SpeedBounds {
    double rate = 0.0, cells = 0.0;
  };
  static SpeedBounds speed_bounds(const P& problem, const TensorGrid<D>& grid) {
    double local[2] = {0.0, 0.0};
    for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
      const auto x = grid.coordinates(grid.owned_node(l));
      const auto alpha = partial_max_magnitudes(problem, problem.affine(x, 0.0));
      double rate = 0.0;
      for (int a = 0; a < D; ++a) {
        rate += alpha[a] / grid.axis(a).spacing();
        local[1] = std::max(local[1], alpha[a] / grid.axis(a).spacing());
      }
      if (!(rate <= local[0])) local[0] = rate;  // keeps NaN and infinity
    }
    double global[2];
    MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_MAX, grid.comm());
    HJB_CHECK(std::isfinite(global[0]), NumericalError, "non-finite speed bound at t = 0; check the problem");
    return {global[0], global[1]};
  }

  /// The nominal step cfl / rate, at most the horizon (the horizon if nothing moves).
  static double nominal_step(const TimeDependentOptions& o, const SpeedBounds& speeds) {
    const double horizon = o.snapshot_schedule().back();
    return speeds.rate > 0.0 ? std::min(o.cfl / speeds.rate, horizon) : horizon;
  }

  /// ceil(1.25 x the farthest foot in nodes) + the stencil's reach (2 cubic, 1 linear), at least 2.
  static int halo_width(const TimeDependentOptions& o, const SpeedBounds& speeds, double dt) {
    const int reach = o.interpolation == SlInterpolation::cubic ? 2 : 1;
    return std::max(2, static_cast<int>(std::ceil(1.25 * speeds.cells * dt)) + reach);
  }

  double obstacle_bound(const State<D>& x) const {
    if constexpr (has_obstacle<P>)
      return -m_problem.obstacle(x);
    else
      return -std::numeric_limits<double>::infinity();
  }

  /// The foot of node x (owned multi-index i) under (a, b) over dt from t; false if it or its
  /// stencil leaves the padded block.
  bool foot_of(const State<D>& x, const Index<D>& i, const Point<MA>& a, const Point<MB>& b, double t,
               double dt, SlFoot<D>& foot) const {
    const State<D> f1 = dynamics(m_problem, x, a, b, t);
    State<D> x1 = x;
    for (int k = 0; k < D; ++k) x1[k] += dt * f1[k];
    const State<D> f2 = dynamics(m_problem, x1, a, b, t + dt);
    const int lo = m_options.interpolation == SlInterpolation::cubic ? 1 : 0, hi = lo + 1;
    std::int64_t offset = 0;
    for (int k = 0; k < D; ++k) {
      // The displacement in nodes, split into whole nodes and a fraction that do not depend on
      // where the node sits in this rank's block (so every rank count rounds alike).
      const double moved = 0.5 * dt * (f1[k] + f2[k]) / m_grid.axis(k).spacing();
      const double whole = std::floor(moved);
      const double cell = static_cast<double>(i[k] + m_halo.width()) + whole;
      if (!(cell - lo >= 0.0 && cell + hi < static_cast<double>(m_halo.padded_extent()[k]))) return false;
      foot.set_fraction(k, moved - whole);
      offset += static_cast<std::int64_t>(whole) * m_halo.stride()[k];
    }
    foot.offset =
        static_cast<std::int32_t>(offset);  // inside the padded block: fits (the constructor checks)
    return true;
  }

  /// The feet of every owned node under every fixed candidate pair (a-major). Pointwise.
  bool build_feet(double dt, double t) {
    const std::size_t pairs = m_cand_a.size() * m_cand_b.size();
    m_feet.resize(static_cast<std::size_t>(m_grid.owned_count()) * pairs);
    bool ok = true;
    for_each_owned([&](std::int64_t l, const State<D>& x, const Index<D>& i, std::int64_t) {
      SlFoot<D>* feet = m_feet.data() + static_cast<std::size_t>(l) * pairs;
      for (std::size_t ia = 0; ia < m_cand_a.size(); ++ia)
        for (std::size_t ib = 0; ib < m_cand_b.size(); ++ib)
          ok = foot_of(x, i, m_cand_a[ia], m_cand_b[ib], t, dt, feet[ia * m_cand_b.size() + ib]) && ok;
    });
    m_cached_dt = dt;
    return ok;
  }

  template <class F>
  void for_each_owned(F&& f) const {
    for_each_owned_node(m_grid, m_halo, f);
  }

  /// The new values into out; returns the first owned node with a non-finite value (or -1).
  /// feet_ok turns false if an extra candidate's foot leaves the halo.
  template <bool Cubic>
  HJB_HOT std::int64_t update(double* out, double dt, double t, bool& feet_ok) {
    const bool maximize = m_problem.control_mode == Optimize::maximize;
    const Optimize control_mode = m_problem.control_mode, disturbance_mode = opposite(control_mode);
    const auto control_set = m_problem.control_set();
    const auto disturbance_set = m_problem.disturbance_set();
    const double inf = std::numeric_limits<double>::infinity();
    const std::size_t na = m_cand_a.size(), nb = m_cand_b.size();
    std::int64_t bad = -1;
    for_each_owned([&](std::int64_t l, const State<D>& x, const Index<D>& i, std::int64_t p) {
      // The costate's extremisers, unless the candidates hold every one they could be (box vertices).
      OptimalInputs<P> best{};
      bool extra_a = false, extra_b = false;
      if (!m_costate_adds_nothing) {
        State<D> costate;
        for (int a = 0; a < D; ++a) {
          const std::int64_t s = m_halo.stride()[a];
          costate[a] = 0.5 * (m_padded[p + s] - m_padded[p - s]) / m_grid.axis(a).spacing();
        }
        best = optimal_inputs(m_problem, x, costate, t);
        extra_a = std::find(m_cand_a.begin(), m_cand_a.end(), best.control) == m_cand_a.end();
        extra_b = MB > 0 && std::find(m_cand_b.begin(), m_cand_b.end(), best.disturbance) == m_cand_b.end();
      }
      const SlFoot<D>* cached = m_feet.data() + static_cast<std::size_t>(l) * na * nb;
      const std::size_t ka = na + (extra_a ? 1 : 0), kb = nb + (extra_b ? 1 : 0);
      // ext_a ext_b, the control outside, the disturbance inside, as the values come.
      double outer = maximize ? -inf : inf;
      for (std::size_t ia = 0; ia < ka; ++ia) {
        const Point<MA>& a = ia < na ? m_cand_a[ia] : best.control;
        const double cost_a = dt * input_cost_rate(control_set, a, control_mode);
        double inner = maximize ? inf : -inf;
        for (std::size_t ib = 0; ib < kb; ++ib) {
          const Point<MB>& b = ib < nb ? m_cand_b[ib] : best.disturbance;
          SlFoot<D> foot;
          double value;
          if (ia < na && ib < nb) {
            foot = cached[ia * nb + ib];
          } else if (!foot_of(x, i, a, b, t, dt, foot)) {
            feet_ok = false;
            continue;  // never chosen by the disturbance
          }
          value = sl_interpolate<D, Cubic>(m_padded.data() + p, m_halo.stride(), foot) + cost_a +
                  dt * input_cost_rate(disturbance_set, b, disturbance_mode);
          inner = maximize ? std::min(inner, value) : std::max(inner, value);
        }
        outer = maximize ? std::max(outer, inner) : std::min(outer, inner);
      }
      if constexpr (has_running_cost<P>) outer += dt * m_problem.running_cost(x, t);
      if (m_options.mode == ReachMode::tube) outer = std::min(outer, m_padded[p]);
      outer = std::max(outer, obstacle_bound(x));
      out[l] = outer;
      if (!std::isfinite(outer) && bad < 0) bad = l;
    });
    return bad;
  }

  P m_problem;
  const TensorGrid<D>& m_grid;
  TimeDependentOptions m_options;
  std::vector<double> m_schedule;  ///< the snapshot times (tau), the last the horizon
  SpeedBounds m_speeds;
  double m_dt;
  HaloExchange<D> m_halo;
  std::vector<double> m_padded;
  std::vector<Point<MA>> m_cand_a;
  std::vector<Point<MB>> m_cand_b;
  bool m_costate_adds_nothing;  ///< the candidates hold every extremiser (box vertices, finite sets)
  std::vector<SlFoot<D>> m_feet;
  double m_cached_dt = -1.0;
};

}  // namespace hjb
