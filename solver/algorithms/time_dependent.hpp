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
#include "solver/schemes/dynamics_cache.hpp"
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
    // Rows are processed in chunks of about 4096 nodes: the per-node loop then runs over a chunk,
    // and its vector remainder is paid once per chunk instead of once per row; WENO5 along axis D - 2
    // goes by runs of a chunk's rows (longer runs: 2048 → 4096 measured 5-10 % faster on the AVX2 path).
    const std::int64_t row = grid.owned_extent()[D - 1];
    m_chunk_rows = std::max<std::int64_t>(1, 4096 / row);
    m_chunk = m_chunk_rows * row;
    m_left.assign(static_cast<std::size_t>(D * m_chunk), 0.0);
    m_right.assign(static_cast<std::size_t>(D * m_chunk), 0.0);
    m_coordinates.assign(static_cast<std::size_t>(D * m_chunk), 0.0);
    if (D >= 2 && options.derivative == DerivativeScheme::weno5) {
      m_row_base.assign(static_cast<std::size_t>(m_chunk_rows), 0);
      m_scratch.assign(static_cast<std::size_t>(kernels::weno5_rows_scratch(row, m_chunk_rows)), 0.0);
    }
    for (int a = 0; a < D; ++a) m_inv_spacing[a] = 1.0 / grid.axis(a).spacing();
  }

  /// The bytes per owned node of the dynamics the solver will keep (0 when it evaluates them in every
  /// stage), before a solver exists: the cache is built at the first step, so that a dry run and the
  /// memory budget allocate nothing; one pass over the dynamics finds the constant components. Collective.
  static double planned_cache_bytes_per_node(const P& problem, const TensorGrid<D>& grid,
                                             const TimeDependentOptions& options) {
    return keeps_dynamics(options) ? DynamicsCache<P>::planned_bytes_per_node(
                                         problem, grid, options.dissipation == Dissipation::local)
                                   : 0.0;
  }

  /// Refuses (UsageError) a run whose number of steps, estimated from the stable step at t = 0,
  /// exceeds --time.max_steps: a tiny CFL number or spacing, or huge wave speeds, would otherwise
  /// run for ever. Collective.
  void check_step_budget() const {
    double local = 0.0;
    for (std::int64_t l = 0; l < m_grid.owned_count(); ++l) {
      const auto x = m_grid.coordinates(m_grid.owned_node(l));
      const auto alpha = partial_max_magnitudes(m_problem, m_problem.affine(x, 0.0));
      const double rate = stable_rate<D>(alpha, m_inv_spacing);
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
    if (autonomous && m_global_alpha_known) return;  // time-invariant
    m_global_alpha_known = true;
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
    if constexpr (autonomous)
      if (keeps_dynamics() && m_dynamics.empty()) {
        const bool local_alpha = m_options.dissipation == Dissipation::local;
        m_dynamics = DynamicsCache<P>(m_problem, m_grid, local_alpha, m_chunk);
        if (local_alpha) m_cached_max_rate = m_dynamics.max_rate(m_inv_spacing);
      }
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
    const std::int64_t chunk = m_chunk;
    const auto& stride = m_halo.stride();
    const int w = m_halo.width();
    const bool local_alpha = m_options.dissipation == Dissipation::local;
    // The cached path reads coordinates only for a running cost l(x, t).
    const bool coordinates_needed = m_dynamics.empty() || has_running_cost<P>;
    double max_rate = 0.0;
    // WENO5 along axis D - 2 goes by runs of consecutive rows (kernels::weno5_rows), the others per row.
    constexpr int by_rows = S == DerivativeScheme::weno5 && D >= 2 ? D - 2 : -1;
    for (std::int64_t r0 = 0; r0 < rows; r0 += m_chunk_rows) {
      const std::int64_t chunk_rows = std::min(m_chunk_rows, rows - r0), n = chunk_rows * row;
      for (std::int64_t k = 0; k < chunk_rows; ++k) {
        // Outer indices of this row, its first node's offset in the padded array, the coordinates.
        std::int64_t rest = r0 + k, base = w * stride[D - 1];
        for (int a = D - 2; a >= 0; --a) {
          const std::int64_t i = rest % extent[a];
          rest /= extent[a];
          base += (i + w) * stride[a];
          if (coordinates_needed)
            std::fill_n(m_coordinates.data() + a * chunk + k * row, row,
                        m_grid.axis(a).coordinate(m_grid.owned_start()[a] + i));
        }
        if (coordinates_needed)
          for (std::int64_t j = 0; j < row; ++j)
            m_coordinates[(D - 1) * chunk + k * row + j] =
                m_grid.axis(D - 1).coordinate(m_grid.owned_start()[D - 1] + j);
        if constexpr (by_rows >= 0) m_row_base[k] = base;
        for (int a = 0; a < D; ++a)
          if (a != by_rows)
            kernels::one_sided_derivatives<S>(m_padded.data() + base, stride[a], row, m_inv_spacing[a],
                                              m_left.data() + a * chunk + k * row,
                                              m_right.data() + a * chunk + k * row);
      }
      if constexpr (by_rows >= 0) {
        // A run ends where the row's index along the axis wraps (the next row is elsewhere).
        const std::int64_t e = extent[by_rows];
        for (std::int64_t k = 0, run; k < chunk_rows; k += run) {
          run = std::min(chunk_rows - k, e - (r0 + k) % e);
          kernels::weno5_rows(m_padded.data() + m_row_base[k], stride[by_rows], row, run,
                              m_inv_spacing[by_rows], m_left.data() + by_rows * chunk + k * row,
                              m_right.data() + by_rows * chunk + k * row, m_scratch.data());
        }
      }
      double* out = m_rate.data() + r0 * row;
      if (!m_dynamics.empty()) {
        const auto c = m_dynamics.block(r0 / m_chunk_rows);
        if (local_alpha)
          cached_rates<true>(c, n, t, out);
        else
          cached_rates<false>(c, n, t, out);
        continue;
      }
      for (std::int64_t j = 0; j < n; ++j) {
        const State<D> x = node_coordinates(j);
        const auto f = m_problem.affine(x, t);
        const State<D> alpha = local_alpha ? partial_max_magnitudes(m_problem, f) : m_global_alpha;
        const auto [rate, cfl_rate] = node_rate(f, alpha, x, j, t);
        out[j] = rate;
        max_rate = std::max(max_rate, cfl_rate);
      }
    }
    if (m_dynamics.empty()) return max_rate;
    if (local_alpha) return m_cached_max_rate;
    return stable_rate<D>(m_global_alpha, m_inv_spacing);  // the same at every node
  }

  /// The rates of the n nodes of a chunk from the cached dynamics: no call into the problem's
  /// affine(), and contiguous loads, so the loop vectorises (the stable rate is constant and known).
  template <bool LocalAlpha>
  void cached_rates(const typename DynamicsCache<P>::Block& c, std::int64_t n, double t,
                    double* __restrict out) const {
#pragma GCC ivdep
    for (std::int64_t j = 0; j < n; ++j) {
      const auto f = DynamicsCache<P>::affine(c, j);
      const State<D> alpha = LocalAlpha ? DynamicsCache<P>::alpha(c, j) : m_global_alpha;
      out[j] = node_rate(f, alpha, node_coordinates(j), j, t).first;
    }
  }

  State<D> node_coordinates(std::int64_t j) const {
    State<D> x;
    for (int a = 0; a < D; ++a) x[a] = m_coordinates[a * m_chunk + j];
    return x;
  }

  /// The node's clipped rate Ĥ and its stable-step bound sum_i alpha_i / h_i, from the one-sided
  /// derivatives of node j of the current chunk.
  std::pair<double, double> node_rate(const AffineDynamics<D, P::control_dim, P::disturbance_dim>& f,
                                      const State<D>& alpha, const State<D>& x, std::int64_t j,
                                      double t) const {
    State<D> p_left, p_right;
    for (int a = 0; a < D; ++a) {
      p_left[a] = m_left[a * m_chunk + j];
      p_right[a] = m_right[a * m_chunk + j];
    }
    const auto lf = lax_friedrichs<D>(p_left, p_right, alpha, m_inv_spacing);
    return {reach_rate(hamiltonian(m_problem, f, x, lf.costate, t) + lf.dissipation, m_options.mode),
            lf.cfl_rate};
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
  std::vector<double> m_padded, m_rate, m_left, m_right, m_coordinates;  // the last three per chunk
  std::int64_t m_chunk_rows = 1, m_chunk = 1;  ///< rows and nodes per chunk (the last may be shorter)
  std::vector<std::int64_t> m_row_base;        ///< WENO5: each chunk row's padded offset
  std::vector<double> m_scratch;               ///< WENO5: kernels::weno5_rows' scratch
  State<D> m_inv_spacing{}, m_global_alpha{};
  static constexpr bool autonomous = declared_features<P>().autonomous;
  static bool keeps_dynamics(const TimeDependentOptions& options) {
    return autonomous && options.cache_dynamics;
  }
  bool keeps_dynamics() const { return keeps_dynamics(m_options); }
  DynamicsCache<P> m_dynamics;
  double m_cached_max_rate = 0.0;
  bool m_global_alpha_known = false;
};

}  // namespace hjb
