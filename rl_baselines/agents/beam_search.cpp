// Beam search for an open-loop action sequence seeded by a table (beam_search.hpp).
#include "rl_baselines/agents/beam_search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "core/error.hpp"

namespace hjb::rl {

namespace {

/// A node of one depth: its state, its return so far, its score and where it came from.
struct Layer {
  std::vector<double> states;  ///< node i's state at [i * dim, (i + 1) * dim)
  std::vector<double> returns, scores;
  std::vector<std::int32_t> parents;  ///< index in the previous layer (-1 at the start)
  std::vector<std::int32_t> actions;  ///< action taken from the parent
};

std::uint64_t cell_key(const double* x, const std::vector<double>& cell) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    const auto q = static_cast<std::int64_t>(std::floor(x[i] / cell[i]));
    h = (h ^ static_cast<std::uint64_t>(q)) * 1099511628211ull;
    h ^= h >> 29;
  }
  return h;
}

/// The best `width` children by score, at most one per cell.
Layer select(const Layer& children, int dim, const BeamSearchSettings& settings) {
  std::vector<std::size_t> order(children.scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return children.scores[a] > children.scores[b]; });
  std::unordered_map<std::uint64_t, char> taken;
  Layer kept;
  for (const std::size_t i : order) {
    if (static_cast<int>(kept.scores.size()) >= settings.width) break;
    const double* x = &children.states[i * static_cast<std::size_t>(dim)];
    if (!settings.cell.empty() && !taken.emplace(cell_key(x, settings.cell), 1).second) continue;
    kept.states.insert(kept.states.end(), x, x + dim);
    kept.returns.push_back(children.returns[i]);
    kept.scores.push_back(children.scores[i]);
    kept.parents.push_back(children.parents[i]);
    kept.actions.push_back(children.actions[i]);
  }
  return kept;
}

}  // namespace

BeamSearchResult beam_search(const Environment& prototype, const std::vector<double>& start, long horizon,
                             const std::vector<std::vector<double>>& actions,
                             const std::function<double(long, const std::vector<double>&)>& cost_to_go,
                             const BeamSearchSettings& settings) {
  HJB_CHECK(settings.width >= 1, UsageError, "--beam must be positive, got " << settings.width);
  HJB_CHECK(horizon >= 1, UsageError, "the horizon must be at least 1 step, got " << horizon);
  HJB_CHECK(!actions.empty(), UsageError, "the beam search needs at least one action");
  const int dim = static_cast<int>(start.size());
  HJB_CHECK(settings.cell.empty() || static_cast<int>(settings.cell.size()) == dim, UsageError,
            "the beam search's cell has " << settings.cell.size() << " sizes for a " << dim << "-D state");
  auto probe = prototype.clone();
  std::vector<Layer> layers(1);
  layers[0].states = start;
  layers[0].returns = {0.0};
  layers[0].scores = {0.0};
  layers[0].parents = {-1};
  layers[0].actions = {-1};
  double best = -std::numeric_limits<double>::infinity();
  long best_depth = -1;
  std::int32_t best_parent = -1, best_action = -1;
  std::vector<double> x(static_cast<std::size_t>(dim));
  for (long k = 0; k < horizon && !layers.back().returns.empty(); ++k) {
    const Layer& beam = layers.back();
    Layer children;
    for (std::size_t n = 0; n < beam.returns.size(); ++n) {
      std::copy_n(&beam.states[n * static_cast<std::size_t>(dim)], dim, x.begin());
      for (std::size_t a = 0; a < actions.size(); ++a) {
        probe->set_state(x);
        const StepResult r = probe->step(actions[a].data());
        const double ret = beam.returns[n] + r.reward;
        if (r.terminated || k + 1 == horizon) {
          if (ret > best) {
            best = ret;
            best_depth = k;
            best_parent = static_cast<std::int32_t>(n);
            best_action = static_cast<std::int32_t>(a);
          }
          continue;
        }
        const std::vector<double> y = probe->state();
        children.states.insert(children.states.end(), y.begin(), y.end());
        children.returns.push_back(ret);
        children.scores.push_back(ret - cost_to_go(k + 1, y));
        children.parents.push_back(static_cast<std::int32_t>(n));
        children.actions.push_back(static_cast<std::int32_t>(a));
      }
    }
    Layer kept = select(children, dim, settings);
    if (!kept.scores.empty() && *std::max_element(kept.scores.begin(), kept.scores.end()) <= best) break;
    layers.push_back(std::move(kept));
  }
  HJB_CHECK(best_depth >= 0, RuntimeError, "the beam search found no complete episode");
  // The sequence, back from the best complete episode, replayed on a fresh copy from the start.
  BeamSearchResult result;
  result.actions.assign(static_cast<std::size_t>(best_depth + 1), -1);
  result.actions[static_cast<std::size_t>(best_depth)] = best_action;
  std::int32_t node = best_parent;
  for (long k = best_depth; k >= 1; --k) {
    const Layer& layer = layers[static_cast<std::size_t>(k)];
    result.actions[static_cast<std::size_t>(k - 1)] = layer.actions[static_cast<std::size_t>(node)];
    node = layer.parents[static_cast<std::size_t>(node)];
  }
  probe->set_state(start);
  double achieved = 0.0;
  for (const int a : result.actions) {
    const StepResult r = probe->step(actions[static_cast<std::size_t>(a)].data());
    achieved += r.reward;
  }
  HJB_CHECK(achieved == best, RuntimeError,
            "the beam search's sequence returned " << achieved << " when replayed, " << best
                                                   << " when searched: the step is not deterministic");
  result.achieved_return = achieved;
  return result;
}

}  // namespace hjb::rl
