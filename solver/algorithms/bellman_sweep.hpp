// The Bellman sweep of a chain over its owned nodes, (T_gamma V)(x) = min_a Q(x, a), and what a
// sweep may remember for the next one (action elimination). For every chain with gather(),
// needed(), grid(), action_count(), max_row_discount(), prefetch(row) and
// q_value(node, action, needed, gamma): ControlledChain (controlled_chain.hpp) and the Markov chain
// approximations (continuous_chain.hpp).
//
// Action elimination (MacQueen 1967; Puterman 1994, section 6.7.2): a Q-value is c + gamma sum_j
// w_j V_j with nonnegative weights summing to at most d = max_row_discount(), so values that moved
// by at most delta (max norm) move every Q-value by at most gamma d delta. A node whose greedy
// action led every other by more than 2 gamma d delta at the last sweep keeps it: the next sweep
// evaluates that one action instead of all. The bounds hold for the exact Q-values and the
// rounding of the computed ones is accounted for (below), so a skipped node's value, action and
// residual are bit for bit those of a full sweep: nothing is approximate, every rank count gives
// the same table, and where no bound is known (the first sweep, non-finite values, another
// discount) every action is evaluated. Value iteration uses it (its values move by the residual,
// which shrinks by gamma per sweep: Pendulum 301^2, 2.7x less time, docs/benchmarks.md); policy
// iteration does not (its values move by far more than the gaps between neighbouring torques: the
// bookkeeping cost more than the few skips saved). Where an attempt skips less than an eighth of
// the nodes (controls so fine that neighbouring Q-values nearly tie), plain sweeps follow for a
// while (8, then 16, ... 64 after each poor attempt in a row): the bookkeeping costs up to half a
// sweep of a cheap chain.
#pragma once
#include <mpi.h>
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/multiversion.hpp"
#include "core/uninitialized.hpp"
#include "support/petsc/petsc_owner.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

/// How many transitions ahead chain_sweep prefetches the values a transition reads.
inline constexpr std::int64_t prefetch_distance = 24;

/// What a sweep leaves for the next one: per owned node the greedy action and a lower bound of the
/// gap between the exact Q-values of the next best action and of that one, and the values the
/// sweep read. Owned by a solver for one chain; chain_bellman fills and uses it.
class SweepMemory {
 public:
  /// The relative rounding allowed per computed Q-value: c + gamma sum_j w_j V_j is formed with an
  /// error below (terms + D + 4) eps (|Q| + 2 gamma d max|V|) — about 2e-14 for 2^6 terms.
  static constexpr double rounding = 1e-12;

  /// Nodes of the last sweep that evaluated their greedy action only.
  std::int64_t last_skipped() const { return m_skipped; }
  /// Whether the next sweep keeps the memory (false during a pause after a poor attempt). The same
  /// on every rank (agree()).
  bool remembering() const { return m_pause == 0; }
  /// A plain sweep instead of a remembering one (counts the pause down).
  void skip_turn() { --m_pause; }

  /// What one sweep reads and writes: may it skip; the gap bounds' decrease over this sweep
  /// (2 gamma d delta, rounded up); gamma d max|V| of the values it reads (the rounding's scale).
  struct Pass {
    int* best = nullptr;
    double* gap = nullptr;
    bool skip = false;
    double decrease = 0.0, scale = 0.0;
    std::int64_t skipped = 0;
  };

  /// Before a sweep of the n owned values `in` with contraction gamma d: delta = max |in - last|
  /// and max|in| over all ranks (one reduction). Collective.
  Pass prepare(const double* in, std::int64_t n, double contraction, MPI_Comm comm) {
    const bool comparable =
        m_valid && contraction == m_contraction && static_cast<std::int64_t>(m_last.size()) == n;
    // delta, max|V| (NaN and infinity are kept: then no bound), and whether some rank has no
    // reference: every rank decides alike (the pauses and reductions that follow stay in step).
    double local[3] = {0.0, 0.0, comparable ? 0.0 : 1.0};
    for (std::int64_t l = 0; l < n; ++l) {
      const double change = comparable ? std::abs(in[l] - m_last[l]) : 0.0, size = std::abs(in[l]);
      if (!(change <= local[0])) local[0] = change;
      if (!(size <= local[1])) local[1] = size;
    }
    double global[3];
    MPI_Allreduce(local, global, 3, MPI_DOUBLE, MPI_MAX, comm);
    m_best.resize(static_cast<std::size_t>(n));
    m_gap.resize(static_cast<std::size_t>(n));
    m_last.resize(static_cast<std::size_t>(n));
    m_contraction = contraction;
    m_valid = false;  // until the sweep succeeds
    Pass pass;
    pass.best = m_best.data();
    pass.gap = m_gap.data();
    pass.skip = global[2] == 0.0 && std::isfinite(global[0]) && std::isfinite(global[1]);
    pass.decrease = 2.0 * contraction * global[0] * (1.0 + rounding);
    pass.scale = contraction * global[1];
    return pass;
  }
  /// After a sweep that succeeded: its values become the next one's reference. Not collective.
  void remember(const double* in, const Pass& pass) {
    std::copy(in, in + m_last.size(), m_last.begin());
    m_skipped = pass.skipped;
    m_valid = true;
  }
  /// With the smallest fraction of skipped nodes over all ranks (the same on every rank) after an
  /// attempt (pass.skip): below an eighth, a pause of 8 plain sweeps, doubled after each poor
  /// attempt in a row up to 64.
  void agree(const Pass& pass, double least_fraction) {
    if (!pass.skip) return;
    if (least_fraction >= 0.125) {
      m_pause_length = 8;
      return;
    }
    m_pause = m_pause_length;
    m_pause_length = std::min(2 * m_pause_length, 64);
  }

 private:
  UninitializedVector<int> m_best;
  UninitializedVector<double> m_gap, m_last;
  double m_contraction = 0.0;
  std::int64_t m_skipped = 0;
  int m_pause = 0, m_pause_length = 8;
  bool m_valid = false;
};

/// The pointwise Bellman sweep over the owned nodes: o = min over actions of the Q-values, the
/// argmin into policy (the first of equals; a NaN Q-value is never chosen), residual = max |o - in|;
/// returns the first owned node whose value is not finite (or the int64 maximum). Remember: also
/// keeps `pass` (SweepMemory) and, where pass.skip, evaluates only the greedy action at the nodes
/// whose bound allows it. The hot loop of every chain solver, cloned per instruction set.
template <bool Remember, class Chain>
HJB_HOT std::int64_t chain_sweep(const Chain& chain, const double* needed, const double* in, double* o,
                                 int* policy, double gamma, double& residual, SweepMemory::Pass& pass) {
  constexpr double rounding = SweepMemory::rounding, inf = std::numeric_limits<double>::infinity();
  constexpr bool prefetches_values = requires { chain.prefetch_values(std::int64_t{}, needed); };
  const std::int64_t k_count = chain.action_count(), n = chain.grid().owned_count();
  std::int64_t first_bad = std::numeric_limits<std::int64_t>::max();
  for (std::int64_t l = 0; l < n; ++l) {
    if constexpr (Remember) {
      if (pass.skip) {
        // The greedy action's row a few nodes ahead, and the values it reads a little later.
        if (l + 16 < n) chain.prefetch((l + 16) * k_count + pass.best[l + 16]);
        if constexpr (prefetches_values)
          if (l + 4 < n) chain.prefetch_values((l + 4) * k_count + pass.best[l + 4], needed);
        const int b = pass.best[l];
        const double q = chain.q_value(l, b, needed, gamma);
        // The exact gap is now at least `gap`; b stays strictly first among the computed Q-values
        // if it also covers their rounding.
        const double gap = pass.gap[l] - pass.decrease;
        if (gap * (1.0 - rounding) > rounding * (2.0 * std::abs(q) + 4.0 * pass.scale) && std::abs(q) < inf) {
          o[l] = q;
          policy[l] = b;
          pass.gap[l] = gap;
          ++pass.skipped;
          residual = std::max(residual, std::abs(q - in[l]));
          continue;
        }
      }
    }
    double best = inf, second = inf;
    int arg = 0;
    bool unknown = false;  // a NaN Q-value, which bounds nothing
    for (std::int64_t k = 0; k < k_count; ++k) {
      // The values a transition a few rows ahead reads are scattered over the gathered vector: ask
      // for them early (bandwidth is there; the latency of each miss is what the sweep waits for).
      if constexpr (prefetches_values)
        if (l * k_count + k + prefetch_distance < n * k_count)
          chain.prefetch_values(l * k_count + k + prefetch_distance, needed);
      const double q = chain.q_value(l, k, needed, gamma);
      if (q < best) {
        if constexpr (Remember) second = best;
        best = q;
        arg = static_cast<int>(k);
      } else if constexpr (Remember) {
        if (q < second)
          second = q;
        else if (q != q)
          unknown = true;
      }
    }
    o[l] = best;
    policy[l] = arg;
    residual = std::max(residual, std::abs(best - in[l]));
    if (!std::isfinite(best) && first_bad == std::numeric_limits<std::int64_t>::max()) first_bad = l;
    if constexpr (Remember) {
      // A lower bound of the exact gap: the computed one less the rounding of both Q-values.
      const double gap = second - best;
      pass.best[l] = arg;
      pass.gap[l] = unknown || !std::isfinite(best) ? -inf
                    : second == inf                 ? inf
                                    : gap - rounding * (gap + std::abs(best) + 4.0 * pass.scale);
    }
  }
  return first_bad;
}

/// The Bellman sweep of a chain: out = T_gamma v; policy[l] = the minimising action (first of
/// equals); returns max_l |out_l - v_l| over all ranks. With `memory` (a solver's, for this
/// chain) a node whose greedy action cannot have changed since the memory's last sweep evaluates
/// that action only (the same result). A non-finite result anywhere throws the same
/// NumericalError on every rank, naming the first such node and `where`. Collective.
template <class Chain>
double chain_bellman(Chain& chain, Vec v, Vec out, double gamma, std::vector<int>& policy,
                     const std::string& where, SweepMemory* memory = nullptr) {
  constexpr int D = Chain::D;
  const auto& grid = chain.grid();
  chain.gather(v);
  const ScopedLogEvent timed(log_events().bellman_update);
  const PetscScalar* needed;
  const PetscScalar* in;
  PetscScalar* o;
  HJB_PETSC(VecGetArrayRead(chain.needed(), &needed));
  HJB_PETSC(VecGetArrayRead(v, &in));
  HJB_PETSC(VecGetArray(out, &o));
  policy.resize(static_cast<std::size_t>(grid.owned_count()));
  double residual = 0.0;
  SweepMemory::Pass pass;
  std::int64_t first_bad;
  const bool remembering = memory && memory->remembering();
  if (remembering) {
    pass = memory->prepare(in, grid.owned_count(), gamma * chain.max_row_discount(), grid.comm());
    first_bad = chain_sweep<true>(chain, needed, in, o, policy.data(), gamma, residual, pass);
    if (first_bad == std::numeric_limits<std::int64_t>::max()) memory->remember(in, pass);
  } else {
    if (memory) memory->skip_turn();
    first_bad = chain_sweep<false>(chain, needed, in, o, policy.data(), gamma, residual, pass);
  }
  if (first_bad != std::numeric_limits<std::int64_t>::max())
    first_bad = grid.natural_index(grid.owned_node(first_bad));
  HJB_PETSC(VecRestoreArray(out, &o));
  HJB_PETSC(VecRestoreArrayRead(v, &in));
  HJB_PETSC(VecRestoreArrayRead(chain.needed(), &needed));
  // The residual and, negated, the smallest fraction of skipped nodes: one reduction.
  const double owned = static_cast<double>(std::max<std::int64_t>(grid.owned_count(), 1));
  double local[2] = {residual, -static_cast<double>(pass.skipped) / owned}, global[2];
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_MAX, grid.comm());
  if (remembering) memory->agree(pass, -global[1]);
  std::int64_t bad;
  MPI_Allreduce(&first_bad, &bad, 1, MPI_INT64_T, MPI_MIN, grid.comm());
  if (bad != std::numeric_limits<std::int64_t>::max()) {
    // NaN/Inf (VecNorm would ignore NaN): the same error on every rank, naming the node.
    const auto x = grid.coordinates(grid.from_natural_index(bad));
    std::ostringstream os;
    os << "non-finite value in the Bellman update (" << where << ") at node (";
    for (int a = 0; a < D; ++a) os << (a ? ", " : "") << grid.axis(a).name << " = " << x[a];
    os << "); no table is written";
    throw NumericalError(os.str());
  }
  return global[0];
}

}  // namespace hjb
