// Method-of-lines solver of the backward HJ(I) equation V_t + H(x, grad V, t) = 0, V(x, 0) = l(x),
// on a distributed tensor grid: upwind derivatives, Lax–Friedrichs numerical Hamiltonian,
// TVD Runge–Kutta in tau = -t, CFL-adaptive steps, BRS or BRT, obstacles, NaN guard.
#pragma once
#include <mpi.h>
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <vector>

#include "grids/halo_exchange.hpp"
#include "grids/tensor_grid.hpp"
#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/core/control_problem.hpp"
#include "solver/schemes/upwind_derivatives.hpp"

namespace hjb {

/// Scheme (Osher & Shu 1991; Mitchell's ToolboxLS; as in hj_reachability): in tau = -t the
/// equation is V_tau = H(x, grad V, -tau). With one-sided derivatives p-, p+ per axis,
///   V_tau ~ H(x, (p- + p+)/2) + sum_i alpha_i (p+_i - p-_i) / 2,
/// alpha_i >= |dH/dp_i| (per node for `local`, the grid maximum for `global`). A BRT replaces
/// the right-hand side r by min(r, 0) so the zero sublevel set can only grow. The step is
/// dt = cfl / max_x sum_i alpha_i / h_i, clipped to land on the snapshot times.
template <ControlProblem P>
class TimeDependentSolver {
 public:
  static constexpr int D = P::dim;
  using SnapshotCallback = std::function<void(int index, double time, Vec values)>;

  TimeDependentSolver(const P& problem, const TensorGrid<D>& grid, const TimeDependentOptions& options)
      : m_problem(problem),
        m_grid(grid),
        m_options(options),
        m_halo(grid, stencil_half_width(options.derivative), HaloShape::faces),
        m_padded(m_halo.padded_count(), 0.0),
        m_rate(grid.owned_count(), 0.0) {
    options.validate();
    const auto row = grid.owned_extent()[D - 1];
    m_left.assign(static_cast<std::size_t>(D * row), 0.0);
    m_right.assign(static_cast<std::size_t>(D * row), 0.0);
    for (int a = 0; a < D; ++a) m_inv_spacing[a] = 1.0 / grid.axis(a).spacing();
  }

  /// Sets v to the initial (terminal-time) value l(x), or max(l, -obstacle) with an obstacle.
  void set_initial(Vec v) {
    PetscScalar* out;
    HJB_PETSC(VecGetArray(v, &out));
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l)
      out[l] = m_problem.target(m_grid.coordinates(m_grid.owned_node(l)));
    HJB_PETSC(VecRestoreArray(v, &out));
    apply_obstacle(v);
  }

  /// Called after every step with the progress and the values; returning true stops the solve
  /// (the caller has written a checkpoint). Its decision must be the same on every rank.
  using StepHook = std::function<bool(const SolveProgress&, Vec values)>;

  /// Marches v from t = 0 to t = -horizon. Calls on_snapshot(k, t_k, v) at t = 0 (k = 0) and at
  /// each time of options.snapshot_schedule(). A resumed run passes the checkpoint's progress in
  /// `from` with v holding the checkpointed values. Collective. Throws NumericalError (same on
  /// every rank) on NaN/Inf.
  TimeDependentSummary solve(Vec v, const SnapshotCallback& on_snapshot, const SolveProgress& from = {},
                             const StepHook& after_step = {}) {
    TimeDependentSummary summary;
    const double start = MPI_Wtime();
    Vec stage1, stage2;
    HJB_PETSC(VecDuplicate(v, &stage1));
    HJB_PETSC(VecDuplicate(v, &stage2));
    ProgressReporter progress(m_grid.comm(), m_options.progress_seconds, m_options.snapshot_schedule().back());
    double tau = from.tau;
    summary.steps = from.steps;
    summary.progress = from;
    if (from.next_snapshot <= 1 && from.steps == 0) on_snapshot(0, 0.0, v);
    try {
      const auto schedule = m_options.snapshot_schedule();
      for (int k = std::max(1, from.next_snapshot); k <= static_cast<int>(schedule.size()); ++k) {
        const double tau_next = schedule[k - 1];
        while (tau < tau_next) {
          const double dt = step(v, stage1, stage2, tau, tau_next - tau);
          tau = (tau_next - tau <= dt) ? tau_next : tau + dt;
          ++summary.steps;
          summary.node_stage_updates += static_cast<double>(m_grid.global_count()) * stages();
          guard_finite(v, summary.steps, -tau);
          summary.step_times.push_back(-tau);
          summary.step_sizes.push_back(dt);
          summary.step_wall.push_back(MPI_Wtime() - start);
          progress.report(summary.steps, tau, dt);
          summary.progress = {tau, summary.steps, k};
          if (after_step && after_step(summary.progress, v)) {
            summary.interrupted = true;
            break;
          }
        }
        if (summary.interrupted) break;
        on_snapshot(k, -tau, v);
        summary.progress.next_snapshot = k + 1;
      }
    } catch (...) {
      VecDestroy(&stage1);
      VecDestroy(&stage2);
      throw;
    }
    HJB_PETSC(VecDestroy(&stage1));
    HJB_PETSC(VecDestroy(&stage2));
    summary.final_time = -tau;
    summary.wall_seconds = MPI_Wtime() - start;
    return summary;
  }

  int stages() const { return static_cast<int>(m_options.integrator) + 1; }

  /// One TVD-RK step of at most max_dt from tau; returns the step taken. Collective.
  double step(Vec v, Vec stage1, Vec stage2, double tau, double max_dt) {
    if (m_options.dissipation == Dissipation::global) update_global_alpha(-tau);
    const double max_rate = global_max(evaluate_rate(v, tau));
    const double dt = max_rate > 0.0 ? std::min(m_options.cfl / max_rate, max_dt) : max_dt;
    switch (m_options.integrator) {
      case TimeIntegrator::rk1:
        euler_combine(v, v, 1.0, 0.0, dt);
        break;
      case TimeIntegrator::rk2:
        euler_combine(stage1, v, 1.0, 0.0, dt, v);  // stage1 = v + dt L(v)
        evaluate_rate(stage1, tau + dt);
        euler_combine(v, stage1, 0.5, 0.5, dt, v);  // v = v/2 + (stage1 + dt L(stage1))/2
        break;
      case TimeIntegrator::rk3:
        euler_combine(stage1, v, 1.0, 0.0, dt, v);
        evaluate_rate(stage1, tau + dt);
        euler_combine(stage2, stage1, 0.25, 0.75, dt, v);  // 3/4 v + 1/4 (stage1 + dt L)
        evaluate_rate(stage2, tau + 0.5 * dt);
        euler_combine(v, stage2, 2.0 / 3.0, 1.0 / 3.0, dt, v);  // 1/3 v + 2/3 (stage2 + dt L)
        break;
    }
    apply_obstacle(v);
    return dt;
  }

 private:
  /// out = keep * base + weight * (from + dt * rate), with rate the last evaluated L. `base`
  /// defaults to `out`'s own old values (in-place Euler).
  void euler_combine(Vec out, Vec from, double weight, double keep, double dt, Vec base = nullptr) {
    const PetscScalar* f;
    const PetscScalar* b = nullptr;
    PetscScalar* o;
    const bool aliased_from = (out == from), aliased_base = (base == nullptr || base == out);
    HJB_PETSC(VecGetArray(out, &o));
    if (!aliased_from)
      HJB_PETSC(VecGetArrayRead(from, &f));
    else
      f = o;
    if (!aliased_base)
      HJB_PETSC(VecGetArrayRead(base, &b));
    else
      b = o;
    const std::int64_t n = m_grid.owned_count();
    const double* r = m_rate.data();
    for (std::int64_t l = 0; l < n; ++l) o[l] = keep * b[l] + weight * (f[l] + dt * r[l]);
    if (!aliased_base) HJB_PETSC(VecRestoreArrayRead(base, &b));
    if (!aliased_from) HJB_PETSC(VecRestoreArrayRead(from, &f));
    HJB_PETSC(VecRestoreArray(out, &o));
  }

  double global_max(double local) const {
    double g;
    MPI_Allreduce(&local, &g, 1, MPI_DOUBLE, MPI_MAX, m_grid.comm());
    return g;
  }

  /// m_global_alpha = max over the grid of the per-node bound. Collective.
  void update_global_alpha(double t) {
    State<D> local{};
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l) {
      const auto x = m_grid.coordinates(m_grid.owned_node(l));
      const auto alpha = partial_max_magnitudes(m_problem, m_problem.affine(x, t));
      for (int a = 0; a < D; ++a) local[a] = std::max(local[a], alpha[a]);
    }
    MPI_Allreduce(local.data(), m_global_alpha.data(), D, MPI_DOUBLE, MPI_MAX, m_grid.comm());
  }

  /// m_rate = L(v) at tau; returns this rank's max_x sum_i alpha_i / h_i. Collective (halo exchange).
  double evaluate_rate(Vec v, double tau) {
    m_halo.exchange(v, m_padded.data());
    m_halo.fill_boundary(m_padded.data(), m_options.boundary);
    switch (m_options.derivative) {
      case DerivativeScheme::upwind1:
        return evaluate_rate_with<DerivativeScheme::upwind1>(-tau);
      case DerivativeScheme::eno2:
        return evaluate_rate_with<DerivativeScheme::eno2>(-tau);
      case DerivativeScheme::weno3:
        return evaluate_rate_with<DerivativeScheme::weno3>(-tau);
      case DerivativeScheme::weno5:
        return evaluate_rate_with<DerivativeScheme::weno5>(-tau);
    }
    return 0.0;
  }

  template <DerivativeScheme S>
  double evaluate_rate_with(double t) {
    const auto& extent = m_grid.owned_extent();
    const std::int64_t row = extent[D - 1];
    const std::int64_t rows = m_grid.owned_count() / row;
    const auto& stride = m_halo.stride();
    const int w = m_halo.width();
    const bool local_alpha = m_options.dissipation == Dissipation::local;
    const bool tube = m_options.mode == ReachMode::tube;
    const Axis& last_axis = m_grid.axis(D - 1);
    double max_rate = 0.0;
    for (std::int64_t r = 0; r < rows; ++r) {
      // Outer indices of this row and its first node's offset in the padded array.
      State<D> x{};
      std::int64_t rest = r, base = w * stride[D - 1];
      for (int a = D - 2; a >= 0; --a) {
        const std::int64_t i = rest % extent[a];
        rest /= extent[a];
        base += (i + w) * stride[a];
        x[a] = m_grid.axis(a).coordinate(m_grid.owned_start()[a] + i);
      }
      for (int a = 0; a < D; ++a)
        kernels::one_sided_derivatives<S>(m_padded.data() + base, stride[a], row, m_inv_spacing[a],
                                          m_left.data() + a * row, m_right.data() + a * row);
      double* out = m_rate.data() + r * row;
      for (std::int64_t j = 0; j < row; ++j) {
        x[D - 1] = last_axis.coordinate(m_grid.owned_start()[D - 1] + j);
        const auto f = m_problem.affine(x, t);
        const State<D> alpha = local_alpha ? partial_max_magnitudes(m_problem, f) : m_global_alpha;
        State<D> p;
        double dissipation = 0.0, rate = 0.0;
        for (int a = 0; a < D; ++a) {
          const double pl = m_left[a * row + j], pr = m_right[a * row + j];
          p[a] = 0.5 * (pl + pr);
          dissipation += alpha[a] * 0.5 * (pr - pl);
          rate += alpha[a] * m_inv_spacing[a];
        }
        const double value = hamiltonian(m_problem, f, x, p, t) + dissipation;
        out[j] = tube ? std::min(value, 0.0) : value;
        max_rate = std::max(max_rate, rate);
      }
    }
    return max_rate;
  }

  /// V = max(V, -obstacle(x)): states in the obstacle {obstacle <= 0} never count as reaching the
  /// target (Mitchell's ToolboxLS convention for reach-avoid with static obstacles).
  void apply_obstacle(Vec v) {
    if constexpr (has_obstacle<P>) {
      PetscScalar* o;
      HJB_PETSC(VecGetArray(v, &o));
      for (std::int64_t l = 0; l < m_grid.owned_count(); ++l)
        o[l] = std::max(o[l], -m_problem.obstacle(m_grid.coordinates(m_grid.owned_node(l))));
      HJB_PETSC(VecRestoreArray(v, &o));
    }
  }

  /// Scans owned values for NaN/Inf (VecNorm ignores NaN in PETSc 3.18), reduces the first bad
  /// node over ranks and throws the same NumericalError everywhere. Collective.
  void guard_finite(Vec v, long step, double t) const {
    const PetscScalar* o;
    HJB_PETSC(VecGetArrayRead(v, &o));
    std::int64_t bad = std::numeric_limits<std::int64_t>::max();
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l)
      if (!std::isfinite(o[l])) {
        bad = m_grid.natural_index(m_grid.owned_node(l));
        break;
      }
    HJB_PETSC(VecRestoreArrayRead(v, &o));
    std::int64_t first;
    MPI_Allreduce(&bad, &first, 1, MPI_INT64_T, MPI_MIN, m_grid.comm());
    if (first == std::numeric_limits<std::int64_t>::max()) return;
    const auto x = m_grid.coordinates(m_grid.from_natural_index(first));
    std::ostringstream os;
    os << "non-finite value at step " << step << " (t = " << t << ") at node (";
    for (int a = 0; a < D; ++a) os << (a ? ", " : "") << m_grid.axis(a).name << " = " << x[a];
    os << "); no table is written";
    throw NumericalError(os.str());
  }

  P m_problem;
  const TensorGrid<D>& m_grid;
  TimeDependentOptions m_options;
  HaloExchange<D> m_halo;
  std::vector<double> m_padded, m_rate, m_left, m_right;
  State<D> m_inv_spacing{}, m_global_alpha{};
};

}  // namespace hjb
