// Reachability post-processing, pointwise: the backward reachable tube's Hamiltonian clip and
// static obstacles (no MPI, no PETSc).
#pragma once
#include <algorithm>

namespace hjb {

/// BRS: the plain PDE. BRT: the right-hand side r of V_tau = r is replaced by min(r, 0), so the
/// zero sublevel set (states that reach the target within the horizon) can only grow in tau
/// (Mitchell, Bayen & Tomlin 2005).
enum class ReachMode { set, tube };

inline double reach_rate(double rate, ReachMode mode) {
  return mode == ReachMode::tube ? std::min(rate, 0.0) : rate;
}

/// V = max(V, -obstacle(x)): states inside an obstacle {obstacle <= 0} never count as reaching
/// the target (ToolboxLS's reach-avoid convention for static obstacles).
inline double constrain_by_obstacle(double value, double obstacle) { return std::max(value, -obstacle); }

}  // namespace hjb
