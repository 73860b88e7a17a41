// The optimal expected episode return of a finite-horizon table, two ways (episodic.hpp).
#include "rl_baselines/agents/episodic.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>

#include "core/error.hpp"
#include "grids/multilinear.hpp"
#include "rl_baselines/agents/beam_search.hpp"
#include "rl_baselines/agents/evaluate.hpp"

namespace hjb::rl {

namespace {

/// The table's `count` actions: the solvers' action grid over env's action box. Throws ValidationError
/// naming `path` when `count` is not a whole grid.
std::vector<std::vector<double>> table_actions(const Environment& env, long count, const std::string& path) {
  const int m = env.action_dim();
  const long per_axis = std::lround(std::pow(static_cast<double>(count), 1.0 / m));
  std::vector<std::vector<double>> actions = env.action_grid(static_cast<int>(per_axis));
  HJB_CHECK(static_cast<long>(actions.size()) == count, ValidationError,
            path << ": " << count << " actions is not a grid of " << m << "-D actions");
  return actions;
}

/// The feasible policy's achieved return from each start — the lookahead, or the beam search merging
/// states per cell of `search.beam_cell` x `cell_unit` per axis — into r (returns, seconds, search).
void search_returns(const Environment& env, const std::vector<std::vector<double>>& starts,
                    const std::vector<std::vector<double>>& actions,
                    const std::function<double(long, const std::vector<double>&)>& cost_to_go,
                    const EpisodicSearch& search, const std::vector<double>& cell_unit, EpisodicOptimum& r) {
  const auto t0 = std::chrono::steady_clock::now();
  r.lookahead_depth = search.lookahead;
  r.beam = search.beam;
  BeamSearchSettings settings;
  settings.width = search.beam;
  if (search.beam > 0) {
    HJB_CHECK(search.beam_cell >= 0.0 && std::isfinite(search.beam_cell), UsageError,
              "--beam.cell must be a non-negative number of table cells, got " << search.beam_cell);
    if (search.beam_cell > 0.0)
      for (const double unit : cell_unit) settings.cell.push_back(search.beam_cell * unit);
  }
  r.returns = per_start(search.share, starts, [&](const std::vector<std::vector<double>>& mine) {
    if (search.beam == 0)
      return lookahead_returns(env, mine, r.horizon, actions, cost_to_go, search.lookahead);
    std::vector<double> returns;
    for (const auto& x0 : mine)
      returns.push_back(beam_search(env, x0, r.horizon, actions, cost_to_go, settings).achieved_return);
    return returns;
  });
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

EpisodicOptimum episodic_optimum(const Table& table, const std::string& path, const Environment& env,
                                 const std::vector<std::vector<double>>& starts, bool from_start_distribution,
                                 const EpisodicSearch& search) {
  HJB_CHECK(table.numbers.count("horizon_steps") && table.numbers.count("actions"), ValidationError,
            path << ": a finite-horizon table without horizon_steps/actions attributes");
  EpisodicOptimum r;
  r.horizon = std::lround(table.numbers.at("horizon_steps"));
  const long horizon = r.horizon;
  // Snapshot j holds stage k = N + t_j (t_j = k - N <= 0). The lookahead at step k needs V_{k+1}:
  // where a stage is not stored, the nearest stored one stands in (still a feasible feedback, so
  // the closed loop still bounds the optimum; exact when every stage is stored).
  std::vector<int> snapshot_of(static_cast<std::size_t>(horizon + 1), -1);
  for (std::size_t j = 0; j < table.times.size(); ++j) {
    const long k = horizon + std::lround(table.times[j]);
    if (k >= 0 && k <= horizon) snapshot_of[static_cast<std::size_t>(k)] = static_cast<int>(j);
  }
  HJB_CHECK(snapshot_of[0] >= 0 && snapshot_of[static_cast<std::size_t>(horizon)] >= 0, ValidationError,
            path << ": a finite-horizon table without its stages 0 and " << horizon);
  r.stored_stages = horizon + 1 - std::count(snapshot_of.begin(), snapshot_of.end(), -1);
  std::vector<int> nearest(snapshot_of);
  for (long k = 0; k <= horizon; ++k) {
    if (nearest[k] >= 0) continue;
    for (long d = 1;; ++d) {
      if (k - d >= 0 && snapshot_of[k - d] >= 0) {
        nearest[k] = snapshot_of[k - d];
        break;
      }
      if (k + d <= horizon && snapshot_of[k + d] >= 0) {
        nearest[k] = snapshot_of[k + d];
        break;
      }
    }
  }
  r.actions = std::lround(table.numbers.at("actions"));
  const std::vector<std::vector<double>> actions = table_actions(env, r.actions, path);
  const std::vector<double>& v0 = table.values[static_cast<std::size_t>(snapshot_of[0])];
  const auto cost_to_go = [&](long k, const std::vector<double>& y) {
    return interpolate_table(table.axes, table.values[static_cast<std::size_t>(nearest[k])], y.data());
  };
  std::vector<double> cell_unit;  // the beam's cell in table cells (graded axes: the middle cell)
  for (const auto& axis : table.axes) cell_unit.push_back(axis.min_spacing());
  search_returns(env, starts, actions, cost_to_go, search, cell_unit, r);
  for (std::size_t i = 0; i < starts.size(); ++i)
    r.paired.push_back(r.returns[i] + interpolate_table(table.axes, v0, starts[i].data()));  // R - (-V_0)
  if (from_start_distribution) {
    try {
      r.table_return = -uniform_box_mean(table.axes, v0, env.start_low(), env.start_high());
    } catch (const std::invalid_argument& e) {
      throw ValidationError(path + ": the start distribution of " + env.problem_name() +
                            " is not inside the table's grid: " + e.what());
    }
  } else {
    r.table_return = -interpolate_table(table.axes, v0, starts.at(0).data());
  }
  return r;
}

EpisodicOptimum sparse_episodic_optimum(const ValueTable& table, const Environment& env,
                                        const std::vector<std::vector<double>>& starts,
                                        const EpisodicSearch& search) {
  const SparseTable* sparse = table.sparse_table();
  HJB_CHECK(sparse && table.mode() == "finite_horizon" && table.numbers().count("episode_steps") &&
                table.numbers().count("actions"),
            ValidationError, table.path() << ": not a sparse finite-horizon table");
  HJB_CHECK(table.dimension() == env.state_dim(), ValidationError,
            table.path() << ": its dimensions do not match problem '" << env.problem_name() << "'");
  EpisodicOptimum r;
  r.horizon = std::lround(table.numbers().at("episode_steps"));
  r.stored_stages = 1;
  r.actions = std::lround(table.numbers().at("actions"));
  const std::vector<std::vector<double>> actions = table_actions(env, r.actions, table.path());
  // The interpolant the recursion used: limited to the nodal values that contribute at the point
  // (evaluate_limited of the regular or the adaptive grid); the plain one overshoots by more than
  // one step's differences.
  const auto* adaptive = dynamic_cast<const sparse::AdaptiveSparseGrid*>(sparse->nodes.get());
  HJB_CHECK(!sparse->adaptive || adaptive, ValidationError,
            table.path() << ": an adaptive table without its node set");
  if (adaptive) adaptive->prepare_evaluation();  // read-only from here on
  // A regular table's grid (an adaptive table's caps are its deepest levels, beyond its level).
  const std::optional<sparse::SparseGrid> grid =
      adaptive ? std::nullopt : std::optional<sparse::SparseGrid>(sparse->grid());
  const auto cost_to_go = [&](long k, const std::vector<double>& x) {
    if (k >= r.horizon) return 0.0;  // V_N = 0 exactly
    std::vector<double> y(x.size());
    table.inside(x.data(), y.data());
    return adaptive ? adaptive->evaluate_limited(sparse->surplus, sparse->nodal, y.data())
                    : grid->evaluate_limited(sparse->surplus, sparse->nodal, y.data());
  };
  std::vector<double> cell_unit;  // the finest spacing per axis (adaptive: of the deepest level present)
  for (int a = 0; a < table.dimension(); ++a)
    cell_unit.push_back((table.hi(a) - table.lo(a)) /
                        std::ldexp(1.0, adaptive ? adaptive->max_level(a) : sparse->level));
  search_returns(env, starts, actions, cost_to_go, search, cell_unit, r);
  double sum = 0.0;
  r.has_indicator = sparse->error.has_value();
  std::vector<double> y(static_cast<std::size_t>(table.dimension()));
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const double v0 = cost_to_go(0, starts[i]);
    r.paired.push_back(r.returns[i] + v0);
    sum -= v0;
    if (!r.has_indicator) continue;
    table.inside(starts[i].data(), y.data());
    const double eta = sparse->error_indicator(y.data());
    r.indicator_mean += eta / static_cast<double>(starts.size());
    r.indicator_max = std::max(r.indicator_max, eta);
  }
  r.table_return = sum / static_cast<double>(starts.size());
  return r;
}

}  // namespace hjb::rl
