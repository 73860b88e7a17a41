// Certified upper bounds on the optimal expected return of an MDP problem, by set-oriented dynamic
// programming on boxes (issue 18's route (b)).
//
// The domain is cut into closed cells (boxes) and the action box into closed intervals. For a cell
// B, an action interval I and the problem's enclosure E(B, I) of the exact step (interval
// arithmetic, core/interval.hpp: every image f(x, a), x in B, a in I, lies in E),
//   W_k(B) = max_I [ r_up(B, I) + next_up(E(B, I)) ],   next_up(E) = max of W_{k+1} over the cells E
// meets (with the terminal reward where E may hold terminal states), W_N = 0, r_up = -step_cost_lower.
// By induction V_k(x) <= W_k(B) for every x in B: the optimal return from any state of a cell is at
// most its W. The expected optimal return over the start distribution (uniform on the start box) is
// then at most the start box's average of W_0 — the certified upper end of the optimum's bracket.
// Discounted problems: value iteration on boxes from W = 0 (valid when every reward is <= 0; each
// iterate is a bound, and they decrease to the fixed point).
//
// Each sum is rounded upward (one ulp), so floating-point rounding cannot make a bound smaller than
// the exact one. Cells are distributed over the ranks in blocks; W is gathered every stage.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/interval.hpp"
#include "core/problem_interface.hpp"
#include "core/rl_mapping.hpp"
#include "core/sets.hpp"

namespace hjb {

struct BoxBoundOptions {
  std::vector<std::int64_t> cells;  ///< cells per axis of the domain
  int action_intervals = 16;        ///< intervals per control axis (discrete action sets: their actions)
  long stages = 0;                  ///< episodic: stages (0: the problem's episode_steps)
  bool discounted = false;          ///< infinite-horizon discounted return (value iteration on boxes)
  double tolerance = 1e-9;          ///< discounted: stop when W changes less than this (sup norm)
  long max_iterations = 100000;
};

struct BoxBoundResult {
  double upper = 0.0;         ///< certified: >= E[optimal return] over the start distribution
  double start_cell_max = 0;  ///< max of W_0 over the cells the start box meets
  long stages = 0;            ///< stages (episodic) or iterations (discounted)
  double last_change = 0.0;   ///< discounted: the last iteration's sup-norm change
  double seconds = 0.0;
  std::int64_t cells = 0;
  int actions = 0;
  double bytes = 0.0;  ///< the transition table's memory per rank
  /// W_0 of every cell (the last axis fastest) and the cells' geometry: the bound at a state.
  std::vector<double> w0;
  std::vector<std::int64_t> cells_per_axis;
  std::vector<double> lo, width;
  std::vector<char> periodic;

  /// The certified bound on the optimal return from state x: W_0 of the closed cell holding x (the
  /// larger one where x lies on a face between cells; periodic axes wrap).
  double at(const double* x) const {
    const int d = static_cast<int>(cells_per_axis.size());
    std::vector<std::int64_t> candidates[8];
    for (int k = 0; k < d; ++k) {
      const std::int64_t n = cells_per_axis[k];
      double u = (x[k] - lo[k]) / width[k];
      if (periodic[k]) u -= static_cast<double>(n) * std::floor(u / static_cast<double>(n));
      const std::int64_t a = static_cast<std::int64_t>(std::floor(u - 1e-9)),
                         b = static_cast<std::int64_t>(std::floor(u + 1e-9));
      for (std::int64_t i = a; i <= b; ++i) {
        std::int64_t j = periodic[k] ? (i % n + n) % n : std::clamp<std::int64_t>(i, 0, n - 1);
        candidates[k].push_back(j);
      }
    }
    double best = -std::numeric_limits<double>::infinity();
    std::size_t idx[8] = {};
    while (true) {
      std::int64_t flat = 0;
      for (int k = 0; k < d; ++k) flat = flat * cells_per_axis[k] + candidates[k][idx[k]];
      best = std::max(best, w0[static_cast<std::size_t>(flat)]);
      int k = d - 1;
      while (k >= 0 && ++idx[k] == candidates[k].size()) idx[k--] = 0;
      if (k < 0) break;
    }
    return best;
  }
};

namespace box_bound_detail {

/// One (cell, action interval) transition: the cells its enclosure meets (a first cell and a count
/// per axis, periodic axes wrapping), an upper bound of the reward, and whether the image may hold
/// (1) or surely holds (2) terminal states.
template <int D>
struct Transition {
  std::int32_t first[D];
  std::int32_t count[D];
  double reward = 0.0;
  std::uint8_t terminal = 0;
};

inline double round_up(double x) { return std::nextafter(x, std::numeric_limits<double>::infinity()); }

/// The cells: closed boxes of equal size over the problem's domain, the last axis fastest.
template <int D>
struct Cells {
  std::array<AxisDomain, D> domain;
  std::int64_t n[D], stride[D], total = 1;
  double width[D];

  Cells(const std::array<AxisDomain, D>& d, const std::vector<std::int64_t>& counts) : domain(d) {
    for (int k = 0; k < D; ++k) {
      n[k] = counts[k];
      total *= n[k];
      width[k] = (domain[k].hi - domain[k].lo) / static_cast<double>(n[k]);
    }
    stride[D - 1] = 1;
    for (int k = D - 2; k >= 0; --k) stride[k] = stride[k + 1] * n[k + 1];
  }
  Box<D> box(std::int64_t c) const {
    Box<D> b;
    for (int k = D - 1; k >= 0; --k) {
      const std::int64_t i = c % n[k];
      c /= n[k];
      b.lo[k] = domain[k].lo + static_cast<double>(i) * width[k];
      b.hi[k] = i + 1 == n[k] ? domain[k].hi : domain[k].lo + static_cast<double>(i + 1) * width[k];
    }
    return b;
  }
  /// The cells along axis k that [lo, hi] meets: (first, count), wrapping on a periodic axis. A
  /// margin covers the division's rounding (it only widens). Throws when a non-periodic image
  /// leaves the domain (the problems clip their states to it).
  std::pair<std::int32_t, std::int32_t> range(int k, double lo, double hi, const std::string& problem) const {
    const double cells = static_cast<double>(n[k]);
    double a = (lo - domain[k].lo) / width[k], b = (hi - domain[k].lo) / width[k];
    if (domain[k].periodic && !(std::isfinite(a) && std::isfinite(b)) && !std::isnan(a) && !std::isnan(b))
      return {0, static_cast<std::int32_t>(n[k])};  // an unbounded angle: every cell of the period
    HJB_CHECK(std::isfinite(a) && std::isfinite(b), RuntimeError,
              "the enclosure of problem '" << problem << "' is not finite");
    a = std::floor(a - 1e-9);
    b = std::floor(b + 1e-9);
    if (domain[k].periodic) {
      if (b - a + 1 >= cells) return {0, static_cast<std::int32_t>(n[k])};
      return {static_cast<std::int32_t>(a - cells * std::floor(a / cells)),
              static_cast<std::int32_t>(b - a + 1)};
    }
    HJB_CHECK(a >= -1 && b <= cells, RuntimeError,
              "the enclosure of problem '" << problem << "' leaves the domain on axis " << k
                                           << ": no certified bound");
    a = std::clamp(a, 0.0, cells - 1);
    b = std::clamp(b, 0.0, cells - 1);
    return {static_cast<std::int32_t>(a), static_cast<std::int32_t>(b - a + 1)};
  }
  /// The maximum of w over the cells of t; over more than `many` cells, w's maximum everywhere
  /// (`largest`: larger or equal, so still a bound, and a wide enclosure costs one lookup).
  double max_over(const Transition<D>& t, const std::vector<double>& w, double largest) const {
    constexpr double many = 4096;
    double cells = 1;
    for (int k = 0; k < D; ++k) cells *= t.count[k];
    if (cells > many) return largest;
    double best = -std::numeric_limits<double>::infinity();
    std::int32_t i[D] = {};
    while (true) {
      std::int64_t flat = 0;
      for (int k = 0; k < D; ++k) {
        std::int64_t idx = t.first[k] + i[k];
        if (idx >= n[k]) idx -= n[k];
        flat += idx * stride[k];
      }
      best = std::max(best, w[static_cast<std::size_t>(flat)]);
      int k = D - 1;
      while (k >= 0 && ++i[k] == t.count[k]) i[k--] = 0;
      if (k < 0) return best;
    }
  }
};

/// The action intervals: a grid of closed boxes over the action box (a discrete set: its points).
template <class P>
std::vector<Box<P::control_dim>> action_intervals(const P& problem, int per_axis) {
  constexpr int M = P::control_dim;
  std::vector<Box<M>> actions;
  if constexpr (requires { P::discrete_actions; }) {
    for (const auto& a : action_grid(problem.action_box(), P::discrete_actions)) actions.push_back({a, a});
  } else {
    const Box<M> box = problem.action_box();
    std::int64_t count = 1;
    for (int j = 0; j < M; ++j) count *= per_axis;
    for (std::int64_t q = 0; q < count; ++q) {
      Box<M> a;
      std::int64_t r = q;
      for (int j = M - 1; j >= 0; --j) {
        const std::int64_t i = r % per_axis;
        r /= per_axis;
        const double h = (box.hi[j] - box.lo[j]) / per_axis;
        a.lo[j] = box.lo[j] + static_cast<double>(i) * h;
        a.hi[j] = i + 1 == per_axis ? box.hi[j] : box.lo[j] + static_cast<double>(i + 1) * h;
      }
      actions.push_back(a);
    }
  }
  return actions;
}

/// The transitions of cells [first, last) (time-invariant: built once). Returns whether every
/// reward bound is <= 0.
template <class P>
bool build_transitions(const P& problem, const Cells<P::dim>& cells,
                       const std::vector<Box<P::control_dim>>& actions, std::int64_t first, std::int64_t last,
                       std::vector<Transition<P::dim>>& table) {
  constexpr int D = P::dim;
  const std::size_t K = actions.size();
  table.resize(static_cast<std::size_t>(last - first) * K);
  bool nonpositive = true;
  for (std::int64_t c = first; c < last; ++c) {
    const Box<D> b = cells.box(c);
    for (std::size_t q = 0; q < K; ++q) {
      Transition<D>& t = table[static_cast<std::size_t>(c - first) * K + q];
      const Box<D> e = problem.step_enclosure(b, actions[q]);
      t.reward = -problem.step_cost_lower(b, actions[q]);
      nonpositive = nonpositive && t.reward <= 0.0;
      for (int k = 0; k < D; ++k)
        std::tie(t.first[k], t.count[k]) = cells.range(k, e.lo[k], e.hi[k], P::name());
      if constexpr (HasTerminalStates<P>) {
        const Interval term = problem.terminal_indicator(e);
        t.terminal = term.lo >= 1.0 ? 2 : term.hi >= 1.0 ? 1 : 0;
      }
    }
  }
  return nonpositive;
}

/// The start distribution's average of w: uniform on the start box (a point on an axis of width 0;
/// a point on a face between two cells takes the larger w), rounded upward, plus the max over the
/// start cells.
template <int D>
std::pair<double, double> start_average(const Cells<D>& cells, const Box<D>& start,
                                        const std::vector<double>& w) {
  std::vector<std::pair<std::int64_t, double>> shares[D];
  bool point[D];
  double weights = 1.0;
  for (int k = 0; k < D; ++k) {
    point[k] = start.hi[k] <= start.lo[k];
    const double lo = (start.lo[k] - cells.domain[k].lo) / cells.width[k],
                 hi = (start.hi[k] - cells.domain[k].lo) / cells.width[k];
    const auto a =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(lo - 1e-9)), 0, cells.n[k] - 1);
    const auto b =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(hi + 1e-9)), 0, cells.n[k] - 1);
    double sum = 0.0;
    for (std::int64_t i = a; i <= b; ++i) {
      const double share = point[k] ? 1.0
                                    : std::max(0.0, std::min(hi, static_cast<double>(i + 1)) -
                                                        std::max(lo, static_cast<double>(i))) /
                                          (hi - lo);
      if (share > 0.0) shares[k].push_back({i, share});
      sum += point[k] ? 0.0 : share;
    }
    weights *= point[k] ? 1.0 : sum;
  }
  double expected = 0.0, cell_max = -std::numeric_limits<double>::infinity(), largest = 0.0;
  std::size_t idx[D] = {};
  while (true) {  // over the non-point axes' cells; within, the max over the point axes' ties
    double weight = 1.0, best = -std::numeric_limits<double>::infinity();
    for (int k = 0; k < D; ++k)
      if (!point[k]) weight *= shares[k][idx[k]].second;
    std::size_t tie[D] = {};
    while (true) {
      std::int64_t flat = 0;
      for (int k = 0; k < D; ++k)
        flat += (point[k] ? shares[k][tie[k]].first : shares[k][idx[k]].first) * cells.stride[k];
      best = std::max(best, w[static_cast<std::size_t>(flat)]);
      int k = D - 1;
      while (k >= 0 && (!point[k] || ++tie[k] == shares[k].size())) {
        if (point[k]) tie[k] = 0;
        --k;
      }
      if (k < 0) break;
    }
    expected = round_up(expected + round_up(weight * best));
    cell_max = std::max(cell_max, best);
    largest = std::max(largest, std::abs(best));
    int k = D - 1;
    while (k >= 0 && (point[k] || ++idx[k] == shares[k].size())) {
      if (!point[k]) idx[k] = 0;
      --k;
    }
    if (k < 0) break;
  }
  // The shares' rounding: their sum may miss 1 by a few ulps; widen by that much of max |w|.
  return {round_up(expected + (std::abs(1.0 - weights) + 1e-15) * largest), cell_max};
}

}  // namespace box_bound_detail

/// Collective over comm; the same result on every rank.
template <class P>
requires EnclosedStepProblem<P> && EnvironmentProblem<P> BoxBoundResult
box_upper_bound(const P& problem, const BoxBoundOptions& o, MPI_Comm comm) {
  constexpr int D = P::dim;
  using namespace box_bound_detail;
  const auto start_time = std::chrono::steady_clock::now();
  HJB_CHECK(static_cast<int>(o.cells.size()) == D, UsageError,
            "--cells: give " << D << " cell counts (one per axis of problem '" << P::name() << "')");
  for (auto n : o.cells)
    HJB_CHECK(n >= 1 && n <= (1 << 24), UsageError,
              "--cells: each count must be in [1, 16777216], got " << n);
  HJB_CHECK(o.action_intervals >= 1 && o.action_intervals <= 100000, UsageError,
            "--actions must be in [1, 100000], got " << o.action_intervals);
  const Cells<D> cells(problem.domain(), o.cells);
  HJB_CHECK(cells.total < std::numeric_limits<int>::max(), UsageError, "--cells: more than 2^31 cells");
  const auto actions = action_intervals(problem, o.action_intervals);
  const int K = static_cast<int>(actions.size());
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::int64_t first = cells.total * rank / size, last = cells.total * (rank + 1) / size;
  BoxBoundResult result;
  result.cells = cells.total;
  result.actions = K;
  result.bytes = static_cast<double>(last - first) * K * sizeof(Transition<D>) + 16.0 * cells.total;
  HJB_CHECK(
      result.bytes < 16e9, UsageError,
      "the box bound would need " << result.bytes / 1e9 << " GB per rank; use fewer --cells or --actions");
  std::vector<Transition<D>> table;
  int nonpositive = build_transitions(problem, cells, actions, first, last, table) ? 1 : 0,
      all_nonpositive = 0;
  MPI_Allreduce(&nonpositive, &all_nonpositive, 1, MPI_INT, MPI_MIN, comm);
  HJB_CHECK(!o.discounted || all_nonpositive == 1, RuntimeError,
            "box_upper_bound: the discounted bound starts from W = 0, which needs every reward <= 0");
  double terminal_reward = 0.0;
  if constexpr (HasTerminalStates<P>) {  // a constant in this catalogue (MountainCar's goal reward)
    terminal_reward = problem.terminal_reward(cells.box(0).lo);
    HJB_CHECK(problem.terminal_reward(cells.box(cells.total - 1).hi) == terminal_reward, RuntimeError,
              "box_upper_bound: the terminal reward of problem '" << P::name() << "' is not constant");
  }
  const double gamma = o.discounted ? problem.discount : 1.0;
  std::vector<int> counts(size), displacements(size);
  for (int r = 0; r < size; ++r) {
    displacements[r] = static_cast<int>(cells.total * r / size);
    counts[r] = static_cast<int>(cells.total * (r + 1) / size - cells.total * r / size);
  }
  std::vector<double> next(static_cast<std::size_t>(cells.total), 0.0),
      mine(static_cast<std::size_t>(last - first));
  const long stages =
      o.discounted ? o.max_iterations : (o.stages > 0 ? o.stages : static_cast<long>(problem.episode_steps));
  for (result.stages = 0; result.stages < stages;) {
    double change = 0.0;
    const double largest = *std::max_element(next.begin(), next.end());
    for (std::int64_t c = first; c < last; ++c) {
      double best = -std::numeric_limits<double>::infinity();
      for (int q = 0; q < K; ++q) {
        const Transition<D>& t = table[static_cast<std::size_t>((c - first) * K + q)];
        double future = t.terminal == 2 ? terminal_reward : cells.max_over(t, next, largest);
        if (t.terminal == 1) future = std::max(future, terminal_reward);
        best = std::max(best, round_up(t.reward + round_up(gamma * future)));
      }
      mine[static_cast<std::size_t>(c - first)] = best;
      change = std::max(change, std::abs(best - next[static_cast<std::size_t>(c)]));
    }
    MPI_Allgatherv(mine.data(), counts[rank], MPI_DOUBLE, next.data(), counts.data(), displacements.data(),
                   MPI_DOUBLE, comm);
    ++result.stages;
    if (o.discounted) {
      MPI_Allreduce(&change, &result.last_change, 1, MPI_DOUBLE, MPI_MAX, comm);
      if (result.last_change < o.tolerance) break;
    }
  }
  std::tie(result.upper, result.start_cell_max) = start_average(cells, problem.start_box(), next);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  result.cells_per_axis = o.cells;
  for (int k = 0; k < D; ++k) {
    result.lo.push_back(cells.domain[k].lo);
    result.width.push_back(cells.width[k]);
    result.periodic.push_back(cells.domain[k].periodic ? 1 : 0);
  }
  result.w0 = std::move(next);
  return result;
}

}  // namespace hjb
