// The sparse-grid combination technique over the distributed tensor-grid solver
// (`solve --grid.type sparse --sparse.method combination`; Griebel, Schneider & Zenger 1992; run as
// DisCoTec does, component grids on MPI process groups). The truncated combination of level n with
// minimum level m per axis,
//
//     V_n = sum_{q=0}^{d-1} (-1)^q C(d-1, q) sum_{j >= 0, |j|_1 = n - q} V_{m + j},
//
// combines the solutions V_l of the tensor solver (any scheme, WENO5 included) on the anisotropic
// full grids with 2^{l_k} + 1 nodes per axis (2^{l_k} on periodic axes). The ranks are split into
// groups (MPI_Comm_split), each solving its share of the components (largest first, to the least
// loaded group) into temporary tables beside the output; rank 0 then reads them and broadcasts
// their values, every rank evaluates the combination at its block of the union of the component
// nodes (a node set closed under hierarchical parents), the blocks are assembled on every rank, which
// hierarchises it on that adaptive sparse grid, which rank 0 publishes as an adaptive sparse
// table with the feedback at the nodes (the inputs optimal for the combined V's costate). The
// temporary component tables are removed.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
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

template <class P>
SolveSummary run_combination(MPI_Comm comm, const SolveConfig& config) {
  constexpr int D = P::dim;
  const P problem = configure_problem<P>(config);
  const std::string obstacle = combination_obstacle(config);
  HJB_CHECK(obstacle.empty(), UsageError, obstacle);
  for (int c : config.grid.levels)
    HJB_CHECK(c == config.grid.level, UsageError,
              "--grid.levels: the combination technique runs isotropic levels; give " << config.grid.level
                                                                                      << " on every axis");
  const int m = config.sparse.min_level;
  HJB_CHECK(m >= 1 && m <= 20, UsageError, "--sparse.min_level must be in [1, 20], got " << m);
  HJB_CHECK(config.grid.level >= 1 && config.grid.level + m <= 24, UsageError,
            "--grid.level + --sparse.min_level must be at most 24, got " << config.grid.level + m);
  HJB_CHECK(config.time_dependent.snapshots == 1 && config.time_dependent.snapshot_taus.size() <= 1,
            UsageError,
            "--time.snapshots/--time.times: a sparse table holds V at the horizon only; give --time.horizon");
  config.control.validate();
  const auto domain = problem.domain();
  // The box (and --grid.lo/--grid.hi, level and basis checks) as every sparse run plans it.
  const SparseGridPlan plan = plan_sparse_grid(config, problem);
  const std::vector<double>& lo = plan.lo;
  const std::vector<double>& hi = plan.hi;
  const auto components = combination_components(D, config.grid.level, m);
  double total_nodes = 0;
  std::vector<double> cost;
  for (const auto& c : components) {
    double nodes = 1;
    for (int l : c.levels) nodes *= std::ldexp(1.0, l) + 1;
    cost.push_back(nodes);
    total_nodes += nodes;
  }
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const double largest = *std::max_element(cost.begin(), cost.end());
  check_sparse_memory(comm, config, "combination technique", D, largest,
                      static_cast<double>(components.size()), 8.0 * 12);
  const PreparedOutputs outputs = prepare_outputs(comm, config, total_nodes * 8.0 * (2 + D) + 65536, 0);
  SolveSummary s;
  s.algorithm = "sparse combination time_dependent";
  if (config.dry_run) {
    s.dry_run = true;
    return s;
  }
  // Groups: one per rank while there are more components than ranks, else equal shares of ranks.
  const int groups = std::min<int>(size, static_cast<int>(components.size()));
  const int group = rank * groups / size;
  MPI_Comm sub;
  MPI_Comm_split(comm, group, rank, &sub);
  std::vector<int> owner(components.size());
  {
    std::vector<std::size_t> order(components.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
    std::vector<double> load(static_cast<std::size_t>(groups), 0.0);
    for (std::size_t c : order) {
      const auto least = std::min_element(load.begin(), load.end()) - load.begin();
      owner[c] = static_cast<int>(least);
      load[least] += cost[c];
    }
  }
  const RunFiles& files = outputs.files;
  // The run's identity (what a restart must agree on) and its component directory: run-unique, or
  // the one a stopped run recorded in its checkpoint (finished component tables, and checkpoints of
  // the components that were running).
  std::string identity;
  {
    std::array<Axis, D> finest;
    for (int k = 0; k < D; ++k)
      finest[k] =
          Axis{"", lo[k], hi[k], (std::int64_t{1} << (config.grid.level + m)) + 1, domain[k].periodic};
    identity = "combination;level=" + std::to_string(config.grid.level) + ";min_level=" + std::to_string(m) +
               ";" + run_identity(problem, finest, config.time_dependent);
  }
  std::string directory = files.temporary(files.table) + ".components";
  if (!config.checkpoint.restart.empty()) {
    directory = read_checkpoint_header(config.checkpoint.restart, identity).partial_table;
    HJB_CHECK(directory.ends_with(".components") && std::filesystem::is_directory(directory), ValidationError,
              config.checkpoint.restart << ": the component directory it records (" << directory
                                        << ") is missing; the stopped run cannot be continued");
    PetscPrintf(comm, "resuming the combination technique from %s (components in %s)\n",
                config.checkpoint.restart.c_str(), directory.c_str());
  }
  if (rank == 0) std::filesystem::create_directories(directory);
  MPI_Barrier(comm);
  auto component_path = [&](std::size_t c) { return directory + "/component_" + std::to_string(c) + ".h5"; };
  // Removed with the directory when the run publishes its table or fails; kept (with the run's
  // checkpoint naming it) when a signal or the wall time stops it.
  struct RemoveDirectory {
    MPI_Comm comm;
    std::string path;
    bool keep = false;
    ~RemoveDirectory() {
      int r;
      MPI_Comm_rank(comm, &r);
      std::error_code ignored;
      if (r == 0 && !keep) std::filesystem::remove_all(path, ignored);
    }
  } remove_directory{comm, directory};
  FailedRunCleanup remove_checkpoint(comm, {files.checkpoint, files.temporary(files.checkpoint)});
  const double start = MPI_Wtime();
  // Each group solves its components; a failure anywhere is agreed on before anyone reads.
  std::string failure;
  int stopped = 0;  // a component stopped by a signal: Termination as int, 0 for none
  for (std::size_t c = 0; c < components.size() && !stopped; ++c) {
    if (owner[c] != group) continue;
    if (std::filesystem::exists(component_path(c)))
      continue;  // finished before a restart (published by rename)
    SolveConfig cc = config;
    cc.grid.type = GridType::tensor;
    cc.grid.shape.clear();
    for (int k = 0; k < D; ++k)
      cc.grid.shape.push_back((std::int64_t{1} << components[c].levels[k]) + (domain[k].periodic ? 0 : 1));
    cc.output.file = component_path(c);
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
        stopped = static_cast<int>(Termination::wall_time);
        break;
      }
    }
    try {
      const SolveSummary cs = run_time_dependent<P>(sub, cc);
      s.node_stage_updates += cs.node_stage_updates;
      if (cs.termination == Termination::stopped_by_signal || cs.termination == Termination::wall_time)
        stopped = static_cast<int>(cs.termination);
    } catch (const std::exception& e) {
      failure = e.what();
      break;
    }
  }
  MPI_Comm_free(&sub);
  int any_stop = 0;
  MPI_Allreduce(&stopped, &any_stop, 1, MPI_INT, MPI_MAX, comm);
  if (any_stop) {  // a signal or the wall time stopped component runs: keep what is done for --restart
    std::vector<double> done(components.size(), 0.0);
    if (rank == 0)
      for (std::size_t c = 0; c < components.size(); ++c)
        done[c] = std::filesystem::exists(component_path(c)) ? 1.0 : 0.0;
    MPI_Bcast(done.data(), static_cast<int>(done.size()), MPI_DOUBLE, 0, comm);
    const auto n = static_cast<std::int64_t>(components.size());
    const long finished = static_cast<long>(std::count(done.begin(), done.end(), 1.0));
    // The state: 1 per finished component (rank 0 writes it all).
    write_checkpoint(comm, files.checkpoint, files.temporary(files.checkpoint),
                     {identity, directory, 0.0, finished, 0},
                     {Axis{"component", 0.0, static_cast<double>(n - 1), n, false}}, {0}, {rank == 0 ? n : 0},
                     done.data());
    remove_directory.keep = true;
    remove_checkpoint.disarm();
    s.termination = static_cast<Termination>(any_stop);
    s.iterations = finished;
    s.wall_seconds = MPI_Wtime() - start;
    std::ostringstream os;
    os << "stopped by " << (s.termination == Termination::wall_time ? "the wall-time limit" : "a signal")
       << " with " << finished << " of " << n << " component grids finished; checkpoint written to "
       << files.checkpoint << " (components in " << directory << "); resume with --restart "
       << files.checkpoint;
    s.message = os.str();
    return s;
  }
  int failed = failure.empty() ? 0 : 1, any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, comm);
  HJB_CHECK(
      !any, NumericalError,
      "--sparse.method combination: a component solve failed" << (failure.empty() ? "" : ": " + failure));
  double updates = s.node_stage_updates;
  MPI_Allreduce(&updates, &s.node_stage_updates, 1, MPI_DOUBLE, MPI_SUM, comm);
  // The union of the component nodes (levels and indices per axis), in a fixed order.
  std::set<std::pair<std::vector<int>, std::vector<std::int64_t>>> union_nodes;
  // Rank 0 reads each component table and broadcasts its axes and final values (one reader per
  // file, not one per rank); a read failure is the same error on every rank.
  struct Component {
    std::array<Axis, D> axes;
    std::vector<double> values;
  };
  std::vector<Component> tables(components.size());
  for (std::size_t c = 0; c < components.size(); ++c) {
    std::vector<double> header(4 * D, 0.0);
    bool read_ok = true;
    std::string read_error;
    if (rank == 0) try {
        Table t = read_table(component_path(c));
        for (int k = 0; k < D; ++k) {
          tables[c].axes[k] = t.axes.at(k);
          header[4 * k] = t.axes[k].lo;
          header[4 * k + 1] = t.axes[k].hi;
          header[4 * k + 2] = static_cast<double>(t.axes[k].n);
          header[4 * k + 3] = t.axes[k].periodic ? 1.0 : 0.0;
        }
        tables[c].values = std::move(t.values.back());
      } catch (const std::exception& e) {
        read_ok = false;
        read_error = e.what();
      }
    agree_on_success(comm, read_ok, rank == 0 ? read_error : "rank 0 could not read a component table");
    MPI_Bcast(header.data(), 4 * D, MPI_DOUBLE, 0, comm);
    std::int64_t stored = 1;
    for (int k = 0; k < D; ++k) {
      Axis& ax = tables[c].axes[k];
      ax.lo = header[4 * k];
      ax.hi = header[4 * k + 1];
      ax.n = static_cast<std::int64_t>(header[4 * k + 2]);
      ax.periodic = header[4 * k + 3] != 0.0;
      stored *= ax.n;
    }
    tables[c].values.resize(static_cast<std::size_t>(stored));
    for (std::int64_t done = 0; done < stored;) {  // MPI counts are int
      const int chunk = static_cast<int>(std::min<std::int64_t>(stored - done, 1 << 30));
      MPI_Bcast(tables[c].values.data() + done, chunk, MPI_DOUBLE, 0, comm);
      done += chunk;
    }
    const auto& l = components[c].levels;
    std::vector<std::int64_t> i(D, 0);
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
      union_nodes.emplace(nl, ni);
    }
  }
  std::vector<int> levels;
  std::vector<std::int64_t> indices;
  for (const auto& [nl, ni] : union_nodes) {
    levels.insert(levels.end(), nl.begin(), nl.end());
    indices.insert(indices.end(), ni.begin(), ni.end());
  }
  const sparse::AdaptiveSparseGrid grid(D, m, lo, hi, sparse::Basis::boundary, levels, indices);
  // The combination at a point: the components' multilinear interpolants with their coefficients
  // (the same function as the sparse interpolant of its values at the union of the component
  // nodes, which spans every component; evaluated from the components, it costs no hash lookups).
  std::vector<std::array<std::int64_t, D>> strides(components.size());
  for (std::size_t c = 0; c < components.size(); ++c) {
    strides[c][D - 1] = 1;
    for (int k = D - 2; k >= 0; --k) strides[c][k] = strides[c][k + 1] * tables[c].axes[k + 1].n;
  }
  auto combination_at = [&](const State<D>& x) {
    double sum = 0.0;
    std::array<std::array<std::int64_t, 2>, D> offset;
    std::array<std::array<double, 2>, D> weight;
    for (std::size_t c = 0; c < components.size(); ++c) {
      // Per axis the two cell nodes (wrapped on a periodic axis) and their weights; then the 2^D
      // corners, skipping those of weight 0 (a node on the component's grid lines).
      int moving = 0;  // axes whose point lies strictly inside a cell
      for (int k = 0; k < D; ++k) {
        const Axis& ax = tables[c].axes[k];
        std::int64_t i;
        double w;
        locate(ax, x[k], i, w);
        const std::int64_t up = i + 1 == ax.n ? 0 : i + 1;
        offset[k] = {i * strides[c][k], up * strides[c][k]};
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
  };
  // Each rank its block of nodes (the same sums in the same order on any number of ranks).
  std::vector<double> values(static_cast<std::size_t>(grid.size()), 0.0);
  const SparseNodeBlocks blocks(comm, grid.size());
  State<D> x;
  for (std::int64_t p = blocks.first(); p < blocks.last(); ++p) {
    grid.coordinates(p, x.data());
    values[p] = combination_at(x);
  }
  blocks.assemble(values);
  std::vector<double> surplus = values;
  grid.hierarchize(surplus);
  // The feedback at the nodes, as semi-Lagrangian sparse tables hold it: the inputs optimal for the
  // costate of the combined V at t = -horizon (central differences over the finest spacing).
  std::vector<std::vector<double>> control(P::control_dim, std::vector<double>(values.size()));
  {
    const auto value = [&](const double* y) {
      State<D> point;
      std::copy(y, y + D, point.begin());
      return combination_at(point);
    };
    const auto wrap = [&](State<D>& y) { wrap_periodic<D>(domain, grid, y); };
    double reach = std::numeric_limits<double>::infinity();
    for (int k = 0; k < D; ++k) reach = std::min(reach, std::ldexp(hi[k] - lo[k], -grid.max_level(k)));
    std::vector<Point<P::control_dim>> best(values.size());
    for (std::int64_t p = blocks.first(); p < blocks.last(); ++p) {
      grid.coordinates(p, x.data());
      const State<D> costate = sparse_costate<D>(value, x, reach, domain, grid, wrap);
      best[p] = optimal_inputs(problem, x, costate, -config.time_dependent.horizon).control;
    }
    gather_controls(best, blocks, grid.size());
    for (std::size_t p = 0; p < best.size(); ++p)
      for (int j = 0; j < P::control_dim; ++j) control[j][p] = best[p][j];
  }
  tables.clear();
  s.wall_seconds = MPI_Wtime() - start;
  s.iterations = static_cast<long>(components.size());
  s.final_time = -config.time_dependent.horizon;
  s.termination = Termination::horizon_reached;
  s.peak_resident_bytes = largest_peak_resident_bytes(comm);
  TableMetadata meta = sparse_table_metadata(problem, config,
                                             "combination technique of tensor-grid solutions (" +
                                                 to_string(config.time_dependent.derivative) + " + " +
                                                 to_string(config.time_dependent.integrator) + ")",
                                             "time_dependent");
  meta.strings["reach_mode"] = to_string(config.time_dependent.mode);
  meta.numbers["horizon"] = config.time_dependent.horizon;
  meta.numbers["combination_components"] = static_cast<double>(components.size());
  meta.numbers["combination_min_level"] = m;
  meta.numbers["combination_component_nodes"] = total_nodes;
  write_sparse_table(comm, files.table, files.temporary(files.table), grid, values, surplus, control, meta);
  remove_file_on_rank0(comm, files.checkpoint);
  remove_checkpoint.disarm();
  std::ostringstream os;
  os << components.size() << " component grids (" << total_nodes << " nodes) on " << groups
     << " process groups; the combination has " << grid.size() << " sparse nodes";
  s.message = os.str();
  return s;
}

}  // namespace hjb
