// Method-of-lines solver of the backward HJ(I) equation V_t + H(x, grad V, t) = 0, V(x, 0) = l(x),
// on a distributed tensor grid. It orchestrates the pointwise parts of solver/schemes (upwind
// derivatives, Lax–Friedrichs numerical Hamiltonian, TVD Runge–Kutta table, BRT clip, obstacles)
// with the halo exchange, CFL-adaptive steps landing on snapshot times, and a NaN guard.
#pragma once
#include <mpi.h>
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <vector>

#include "core/control_problem.hpp"
#include "core/multiversion.hpp"
#include "grids/distributed/halo_exchange.hpp"
#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/solve_summary.hpp"
#include "solver/algorithms/time_dependent_options.hpp"
#include "solver/algorithms/time_marching.hpp"
#include "solver/schemes/lax_friedrichs.hpp"
#include "solver/schemes/reachability.hpp"
#include "solver/schemes/tvd_runge_kutta.hpp"
#include "solver/schemes/upwind_derivatives.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

/// In tau = -t the equation is V_tau = H(x, grad V, -tau); the semi-discrete right-hand side at a
/// node is the Lax–Friedrichs Ĥ of the one-sided derivatives (alpha_i per node for `local`, the
/// grid maximum for `global`), clipped by the reach mode. The step is
/// dt = cfl / max_x sum_i alpha_i / h_i, clipped to land on the snapshot times.
/// Refuses (ValidationError, the same on every rank) a process grid whose blocks along a split
/// non-periodic axis are narrower than the stencil's reach: their ghost layers would pass through
/// a neighbour's block to beyond the domain boundary, where no boundary condition is applied, and
/// the result would depend on the rank count. Pointwise (every rank computes the same partition).
template <int D>
void check_decomposition(const TensorGrid<D>& grid, int width, const std::string& scheme) {
  for (int a = 0; a < D; ++a) {
    const Axis& ax = grid.axis(a);
    const int parts = grid.process_dims(a);
    if (parts == 1 || ax.periodic) continue;
    const std::int64_t narrowest = ax.n / parts;
    HJB_CHECK(narrowest >= width, ValidationError,
              "--grid.shape: axis '" << ax.name << "' of " << ax.n << " nodes is split over " << parts
                                     << " ranks into blocks of " << narrowest << " nodes, narrower than the "
                                     << width << " nodes the " << scheme
                                     << " stencil reaches (minimum block width " << width
                                     << "); use fewer MPI ranks or more nodes on this axis");
  }
}

template <ControlProblem P>
class TimeDependentSolver {
 public:
  static constexpr int D = P::dim;

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

  /// Refuses (UsageError) a run whose number of steps, estimated from the stable step at t = 0,
  /// exceeds --time.max_steps: a tiny CFL number or spacing, or huge wave speeds, would otherwise
  /// run for ever. Collective.
  void check_step_budget() const {
    double local = 0.0;
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l) {
      const auto x = m_grid.coordinates(m_grid.owned_node(l));
      const auto alpha = partial_max_magnitudes(m_problem, m_problem.affine(x, 0.0));
      double rate = 0.0;
      for (int a = 0; a < D; ++a) rate += alpha[a] * m_inv_spacing[a];
      if (!(rate <= local)) local = rate;  // keeps NaN and infinity
    }
    const double rate = global_max(local);
    const double horizon = m_options.snapshot_schedule().back();
    const double steps = horizon * rate / m_options.cfl;
    HJB_CHECK(steps <= static_cast<double>(m_options.max_steps), UsageError,
              "--time.max_steps: the run needs about "
                  << steps << " steps (horizon " << horizon << " x fastest rate sum_i alpha_i/h_i = " << rate
                  << " at t = 0 / --scheme.cfl " << m_options.cfl << "), more than the limit "
                  << m_options.max_steps
                  << "; check the CFL number, the grid spacing and the problem's speeds, or raise "
                     "--time.max_steps");
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

  /// Marches v from t = 0 to t = -horizon. Calls on_snapshot(k, t_k, v) at t = 0 (k = 0) and at
  /// each time of options.snapshot_schedule(). A resumed run passes the checkpoint's progress in
  /// `from` with v holding the checkpointed values. Collective. Throws NumericalError (same on
  /// every rank) on NaN/Inf.
  SolveSummary solve(Vec v, const SnapshotCallback& on_snapshot, const SolveProgress& from = {},
                     const StepHook& after_step = {}) {
    const ScopedLogStage stage(time_marching_stage());
    OwnedVec stage1, stage2;
    HJB_PETSC(VecDuplicate(v, stage1.out()));
    HJB_PETSC(VecDuplicate(v, stage2.out()));
    return march(
        "time_dependent", m_options, m_grid.comm(), static_cast<double>(m_grid.global_count()), stages(), v,
        on_snapshot, from, after_step,
        [&](double tau, double max_dt) { return step(v, stage1, stage2, tau, max_dt); },
        [&](long steps, double tau) { guard_finite(v, steps, -tau); });
  }

  int stages() const { return static_cast<int>(tvd_stages(m_options.integrator).size()); }

  /// One TVD-RK step of at most max_dt from tau; returns the step taken. The stages of the
  /// integrator's table write into stage1, stage2, ... and the last one into v. Collective.
  double step(Vec v, Vec stage1, Vec stage2, double tau, double max_dt) {
    if (m_options.dissipation == Dissipation::global) update_global_alpha(-tau);
    const double max_rate = global_max(evaluate_rate(v, tau));
    const double dt = max_rate > 0.0 ? std::min(m_options.cfl / max_rate, max_dt) : max_dt;
    const auto table = tvd_stages(m_options.integrator);
    const Vec buffers[2] = {stage1, stage2};
    Vec from = v;
    for (std::size_t s = 0; s < table.size(); ++s) {
      if (s > 0) evaluate_rate(from, tau + table[s].rate_time * dt);
      const Vec out = (s + 1 == table.size()) ? v : buffers[s % 2];
      combine(table[s], dt, v, from, out);
      from = out;
    }
    apply_obstacle(v);
    return dt;
  }

 private:
  /// out = keep * base + weight * (from + dt * rate) with rate the last evaluated L; any of the
  /// vectors may be the same.
  void combine(const TvdStage& stage, double dt, Vec base, Vec from, Vec out) {
    PetscScalar* o;
    const PetscScalar* f = nullptr;
    const PetscScalar* b = nullptr;
    HJB_PETSC(VecGetArray(out, &o));
    if (from != out) HJB_PETSC(VecGetArrayRead(from, &f));
    if (base != out && base != from) HJB_PETSC(VecGetArrayRead(base, &b));
    const double* from_values = from == out ? o : f;
    const double* base_values = base == out ? o : (base == from ? from_values : b);
    tvd_stage_update(stage, dt, base_values, from_values, m_rate.data(), o, m_grid.owned_count());
    if (b) HJB_PETSC(VecRestoreArrayRead(base, &b));
    if (f) HJB_PETSC(VecRestoreArrayRead(from, &f));
    HJB_PETSC(VecRestoreArray(out, &o));
  }

  double global_max(double local) const {
    double g = local;
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
    const ScopedLogEvent timed(log_events().rate_evaluation);
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
  HJB_HOT double evaluate_rate_with(double t) {
    const auto& extent = m_grid.owned_extent();
    const std::int64_t row = extent[D - 1];
    const std::int64_t rows = m_grid.owned_count() / row;
    const auto& stride = m_halo.stride();
    const int w = m_halo.width();
    const bool local_alpha = m_options.dissipation == Dissipation::local;
    const ReachMode mode = m_options.mode;
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
        State<D> p_left, p_right;
        for (int a = 0; a < D; ++a) {
          p_left[a] = m_left[a * row + j];
          p_right[a] = m_right[a * row + j];
        }
        const auto lf = lax_friedrichs<D>(p_left, p_right, alpha, m_inv_spacing);
        out[j] = reach_rate(hamiltonian(m_problem, f, x, lf.costate, t) + lf.dissipation, mode);
        max_rate = std::max(max_rate, lf.cfl_rate);
      }
    }
    return max_rate;
  }

  /// Static obstacles (solver/schemes/reachability.hpp).
  void apply_obstacle(Vec v) {
    if constexpr (has_obstacle<P>) {
      PetscScalar* o;
      HJB_PETSC(VecGetArray(v, &o));
      for (std::int64_t l = 0; l < m_grid.owned_count(); ++l)
        o[l] = constrain_by_obstacle(o[l], m_problem.obstacle(m_grid.coordinates(m_grid.owned_node(l))));
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
