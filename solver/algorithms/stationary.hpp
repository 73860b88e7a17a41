// Stationary (infinite-horizon, discounted) problems as controlled Markov chains: value iteration
// and Howard policy iteration with a PETSc KSP, on the semi-Lagrangian transitions of the
// problem's own discrete step (solver/schemes/semi_lagrangian_transition.hpp),
//
//   V(x) = min_a [ c(x, a) + gamma sum_j w_j(x, a) V(x_j) ],
//
// with a finite action set (a Cartesian grid over the problem's action box). Foot points may land
// many cells away: the off-rank nodes they need are gathered by one VecScatter built from their
// exact set. This file orchestrates; the pointwise parts live in solver/schemes.
#pragma once
#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/control_problem.hpp"
#include "grids/distributed/tensor_grid.hpp"
#include "solver/algorithms/continuous_chain.hpp"
#include "solver/algorithms/controlled_chain.hpp"
#include "solver/algorithms/policy_system.hpp"
#include "solver/algorithms/progress.hpp"
#include "solver/algorithms/solve_summary.hpp"
#include "solver/algorithms/stationary_options.hpp"
#include "solver/schemes/semi_lagrangian_transition.hpp"
#include "support/petsc/petsc_owner.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

using OwnedMat = PetscOwner<Mat, MatDestroy>;
using OwnedKsp = PetscOwner<KSP, KSPDestroy>;

/// Value and policy iteration on a chain: by default the semi-Lagrangian chain of the problem's own
/// discrete step (ControlledChain, discount gamma from the problem or the options); or the Markov
/// chain approximation of a continuous-time problem (SparseChain, discounts in its rows).
template <class P, class Chain = ControlledChain<P>>
class StationarySolver {
 public:
  static constexpr int D = P::dim, M = P::control_dim;
  /// Called after every iteration with (iteration, values); returning anything but `converged`
  /// (stopped_by_signal, wall_time) stops with that termination (the caller has checkpointed).
  using IterationHook = std::function<Termination(long iteration, Vec values)>;

  /// Collective: builds the transitions of all owned nodes and the scatter of the nodes they read.
  StationarySolver(const P& problem, const TensorGrid<D>& grid,
                   const StationaryOptions& options) requires(!is_sparse_chain<Chain>)
      : m_grid(grid), m_options(checked(options)), m_chain(problem, grid, options.actions) {
    m_gamma = options.discount > 0 ? options.discount : problem.discount;
    HJB_CHECK(m_gamma > 0 && m_gamma < 1, UsageError,
              "--stationary.discount must be in (0, 1), got " << m_gamma);
    m_policy.assign(grid.owned_count(), 0);
  }
  /// The Markov chain approximation of a continuous-time problem (its discount rate in the rows).
  StationarySolver(const P& problem, const TensorGrid<D>& grid, const StationaryOptions& options,
                   const ChainSchemeOptions& scheme)
      : m_grid(grid), m_options(checked(options)), m_chain(problem, grid, options.actions, scheme) {
    m_gamma = 1.0;
    m_policy.assign(grid.owned_count(), 0);
  }
  const Chain& chain() const { return m_chain; }
  StationarySolver(const StationarySolver&) = delete;
  StationarySolver& operator=(const StationarySolver&) = delete;

  const std::vector<Point<M>>& actions() const { return m_chain.actions(); }
  double discount() const { return m_gamma; }
  /// The greedy policy of the last Bellman evaluation (index into actions()).
  const std::vector<int>& policy() const { return m_policy; }

  /// Solves from the values in v (zero for a fresh start, a checkpoint's for a restart; the
  /// iteration count continues from `first_iteration`). Collective. The summary's termination is
  /// converged, iteration_limit, or the hook's stop (stopped_by_signal, wall_time).
  SolveSummary solve(Vec v, long first_iteration = 0, const IterationHook& after_iteration = {}) {
    const ScopedLogStage stage(stationary_stage());
    SolveSummary s;
    s.algorithm = m_options.policy_iteration ? "policy_iteration" : "value_iteration";
    const double start = MPI_Wtime();
    const long max_iter =
        m_options.max_iterations > 0 ? m_options.max_iterations : (m_options.policy_iteration ? 200 : 100000);
    ProgressReporter progress(m_grid.comm(), m_options.progress_seconds);
    const char* label = m_options.policy_iteration ? "policy iteration" : "value iteration";
    OwnedVec next;
    HJB_PETSC(VecDuplicate(v, next.out()));
    s.iterations = first_iteration;
    // Greedy step on the starting values: policy and residual.
    s.residual = bellman(v, next);
    const double stop_at = std::max(m_options.tolerance, m_options.relative_tolerance * s.residual);
    bool policy_stable = false;
    s.termination = Termination::iteration_limit;
    // Howard (exact evaluation, stop when the policy repeats, then the bit-identical polish) with
    // --stationary.polish; otherwise inexact (optimistic) policy iteration: each evaluation stops at
    // a residual norm of evaluation_factor * (1 - gamma) * (the current Bellman residual), which
    // bounds its max-norm error by evaluation_factor times that residual, and the iteration stops
    // on the Bellman residual alone.
    const bool howard = m_options.polish || m_options.evaluation_factor == 0.0;
    while (s.residual > stop_at && !policy_stable && s.iterations < max_iter) {
      if (m_options.policy_iteration) {
        const double contraction = m_gamma * m_chain.max_row_discount();
        const double target = howard ? 0.0 : m_options.evaluation_factor * (1.0 - contraction) * s.residual;
        s.linear_iterations += evaluate_policy(v, target);
      } else {
        HJB_PETSC(VecCopy(next, v));
      }
      ++s.iterations;
      m_iteration = s.iterations;
      const std::vector<int> previous = m_policy;
      s.residual = bellman(v, next);
      // Howard's algorithm has converged when the greedy policy of V^pi is pi itself.
      if (m_options.policy_iteration && howard) {
        long changed = 0, changed_anywhere = 0;
        for (std::size_t l = 0; l < previous.size(); ++l) changed += previous[l] != m_policy[l];
        MPI_Allreduce(&changed, &changed_anywhere, 1, MPI_LONG, MPI_SUM, m_grid.comm());
        policy_stable = changed_anywhere == 0;
      }
      progress.report_iteration(label, s.iterations, s.residual);
      if (after_iteration) {
        const Termination stop = after_iteration(s.iterations, v);
        if (stop != Termination::converged) {
          s.termination = stop;
          break;
        }
      }
    }
    if (!s.interrupted() && (s.residual <= stop_at || policy_stable)) s.termination = Termination::converged;
    if (s.termination == Termination::converged && m_options.policy_iteration && m_options.polish) {
      s.polish_sweeps = polish(v, next);
      const std::vector<int> final_policy = m_policy;
      s.residual = bellman(v, next);  // residual of the published values
      m_policy = final_policy;
    }
    progress.report_iteration(label, s.iterations, s.residual, true);
    s.wall_seconds = MPI_Wtime() - start;
    return s;
  }

  /// out = T v (Bellman operator), sets the greedy policy; returns max|T v - v| over all ranks.
  /// Value iteration skips the actions that cannot be greedy (bellman_sweep.hpp: the same result;
  /// policy iteration's values move too far between sweeps for it to pay). Collective.
  double bellman(Vec v, Vec out) {
    return m_chain.bellman(v, out, m_gamma, m_policy, "iteration " + std::to_string(m_iteration),
                           m_options.policy_iteration ? nullptr : &m_sweeps);
  }
  /// Nodes of the last Bellman sweep that evaluated their greedy action only (value iteration).
  std::int64_t last_sweep_skipped() const { return m_sweeps.last_skipped(); }

 private:
  static const StationaryOptions& checked(const StationaryOptions& options) {
    options.validate();
    return options;
  }

  /// Solves (I - gamma P_pi) v = c_pi (policy_system.hpp) with a KSP (settable with -ksp_type,
  /// -pc_type, ...; GMRES with right block-Jacobi/ILU(0) preconditioning by default, the factor
  /// formed by the system from its rows — so the tolerance applies to the true residual), from v as
  /// the initial guess: to a residual 2-norm below `target`, or to relative 1e-12 when target is 0.
  /// The KSP is kept across iterations. Returns the Krylov iterations. Collective.
  long evaluate_policy(Vec v, double target) {
    const ScopedLogEvent timed(log_events().policy_evaluation);
    PetscInt first, last;
    HJB_PETSC(VecGetOwnershipRange(v, &first, &last));
    // The reset releases the previous matrix (which may use the system's arrays in place) before
    // they are rebuilt, and its ILU factor and Krylov vectors before this evaluation's are made (a
    // KSP kept across evaluations peaked 35 MiB higher at 1001^2, 968 MiB, for no measurable speed).
    OwnedMat a;
    if (m_ksp) HJB_PETSC(KSPReset(m_ksp));
    if (!m_ksp) create_ksp();
    const bool shell = m_own_ilu && m_grid.size() == 1;  // policy_system.hpp: the operator's forms
    OwnedVec rhs;
    HJB_PETSC(VecDuplicate(v, rhs.out()));
    PetscScalar* r;
    HJB_PETSC(VecGetArray(rhs, &r));
    m_system.build(m_chain, m_policy, m_gamma, first, shell, r);
    HJB_PETSC(VecRestoreArray(rhs, &r));
    m_system.create_operator(m_grid.comm(), shell, a.out());
    if (m_own_ilu) {  // a pivot that is not positive (not an M-matrix, NaN) stops every rank alike
      std::string failure;
      try {
        m_system.factor();
      } catch (const NumericalError& e) {
        failure = e.what();
      }
      int failed = failure.empty() ? 0 : 1, anywhere = 0;
      MPI_Allreduce(&failed, &anywhere, 1, MPI_INT, MPI_MAX, m_grid.comm());
      if (anywhere)
        throw NumericalError(failed ? failure : "policy evaluation: ILU(0) failed on another rank");
    }
    // The tolerance of this evaluation (a relative 1e-12 for an exact one), unless the user set
    // -ksp_rtol or -ksp_atol: then those hold for every evaluation.
    PetscBool user_rtol = PETSC_FALSE, user_atol = PETSC_FALSE;
    HJB_PETSC(PetscOptionsHasName(nullptr, nullptr, "-ksp_rtol", &user_rtol));
    HJB_PETSC(PetscOptionsHasName(nullptr, nullptr, "-ksp_atol", &user_atol));
    if (!user_rtol && !user_atol)
      HJB_PETSC(KSPSetTolerances(m_ksp, target > 0 ? 1e-50 : 1e-12, target > 0 ? target : 1e-50,
                                 PETSC_DEFAULT, PETSC_DEFAULT));
    HJB_PETSC(KSPSetOperators(m_ksp, a, a));
    HJB_PETSC(KSPSolve(m_ksp, rhs, v));
    PetscInt its;
    KSPConvergedReason reason;
    HJB_PETSC(KSPGetIterationNumber(m_ksp, &its));
    HJB_PETSC(KSPGetConvergedReason(m_ksp, &reason));
    if (reason <= 0 && m_gmres) {
      // The default GMRES failed: BiCGStab from here on, this solve redone from zero (the failed
      // iterate may have grown without bound; keeping the start would copy it before every solve).
      m_gmres = false;
      HJB_PETSC(KSPSetType(m_ksp, KSPBCGS));
      HJB_PETSC(KSPSetPCSide(m_ksp, PC_RIGHT));
      HJB_PETSC(VecSet(v, 0.0));
      PetscBool user_its = PETSC_FALSE;
      HJB_PETSC(PetscOptionsHasName(nullptr, nullptr, "-ksp_max_it", &user_its));
      if (!user_its) HJB_PETSC(KSPSetTolerances(m_ksp, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
      HJB_PETSC(KSPSolve(m_ksp, rhs, v));
      PetscInt more;
      HJB_PETSC(KSPGetIterationNumber(m_ksp, &more));
      its += more;
      HJB_PETSC(KSPGetConvergedReason(m_ksp, &reason));
    }
    HJB_CHECK(reason > 0, NumericalError,
              "policy evaluation: the linear solver did not converge (KSP reason "
                  << static_cast<int>(reason) << "); try another -ksp_type (gmres, bcgs) or -pc_type");
    return its;
  }

  /// The policy evaluations' KSP, once per solver. Collective.
  void create_ksp() {
    HJB_PETSC(KSPCreate(m_grid.comm(), m_ksp.out()));
    // A discrete step's chain: GMRES (restarted every 10 iterations: at most 11 basis vectors),
    // one product and one preconditioner application per iteration where BiCGStab needs two;
    // after the cascade's start the fine evaluations take 2-6 iterations, and GMRES reaches the
    // same residual in fewer products (Pendulum 501^2: about 8 % less process time, measured
    // alternately). The Markov chain approximations keep BiCGStab, on which restarted GMRES
    // can stagnate (Merton on 3 ranks); so does a solve where GMRES fails (below).
    m_gmres = !is_sparse_chain<Chain>;
    HJB_PETSC(KSPSetType(m_ksp, m_gmres ? KSPGMRES : KSPBCGS));
    if (m_gmres) HJB_PETSC(KSPGMRESSetRestart(m_ksp, 10));
    HJB_PETSC(KSPSetPCSide(m_ksp, PC_RIGHT));
    HJB_PETSC(KSPSetInitialGuessNonzero(m_ksp, PETSC_TRUE));
    HJB_PETSC(KSPSetTolerances(m_ksp, 1e-12, 1e-50, PETSC_DEFAULT, m_gmres ? 1000 : 10000));
    // Block Jacobi / ILU(0) factored by the policy system from the CSR rows it builds: PETSc's
    // ILU would first copy the matrix into a factor of its own pattern (symbolic phase) and then
    // factor it, about 12 ms of a 45 ms evaluation at 501^2 (docs/benchmarks.md). -pc_type replaces it.
    PC pc;
    HJB_PETSC(KSPGetPC(m_ksp, &pc));
    HJB_PETSC(PCSetType(pc, PCSHELL));
    HJB_PETSC(PCShellSetApply(pc, PolicySystem<Chain>::apply_preconditioner));
    HJB_PETSC(PCShellSetContext(pc, &m_system));
    HJB_PETSC(PCShellSetName(pc, "block Jacobi / ILU(0) (hjbench LocalIlu0)"));
    HJB_PETSC(KSPSetFromOptions(m_ksp));
    PetscBool shell = PETSC_FALSE;
    HJB_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCSHELL, &shell));
    m_own_ilu = shell == PETSC_TRUE;
    KSPType type;
    HJB_PETSC(KSPGetType(m_ksp, &type));
    m_gmres = m_gmres && std::string(type) == KSPGMRES;  // not when the user chose another type
  }

  /// The final policy's values by fixed-policy sweeps v <- c_pi + gamma P_pi v started from zero
  /// and run until the change stops decreasing (the rounding floor). Every operation is pointwise,
  /// so the result does not depend on the rank count, on restarts, or on the Krylov solver's
  /// partition-dependent rounding. Costs about log(eps) / log(gamma) cheap sweeps. Collective.
  long polish(Vec v, Vec next) {
    const ScopedLogEvent timed(log_events().policy_sweep);
    HJB_PETSC(VecSet(v, 0.0));
    double previous = std::numeric_limits<double>::infinity();
    long sweeps = 0, stalled = 0;
    for (; sweeps < 1000000; ++sweeps) {
      m_chain.gather(v);
      const PetscScalar* needed;
      const PetscScalar* in;
      PetscScalar* o;
      HJB_PETSC(VecGetArrayRead(m_chain.needed(), &needed));
      HJB_PETSC(VecGetArrayRead(v, &in));
      HJB_PETSC(VecGetArray(next, &o));
      double change = 0.0;
      for (std::int64_t l = 0; l < m_grid.owned_count(); ++l) {
        o[l] = m_chain.q_value(l, m_policy[l], needed, m_gamma);
        change = std::max(change, std::abs(o[l] - in[l]));
      }
      HJB_PETSC(VecRestoreArray(next, &o));
      HJB_PETSC(VecRestoreArrayRead(v, &in));
      HJB_PETSC(VecRestoreArrayRead(m_chain.needed(), &needed));
      HJB_PETSC(VecCopy(next, v));
      // Agreeing on the change costs a reduction; every 16 sweeps is enough (the test is the same
      // on every rank count, so the result stays rank-independent).
      if (sweeps % 16 != 15) continue;
      double global;
      MPI_Allreduce(&change, &global, 1, MPI_DOUBLE, MPI_MAX, m_grid.comm());
      if (global == 0.0) return sweeps + 1;
      stalled = (global >= previous) ? stalled + 1 : 0;
      if (stalled >= 4) return sweeps + 1;  // no longer contracting: at the rounding floor
      previous = std::min(previous, global);
    }
    return sweeps;
  }

  const TensorGrid<D>& m_grid;
  StationaryOptions m_options;
  Chain m_chain;
  SweepMemory m_sweeps;  ///< value iteration's last sweep: greedy actions, gap bounds (bellman_sweep.hpp)
  double m_gamma = 0.99;
  long m_iteration = 0;
  std::vector<int> m_policy;
  PolicySystem<Chain> m_system;
  OwnedKsp m_ksp;
  bool m_own_ilu = false;  // the preconditioner is the system's ILU(0) (no -pc_type given)
  bool m_gmres = false;    // the default GMRES is in use (falls back to BiCGStab once if it fails)
};

}  // namespace hjb
