// A per-start search for a good open-loop action sequence on a deterministic environment, seeded by a
// finite-horizon table: beam search over the table's action set (issue 18, the lower end of an
// optimum bracket). Every environment here steps deterministically from a given state (the start is
// the only random draw), so the return of the sequence found is achieved: replaying it from the same
// start gives the same return, which is therefore a lower end of that start's optimal return.
#pragma once
#include <functional>
#include <vector>

#include "rl_baselines/env/environment.hpp"

namespace hjb::rl {

struct BeamSearchSettings {
  int width = 64;  ///< nodes kept per depth
  /// States closer than a cell of this size on every axis (index units of `cell`) count as one node
  /// (the best-scoring is kept): the beam keeps distinct states instead of near-copies.
  std::vector<double> cell;
};

struct BeamSearchResult {
  double achieved_return = 0.0;  ///< the return of `actions` replayed from the start
  std::vector<int> actions;      ///< indices into the action set, one per step taken
};

/// Beam search from `start` for at most `horizon` steps: at depth k each kept node (a state reached by
/// k actions and its return so far R) is expanded by every action; a child that terminates (or reaches
/// the horizon) is a complete episode; the others are ranked by R + r - cost_to_go(k + 1, child) and
/// the best `width` distinct ones are kept. The search stops when the beam is empty or no kept node's
/// score exceeds the best complete return (a rule about effort only: whatever it returns is the
/// replayed return of a sequence, achieved on the exact step). Throws RuntimeError if the replay
/// does not reproduce the searched return (a nondeterministic step).
BeamSearchResult beam_search(const Environment& env, const std::vector<double>& start, long horizon,
                             const std::vector<std::vector<double>>& actions,
                             const std::function<double(long, const std::vector<double>&)>& cost_to_go,
                             const BeamSearchSettings& settings);

}  // namespace hjb::rl
