// The time-dependent second-order HJB solver on a distributed tensor grid, for the quadratic-cost
// diffusion family (core/problem_interface.hpp, SecondOrderProblem):
//
//   V_s + sigma^2/2 Lap V + b.grad V - sigma^2/2 |grad V|^2 + q = 0 on [0, T],  V(T, .) = g,
//
// marched backwards from s = T with explicit steps of the monotone upwind scheme
// (solver/schemes/second_order_upwind.hpp). In the table's time convention t = s - T <= 0, like every
// time-dependent table (snapshot 0 is t = 0, the terminal cost). The step is
// dt = cfl / max_x sum_i (sigma^2 / h_i^2 + (|b_i| + |u_i|) / h_i), the largest the chain allows
// (cfl <= 1), cut to land on the snapshot times; it is a global maximum and the update pointwise,
// so the result does not depend on the number of ranks (bit for bit). At the box's faces the move out
// is replaced by staying (reflection, as the Kushner–Dupuis chains do): monotone whatever the drift's
// direction. (Linear extrapolation is as accurate inside when the optimal drift points inwards, but
// not monotone when it points out — a target wider than the noise in some direction, e.g. sigma 0.7
// with a mode of standard deviation 0.9 — and blew up there.) The feedback stored with a snapshot is
// u* = -sigma^2 grad V by central differences (one-sided at the boundary): second order, smoother
// than the upwind choice the step uses.
#pragma once
#include <mpi.h>
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <vector>

#include "core/error.hpp"
#include "core/problem_interface.hpp"
#include "grids/distributed/halo_exchange.hpp"
#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/solve_summary.hpp"
#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/algorithms/time_marching.hpp"
#include "solver/schemes/second_order_upwind.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

template <SecondOrderProblem P>
class SecondOrderSolver {
 public:
  static constexpr int D = P::dim;

  /// Collective. Uses the options' cfl (<= 1 keeps the scheme monotone), snapshot schedule,
  /// max_steps and progress period.
  SecondOrderSolver(const P& problem, const TensorGrid<D>& grid, const TimeDependentOptions& options)
      : m_problem(problem),
        m_grid(grid),
        m_options(options),
        m_halo(grid, 1, HaloShape::faces),
        m_padded(m_halo.padded_count(), 0.0),
        m_rate(grid.owned_count(), 0.0) {
    HJB_CHECK(options.cfl > 0.0 && options.cfl <= 1.0, UsageError,
              "--scheme.cfl " << options.cfl
                              << ": the second-order scheme is monotone only for a CFL number in (0, 1]");
    for (int a = 0; a < D; ++a) m_inv_spacing[a] = 1.0 / grid.axis(a).spacing();
    m_s2 = problem.noise_scale() * problem.noise_scale();
  }

  /// v = g at the owned nodes.
  void set_initial(Vec v) const {
    PetscScalar* out;
    HJB_PETSC(VecGetArray(v, &out));
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l)
      out[l] = m_problem.terminal_cost(m_grid.coordinates(m_grid.owned_node(l)));
    HJB_PETSC(VecRestoreArray(v, &out));
  }

  /// Refuses (UsageError) a run that needs more than --time.max_steps steps, estimated from the
  /// diffusion and the drift of g at the start. Collective.
  void check_step_budget(Vec v) {
    const double rate = global_max(evaluate_rate(v));
    const double steps = m_options.snapshot_schedule().back() * rate / m_options.cfl;
    HJB_CHECK(steps <= static_cast<double>(m_options.max_steps), UsageError,
              "--time.max_steps: the run needs about "
                  << steps << " steps (rate " << rate << " at the terminal time / --scheme.cfl "
                  << m_options.cfl << "), more than the limit " << m_options.max_steps
                  << "; use a coarser grid or raise --time.max_steps");
  }

  /// Marches v from t = 0 to t = -horizon (solver/algorithms/time_marching.hpp). Collective.
  SolveSummary solve(Vec v, const SnapshotCallback& on_snapshot, const SolveProgress& from = {},
                     const StepHook& after_step = {}) {
    return march(
        "second_order", m_options, m_grid.comm(), static_cast<double>(m_grid.global_count()), 1, v,
        on_snapshot, from, after_step, [&](double, double max_dt) { return step(v, max_dt); },
        [](long, double) {});
  }

  /// The feedback u* = -sigma^2 grad V at the owned nodes by central differences (one-sided at a
  /// boundary): feedback[i][l] for component i. Collective (halo exchange).
  void feedback(Vec v, std::vector<std::vector<double>>& u) {
    m_halo.exchange(v, m_padded.data());
    u.assign(D, std::vector<double>(static_cast<std::size_t>(m_grid.owned_count())));
    for_each_owned([&](std::int64_t l, std::int64_t p, const std::array<double, D>&, const Index<D>& g) {
      for (int a = 0; a < D; ++a) {
        const std::int64_t s = m_halo.stride()[a];
        const bool lo = g[a] == 0, hi = g[a] == m_grid.axis(a).n - 1;
        const double vp = hi ? m_padded[p] : m_padded[p + s], vm = lo ? m_padded[p] : m_padded[p - s];
        const double width = (lo || hi) ? 1.0 : 2.0;
        u[a][l] = -m_s2 * (vp - vm) * m_inv_spacing[a] / width;
      }
    });
  }

  /// One explicit step of at most max_dt; returns the step taken. Collective. Throws
  /// NumericalError (the same on every rank) on a non-finite value.
  double step(Vec v, double max_dt) {
    const double rate = global_max(evaluate_rate(v));
    HJB_CHECK(std::isfinite(rate), NumericalError,
              "non-finite value or rate in the second-order step; no table is written");
    const double dt = rate > 0.0 ? std::min(m_options.cfl / rate, max_dt) : max_dt;
    PetscScalar* o;
    HJB_PETSC(VecGetArray(v, &o));
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l) o[l] += dt * m_rate[l];
    HJB_PETSC(VecRestoreArray(v, &o));
    return dt;
  }

 private:
  /// Calls f(owned index, padded offset, coordinates, global index) for every owned node.
  template <class F>
  void for_each_owned(F&& f) const {
    for_each_owned_node(
        m_grid, m_halo,
        [&](std::int64_t l, const std::array<double, D>& x, const Index<D>& i, std::int64_t p) {
          Index<D> g;
          for (int a = 0; a < D; ++a) g[a] = m_grid.owned_start()[a] + i[a];
          f(l, p, x, g);
        });
  }

  /// m_rate = -V_s at the owned nodes; returns this rank's largest CFL rate (NaN if any value is
  /// not finite). Collective (halo exchange).
  double evaluate_rate(Vec v) {
    m_halo.exchange(v, m_padded.data());
    // Reflection at the box's faces: the move out is replaced by staying (the ghost beyond is the
    // node itself), which keeps every chain weight non-negative whatever the drift.
    m_halo.fill_boundary(m_padded.data(), BoundaryCondition::reflect);
    double max_rate = 0.0;
    bool finite = true;
    for_each_owned([&](std::int64_t l, std::int64_t p, const std::array<double, D>& x, const Index<D>&) {
      const auto b = m_problem.reference_drift(x);
      double rate = m_problem.state_cost(x), cfl = 0.0;
      for (int a = 0; a < D; ++a) {
        const std::int64_t s = m_halo.stride()[a];
        const auto r = kernels::second_order_axis(m_padded[p - s], m_padded[p], m_padded[p + s],
                                                  m_inv_spacing[a], m_s2, b[a]);
        rate += r.rate;
        cfl += r.cfl;
      }
      m_rate[l] = rate;
      finite = finite && std::isfinite(rate);
      max_rate = std::max(max_rate, cfl);
    });
    return finite ? max_rate : std::numeric_limits<double>::quiet_NaN();
  }

  double global_max(double local) const {
    // NaN-propagating: a rank with a non-finite value makes every rank see NaN.
    double pair[2] = {std::isnan(local) ? 1.0 : 0.0, std::isnan(local) ? 0.0 : local}, out[2];
    MPI_Allreduce(pair, out, 2, MPI_DOUBLE, MPI_MAX, m_grid.comm());
    return out[0] > 0.0 ? std::numeric_limits<double>::quiet_NaN() : out[1];
  }

  P m_problem;
  const TensorGrid<D>& m_grid;
  TimeDependentOptions m_options;
  HaloExchange<D> m_halo;
  std::vector<double> m_padded, m_rate;
  std::array<double, D> m_inv_spacing{};
  double m_s2 = 1.0;
};

}  // namespace hjb
