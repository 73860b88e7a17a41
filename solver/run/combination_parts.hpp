// The pieces of the combination-technique driver (solver/run/combination_run.hpp): assigning
// components to process groups, solving a group's components with the tensor solver, reading them
// back on every rank, evaluating the combination at a point, the stop with a checkpoint, and the
// feedback at the sparse nodes.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <vector>

#include "grids/multilinear.hpp"
#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "solver/algorithms/combination.hpp"
#include "solver/algorithms/sparse_time_dependent.hpp"
#include "solver/io/sparse_table.hpp"
#include "solver/io/version_attributes.hpp"
#include "solver/run/sparse_run_common.hpp"
#include "solver/run/time_dependent_run.hpp"

namespace hjb {

namespace combination_detail {

/// Component c goes to the least loaded of `groups` groups, the largest components first.
inline std::vector<int> owners_by_cost(const std::vector<double>& cost, int groups) {
  std::vector<int> owner(cost.size());
  std::vector<std::size_t> order(cost.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  std::vector<double> load(static_cast<std::size_t>(groups), 0.0);
  for (std::size_t c : order) {
    const auto least = std::min_element(load.begin(), load.end()) - load.begin();
    owner[c] = static_cast<int>(least);
    load[least] += cost[c];
  }
  return owner;
}

/// The component directory: removed with its tables when the run publishes its table or fails;
/// kept (with the run's checkpoint naming it) when a signal or the wall time stops the run.
struct ComponentDirectory {
  MPI_Comm comm;
  std::string path;
  bool keep = false;
  std::string component(std::size_t c) const { return path + "/component_" + std::to_string(c) + ".h5"; }
  ~ComponentDirectory() {
    int r;
    MPI_Comm_rank(comm, &r);
    std::error_code ignored;
    if (r == 0 && !keep) std::filesystem::remove_all(path, ignored);
  }
};

/// One solved component: its axes and final values.
template <int D>
struct ComponentTable {
  std::array<Axis, D> axes;
  std::vector<double> values;
  std::array<std::int64_t, D> strides{};
};

/// Collective: rank 0 reads a component table and broadcasts its axes and final values (one reader
/// per file, not one per rank); a read failure is the same error on every rank.
template <int D>
ComponentTable<D> broadcast_component(MPI_Comm comm, const std::string& path) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  ComponentTable<D> table;
  std::vector<double> header(4 * D, 0.0);
  bool read_ok = true;
  std::string read_error;
  if (rank == 0) try {
      Table t = read_table(path);
      for (int k = 0; k < D; ++k) {
        table.axes[k] = t.axes.at(k);
        header[4 * k] = t.axes[k].lo;
        header[4 * k + 1] = t.axes[k].hi;
        header[4 * k + 2] = static_cast<double>(t.axes[k].n);
        header[4 * k + 3] = t.axes[k].periodic ? 1.0 : 0.0;
      }
      table.values = std::move(t.values.back());
    } catch (const std::exception& e) {
      read_ok = false;
      read_error = e.what();
    }
  agree_on_success(comm, read_ok, rank == 0 ? read_error : "rank 0 could not read a component table");
  MPI_Bcast(header.data(), 4 * D, MPI_DOUBLE, 0, comm);
  std::int64_t stored = 1;
  for (int k = 0; k < D; ++k) {
    Axis& ax = table.axes[k];
    ax.lo = header[4 * k];
    ax.hi = header[4 * k + 1];
    ax.n = static_cast<std::int64_t>(header[4 * k + 2]);
    ax.periodic = header[4 * k + 3] != 0.0;
    stored *= ax.n;
  }
  table.values.resize(static_cast<std::size_t>(stored));
  for (std::int64_t done = 0; done < stored;) {  // MPI counts are int
    const int chunk = static_cast<int>(std::min<std::int64_t>(stored - done, 1 << 30));
    MPI_Bcast(table.values.data() + done, chunk, MPI_DOUBLE, 0, comm);
    done += chunk;
  }
  table.strides[D - 1] = 1;
  for (int k = D - 2; k >= 0; --k) table.strides[k] = table.strides[k + 1] * table.axes[k + 1].n;
  return table;
}

using NodeSet = std::set<std::pair<std::vector<int>, std::vector<std::int64_t>>>;

/// Adds the nodes of the full grid with levels `l` (2^l_k + 1 nodes per axis) as hierarchical
/// (level, index) pairs per axis.
template <int D>
void add_component_nodes(const std::vector<int>& l, NodeSet& nodes) {
  std::int64_t count = 1;
  for (int k = 0; k < D; ++k) count *= (std::int64_t{1} << l[k]) + 1;
  for (std::int64_t q = 0; q < count; ++q) {
    std::int64_t rest = q;
    std::vector<int> nl(D);
    std::vector<std::int64_t> ni(D);
    for (int k = D - 1; k >= 0; --k) {
      std::int64_t t = rest % ((std::int64_t{1} << l[k]) + 1);
      rest /= (std::int64_t{1} << l[k]) + 1;
      int lev = l[k];
      while (lev > 0 && t % 2 == 0) {
        t /= 2;
        --lev;
      }
      nl[k] = lev;
      ni[k] = t;
    }
    nodes.emplace(nl, ni);
  }
}

/// The combination at a point: the components' multilinear interpolants with their coefficients
/// (the same function as the sparse interpolant of its values at the union of the component
/// nodes, which spans every component; evaluated from the components, it costs no hash lookups).
template <int D>
double combination_at(const std::vector<ComponentTable<D>>& tables,
                      const std::vector<CombinationComponent>& components, const State<D>& x) {
  double sum = 0.0;
  std::array<std::array<std::int64_t, 2>, D> offset;
  std::array<std::array<double, 2>, D> weight;
  for (std::size_t c = 0; c < components.size(); ++c) {
    if (components[c].coefficient == 0.0) continue;  // a grid only another combination uses
    // Per axis the two cell nodes (wrapped on a periodic axis) and their weights; then the 2^D
    // corners, skipping those of weight 0 (a node on the component's grid lines).
    int moving = 0;  // axes whose point lies strictly inside a cell
    for (int k = 0; k < D; ++k) {
      const Axis& ax = tables[c].axes[k];
      std::int64_t i;
      double w;
      locate(ax, x[k], i, w);
      const std::int64_t up = i + 1 == ax.n ? 0 : i + 1;
      offset[k] = {i * tables[c].strides[k], up * tables[c].strides[k]};
      weight[k] = {1.0 - w, w};
      if (w != 0.0) moving |= 1 << k;
    }
    const std::vector<double>& v = tables[c].values;
    double value = 0.0;
    for (int corner = moving;; corner = (corner - 1) & moving) {  // the subsets of `moving`
      std::int64_t q = 0;
      double wt = 1.0;
      for (int k = 0; k < D; ++k) {
        const int up = (corner >> k) & 1;
        q += offset[k][up];
        wt *= weight[k][up];
      }
      value += wt * v[static_cast<std::size_t>(q)];
      if (corner == 0) break;
    }
    sum += components[c].coefficient * value;
  }
  return sum;
}

/// How the component solves of this rank's group ended.
struct ComponentsOutcome {
  int stopped = 0;  ///< a component stopped by a signal or the wall time: Termination as int, 0 for none
  std::string failure;
  double node_stage_updates = 0;
};

/// This group's components (those not finished before a restart) solved one after another by the
/// tensor solver on the sub-communicator `sub`, each into its table in the directory; a component
/// stopped mid-way resumes from its own checkpoint. The run's wall time is shared by the components.
template <class P>
ComponentsOutcome solve_components(MPI_Comm sub, const SolveConfig& config,
                                   const std::array<AxisDomain, P::dim>& domain,
                                   const std::vector<CombinationComponent>& components,
                                   const std::vector<int>& owner, int group,
                                   const ComponentDirectory& directory, double start) {
  constexpr int D = P::dim;
  ComponentsOutcome out;
  for (std::size_t c = 0; c < components.size() && !out.stopped; ++c) {
    if (owner[c] != group) continue;
    if (std::filesystem::exists(directory.component(c)))
      continue;  // finished before a restart (published by rename)
    SolveConfig cc = config;
    cc.grid.type = GridType::tensor;
    cc.grid.shape.clear();
    for (int k = 0; k < D; ++k)
      cc.grid.shape.push_back((std::int64_t{1} << components[c].levels[k]) + (domain[k].periodic ? 0 : 1));
    cc.output.file = directory.component(c);
    cc.output.history.clear();
    cc.checkpoint.file = cc.output.file + ".ckpt";
    cc.output.quiet = true;
    cc.time_dependent.progress_seconds = std::numeric_limits<double>::infinity();
    cc.control = RunControlOptions{};
    cc.checkpoint.restart.clear();
    cc.checkpoint.overwrite = false;
    if (std::filesystem::exists(cc.checkpoint.file))
      cc.checkpoint.restart = cc.checkpoint.file;  // stopped mid-component
    if (config.control.walltime_seconds > 0) {     // what is left of the run's wall time
      cc.control.walltime_seconds = config.control.walltime_seconds - (MPI_Wtime() - start);
      if (cc.control.walltime_seconds <= 0) {
        out.stopped = static_cast<int>(Termination::wall_time);
        break;
      }
    }
    try {
      const SolveSummary cs = run_time_dependent<P>(sub, cc);
      out.node_stage_updates += cs.node_stage_updates;
      if (cs.termination == Termination::stopped_by_signal || cs.termination == Termination::wall_time)
        out.stopped = static_cast<int>(cs.termination);
    } catch (const std::exception& e) {
      out.failure = e.what();
      break;
    }
  }
  return out;
}

/// Collective: a stop keeps what is done for --restart — the run's checkpoint holds one flag per
/// component (1: its table is finished) and names the component directory, which is kept.
inline SolveSummary stop_combination(MPI_Comm comm, SolveSummary s, Termination why,
                                     std::size_t component_count, ComponentDirectory& directory,
                                     const RunFiles& files, const std::string& identity,
                                     FailedRunCleanup& remove_checkpoint) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  std::vector<double> done(component_count, 0.0);
  if (rank == 0)
    for (std::size_t c = 0; c < component_count; ++c)
      done[c] = std::filesystem::exists(directory.component(c)) ? 1.0 : 0.0;
  MPI_Bcast(done.data(), static_cast<int>(done.size()), MPI_DOUBLE, 0, comm);
  const auto n = static_cast<std::int64_t>(component_count);
  const long finished = static_cast<long>(std::count(done.begin(), done.end(), 1.0));
  // The state: 1 per finished component (rank 0 writes it all).
  write_checkpoint(
      comm, files.checkpoint, files.temporary(files.checkpoint), {identity, directory.path, 0.0, finished, 0},
      {Axis{"component", 0.0, static_cast<double>(n - 1), n, false}}, {0}, {rank == 0 ? n : 0}, done.data());
  directory.keep = true;
  remove_checkpoint.disarm();
  s.termination = why;
  s.iterations = finished;
  std::ostringstream os;
  os << "stopped by " << (s.termination == Termination::wall_time ? "the wall-time limit" : "a signal")
     << " with " << finished << " of " << n << " component grids finished; checkpoint written to "
     << files.checkpoint << " (components in " << directory.path << "); resume with --restart "
     << files.checkpoint;
  s.message = os.str();
  return s;
}

/// Collective: the feedback at the nodes, as semi-Lagrangian sparse tables hold it — the inputs
/// optimal for the costate of the combined V at t = -horizon (central differences over the finest
/// spacing), each rank its block, gathered on every rank.
template <class P>
std::vector<std::vector<double>> combination_feedback(
    const P& problem, const sparse::AdaptiveSparseGrid& grid, const SparseNodeBlocks& blocks, double horizon,
    const std::function<double(const State<P::dim>&)>& combined) {
  constexpr int D = P::dim;
  const auto domain = problem.domain();
  const auto value = [&](const double* y) {
    State<D> point;
    std::copy(y, y + D, point.begin());
    return combined(point);
  };
  const auto wrap = [&](State<D>& y) { wrap_periodic<D>(domain, grid, y); };
  double reach = std::numeric_limits<double>::infinity();
  for (int k = 0; k < D; ++k)
    reach = std::min(reach, std::ldexp(grid.hi()[k] - grid.lo()[k], -grid.max_level(k)));
  std::vector<Point<P::control_dim>> best(static_cast<std::size_t>(grid.size()));
  State<D> x;
  for (std::int64_t p = blocks.first(); p < blocks.last(); ++p) {
    grid.coordinates(p, x.data());
    const State<D> costate = sparse_costate<D>(value, x, reach, domain, grid, wrap);
    best[p] = optimal_inputs(problem, x, costate, -horizon).control;
  }
  gather_controls(best, blocks, grid.size());
  std::vector<std::vector<double>> control(P::control_dim, std::vector<double>(best.size()));
  for (std::size_t p = 0; p < best.size(); ++p)
    for (int j = 0; j < P::control_dim; ++j) control[j][p] = best[p][j];
  return control;
}

}  // namespace combination_detail

}  // namespace hjb
