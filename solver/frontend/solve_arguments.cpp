// `hjbench solve` arguments: the option schema (Boost.Program_options), INI files and validation.
#include "solver/frontend/solve_arguments.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/input_files.hpp"
#include "core/parse_list.hpp"
#include "solver/frontend/problem_registry.hpp"
#include "solver/run/memory_plan.hpp"

namespace po = boost::program_options;

namespace hjb {

namespace {

/// The options given as text, turned into typed values once every source has been read.
struct SolveText {
  std::string sparse_levels, chain_scheme, finite_stages, memory_budget, times, shape, lo, hi, grading,
      derivative, integrator, dissipation, boundary, mode = "brs", config_file, control_mode, grid_type,
                                                     basis, method, accuracy, algorithm, time_method,
                                                     interpolation;
};

/// The "Scheme" group of `hjbench solve` (tensor and sparse time-dependent schemes).
po::options_description scheme_options(SolveConfig& config, SolveText& text) {
  po::options_description scheme("Scheme");
  scheme.add_options()(
      "scheme.accuracy", po::value(&text.accuracy)->default_value("very_high"),
      "preset: low (upwind1+rk1), medium (eno2+rk2), high (weno3+rk3), very_high (weno5+rk3)")(
      "scheme.derivative", po::value(&text.derivative), "override: upwind1, eno2, weno3, weno5")(
      "scheme.time_integrator", po::value(&text.integrator), "override: rk1, rk2, rk3 (TVD Runge-Kutta)")(
      "scheme.dissipation", po::value(&text.dissipation)->default_value("local"),
      "Lax-Friedrichs coefficients: local (per node) or global (grid maximum)")(
      "scheme.cfl", po::value(&config.time_dependent.cfl)->default_value(0.75),
      "CFL number: in (0, 1] for the method of lines; the step in units of that stable step for "
      "semi_lagrangian (default there 6)")(
      "scheme.method", po::value(&text.time_method)->default_value("method_of_lines"),
      "tensor time-dependent runs: method_of_lines (--scheme.accuracy, CFL <= 1) or semi_lagrangian "
      "(interpolation at the characteristics' feet, steps of any size)")(
      "scheme.interpolation", po::value(&text.interpolation)->default_value("cubic"),
      "semi_lagrangian: cubic (Lagrange, limited to the cell's range) or linear (multilinear, monotone)")(
      "scheme.inputs_per_axis", po::value(&config.time_dependent.inputs_per_axis)->default_value(2),
      "semi_lagrangian: values per axis of box-shaped control and disturbance sets (>= 2; the "
      "costate's optimal input is always added)")(
      "sparse.cfl", po::value(&config.sparse.cfl)->default_value(1.0),
      "sparse time-dependent runs: dt = this x the finest spacing / the largest speed (semi-Lagrangian "
      "steps are stable at any size: values above 1 trade time error for fewer steps)")(
      "sparse.method", po::value(&text.method)->default_value("auto"),
      "sparse time-dependent runs: semi_lagrangian (on the sparse grid), combination (the tensor solver on "
      "the component grids of the combination technique, on MPI process groups), or auto: combination "
      "where the problem has a tensor solver and no option needs semi_lagrangian (adaptive, extrapolating "
      "basis, checkpoints, restart, wall time)")(
      "sparse.error_indicator", po::value(&config.sparse.error_indicator)->default_value(true),
      "sparse runs (semi-Lagrangian time-dependent, stationary and finite-horizon, combination technique): "
      "also repeat the run one and two levels coarser (adaptive: at 4x and 16x --grid.adaptive) and store "
      "the table's error indicator max(2 |V_L - V_L-1|, |V_L-1 - "
      "V_L-2|) (hjbench info, sample); false: skip it")(
      "sparse.min_level", po::value(&config.sparse.min_level)->default_value(2),
      "combination technique: the minimum level per axis of the component grids (2^l + 1 nodes)")(
      "sparse.inputs_per_axis", po::value(&config.sparse.inputs_per_axis)->default_value(3),
      "sparse time-dependent runs: values per axis of box-shaped control and disturbance sets (>= 2; the "
      "costate's optimal input is always added)")(
      "scheme.boundary", po::value(&text.boundary)->default_value("extrapolate_away_from_zero"),
      "ghost values at non-periodic boundaries: extrapolate, extrapolate_away_from_zero or reflect");
  return scheme;
}

/// The option schema of `hjbench solve`: typed options bound to `config`, the rest to `text`.
po::options_description solve_options(SolveConfig& config, SolveText& text,
                                      const std::set<std::string>& parameter_names) {
  po::options_description general("General");
  general.add_options()("help,h", "print this help")("config", po::value(&text.config_file),
                                                     "INI file, [grid] shape = ...; the command line wins");
  po::options_description problem("Problem");
  problem.add_options()("problem.name", po::value(&config.problem.name),
                        "problem to solve (see `hjbench problems`)")(
      "problem.control_mode", po::value(&text.control_mode), "override the control's sense: max or min");
  for (const auto& n : parameter_names)
    problem.add_options()(("problem." + n).c_str(), po::value<double>(),
                          "problem parameter (see `hjbench problems`)");
  po::options_description grid("Grid");
  grid.add_options()("grid.type", po::value(&text.grid_type)->default_value("tensor"),
                     "tensor, or sparse (continuous-time stationary problems: a sparse grid with boundary)")(
      "grid.level", po::value(&config.grid.level)->default_value(0), "sparse grids: the level n >= 1")(
      "grid.levels", po::value(&text.sparse_levels),
      "sparse grids: the maximal level per axis, comma-separated (their number selects the dimension)")(
      "grid.adaptive", po::value(&config.grid.adaptive)->default_value(0.0),
      "sparse grids (time-dependent, finite-horizon and stationary runs): refine where the surplus exceeds "
      "this, coarsen below a tenth (0: off)")(
      "grid.max_level", po::value(&config.grid.max_level)->default_value(0),
      "adaptive sparse grids: the deepest level per axis (0: --grid.level + 4)")(
      "grid.max_nodes", po::value(&config.grid.max_nodes)->default_value(0),
      "adaptive sparse grids: stop with an error (exit 1, no table) when refinement would exceed this many "
      "nodes (0: as many as --memory-per-rank allows; no limit without a budget)")(
      "grid.basis", po::value(&text.basis)->default_value("auto"),
      "sparse grids: boundary, extrapolating (no boundary nodes) or auto (time-dependent semi-Lagrangian: "
      "extrapolating unless an axis is periodic; else boundary)")(
      "grid.shape", po::value(&text.shape), "nodes per axis, comma-separated (e.g. 101,101,100)")(
      "grid.lo", po::value(&text.lo), "lower domain bounds, comma-separated (default: the problem's)")(
      "grid.hi", po::value(&text.hi), "upper domain bounds, comma-separated (default: the problem's)")(
      "grid.grading", po::value(&text.grading),
      "tensor grids of the MDP solvers (value/policy iteration, finite horizon): per axis 0 (uniform) or b > "
      "0, "
      "nodes concentrated at the axis's middle by a sinh map (spacing there about b/sinh(b) of the uniform "
      "one; b = 2: 0.55), comma-separated; periodic axes stay uniform");
  po::options_description time("Time");
  time.add_options()("time.horizon", po::value(&config.time_dependent.horizon)->default_value(1.0),
                     "horizon T > 0: the table covers t in [-T, 0]")(
      "time.snapshots", po::value(&config.time_dependent.snapshots)->default_value(1),
      "number of equal intervals of [-T, 0] whose end points are stored")(
      "time.times", po::value(&text.times),
      "explicit snapshot times as time-to-go, increasing, comma-separated (e.g. 0.5,1,2.8); the last is "
      "the horizon and replaces --time.horizon/--time.snapshots")(
      "time.max_steps", po::value(&config.time_dependent.max_steps)->default_value(1000000),
      "refuse a run that needs more time steps (estimated from the stable step before it starts)")(
      "time.cache_dynamics", po::value(&config.time_dependent.cache_dynamics)->default_value(true),
      "method of lines, problems whose dynamics do not depend on t: evaluate them once per node and keep "
      "them (8 bytes per node for each component of f0, G, K and the dissipation bound that varies over the "
      "nodes, one equal at every node kept once; --dry-run shows it) instead of in every stage; the same "
      "table either way");
  po::options_description scheme = scheme_options(config, text);
  po::options_description solve("Solve and output");
  solve.add_options()("solve.mode", po::value(&text.mode)->default_value("brs"),
                      "brs (backward reachable set) or brt (tube: Hamiltonian min(H, 0))")(
      "output.file", po::value(&config.output.file)->default_value("out/table.h5"), "HDF5 table to write")(
      "checkpoint.every_steps", po::value(&config.control.checkpoint_every_steps)->default_value(0),
      "write a checkpoint every N steps (0: off)")(
      "checkpoint.every_seconds", po::value(&config.control.checkpoint_every_seconds)->default_value(0),
      "write a checkpoint every T seconds of wall time (0: off)")(
      "checkpoint.file", po::value(&config.checkpoint.file),
      "checkpoint path (default OUTPUT.ckpt); replaced atomically, removed after success")(
      "restart", po::value(&config.checkpoint.restart),
      "resume from this checkpoint (any number of ranks; the options must describe the same run)")(
      "overwrite", po::bool_switch(&config.checkpoint.overwrite),
      "discard an existing checkpoint of this output (and its partial table) instead of refusing to start")(
      "solve.algorithm", po::value(&text.algorithm)->default_value("time_dependent"),
      "time_dependent, or for MDP problems value_iteration or policy_iteration (stationary, discounted) or "
      "finite_horizon (episodic, undiscounted)")(
      "stationary.actions", po::value(&config.stationary.actions)->default_value(21),
      "actions per control dimension, evenly spaced over the action box (every MDP algorithm)")(
      "finite_horizon.steps", po::value(&config.finite_horizon.steps),
      "finite_horizon: the episode length N in steps (default: the problem's episode_steps)")(
      "finite_horizon.stages", po::value(&text.finite_stages)->default_value("all"),
      "finite_horizon: stages k in [0, N] whose value and feedback are stored, comma-separated, or all "
      "(0 and N always)")(
      "finite_horizon.tolerance", po::value(&config.finite_horizon.tolerance)->default_value(0.0),
      "finite_horizon: stop once no value changes by more than this (stationary_from_stage)")(
      "stationary.discount", po::value(&config.stationary.discount)->default_value(0.0),
      "discount factor per step (0: the problem's)")(
      "stationary.tolerance", po::value(&config.stationary.tolerance)->default_value(1e-8),
      "stop when the max-norm Bellman residual is below this")(
      "stationary.max_iterations", po::value(&config.stationary.max_iterations)->default_value(0),
      "iteration limit (0: 200 for policy iteration, 100000 for value iteration)")(
      "stationary.evaluation_factor", po::value(&config.stationary.evaluation_factor)->default_value(0.1),
      "policy iteration: each policy evaluation stops at a residual norm of this factor x (1 - discount) x "
      "the "
      "Bellman residual (inexact policy iteration); 0: exact evaluations (Howard)")(
      "stationary.coarse_levels", po::value(&config.stationary.coarse_levels)->default_value(-1),
      "start from the same problem solved on this many successively halved grids (coarsest first; fewer "
      "where an axis would drop below 5 nodes), interpolated; -1: 2 for policy iteration on a problem's "
      "discrete step, else 0")(
      "stationary.scheme", po::value(&text.chain_scheme)->default_value("semi_lagrangian"),
      "continuous-time stationary problems (merton, discounted_lqr, ...): the Markov chain approximation, "
      "semi_lagrangian or kushner_dupuis")(
      "stationary.time_step_factor", po::value(&config.chain.time_step_factor)->default_value(1.0),
      "continuous-time problems, semi_lagrangian: the time step h in units of the smallest grid spacing")(
      "stationary.polish", po::bool_switch(&config.stationary.polish),
      "policy iteration: Howard with exact evaluations, then fixed-policy sweeps from zero: a table "
      "bit-identical on any number of ranks and across restarts (slower)")(
      "dry-run", po::bool_switch(&config.dry_run),
      "print the grid, partition and memory plan per rank, then stop (nothing is written)")(
      "memory-per-rank", po::value(&text.memory_budget),
      "refuse (exit 3) a run whose planned memory per rank exceeds this size (e.g. 2G, 512M)")(
      "walltime", po::value(&config.control.walltime_seconds)->default_value(0),
      "stop with a checkpoint and exit code 5 before this many seconds (0: no limit); SIGUSR1 and "
      "SIGTERM do the same")("output.history", po::value(&config.output.history),
                             "optional CSV of every step: step, t, dt, elapsed seconds")(
      "output.progress_seconds", po::value(&config.time_dependent.progress_seconds)->default_value(10.0),
      "seconds between progress lines (0: every step)")("output.quiet", po::bool_switch(&config.output.quiet),
                                                        "no progress lines");
  po::options_description all("hjbench solve [CONFIG.ini] [options] [-- PETSc options]");
  all.add(general).add(problem).add(grid).add(time).add(scheme).add(solve);
  return all;
}

}  // namespace

bool parse_solve_arguments(const std::vector<std::string>& args, SolveConfig& config, std::string& help) {
  std::set<std::string> parameter_names;
  for (const auto& e : problem_registry())
    for (const auto& n : e.parameter_names) parameter_names.insert(n);
  SolveText text;
  const po::options_description all = solve_options(config, text, parameter_names);
  po::positional_options_description positional;
  positional.add("config", 1);

  po::variables_map vm;
  bool times_on_command_line = false, horizon_on_command_line = false;
  std::string config_name;
  try {
    // No guessing: an abbreviated option (--grid.sha) is an error, not a silent match.
    const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(args).options(all).positional(positional).style(style).run(), vm);
    times_on_command_line = vm.count("time.times") > 0;
    horizon_on_command_line = vm.count("time.horizon") && !vm["time.horizon"].defaulted();
    if (vm.count("help")) {
      std::ostringstream os;
      os << all << "\nExample: mpirun -n 4 hjbench solve data/configs/air3d.ini --output.file out/air3d.h5\n";
      help = os.str();
      return false;
    }
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::istringstream in(read_config_text(path));  // checked first: never opens a FIFO or device
      po::store(po::parse_config_file(in, all, false), vm);
      config_name = path;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  for (const auto& n : parameter_names)
    if (vm.count("problem." + n)) config.problem.parameters[n] = vm["problem." + n].as<double>();
  config.problem.control_mode = parse_control_mode(text.control_mode);
  config.grid.type = parse_grid_type(text.grid_type);
  if (!text.shape.empty()) config.grid.shape = parse_list<std::int64_t>(text.shape, "grid.shape");
  if (!text.sparse_levels.empty()) config.grid.levels = parse_list<int>(text.sparse_levels, "grid.levels");
  config.grid.basis_auto = text.basis == "auto";
  if (!config.grid.basis_auto) try {
      config.grid.basis = sparse::parse_basis(text.basis);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--grid.basis: ") + e.what() + " (or auto)");
    }
  config.sparse.method = parse_sparse_method(text.method);
  if (!text.lo.empty()) config.grid.lo = parse_list<double>(text.lo, "grid.lo");
  if (!text.hi.empty()) config.grid.hi = parse_list<double>(text.hi, "grid.hi");
  if (!text.grading.empty()) config.grid.grading = parse_list<double>(text.grading, "grid.grading");
  // --time.times and --time.horizon exclude each other within one source; across sources the
  // command line wins over the INI file, as for every option.
  const bool horizon_given = vm.count("time.horizon") && !vm["time.horizon"].defaulted();
  if (!text.times.empty() && horizon_given) {
    if (times_on_command_line && horizon_on_command_line)
      throw UsageError(
          "--time.times and --time.horizon are exclusive (the last of --time.times is the horizon)");
    if (!times_on_command_line && !horizon_on_command_line)
      throw UsageError("time.times and time.horizon are exclusive in " + config_name +
                       " (the last of time.times is the horizon)");
    if (horizon_on_command_line) text.times.clear();  // the command line's horizon replaces the file's times
  }
  if (!text.times.empty()) {
    config.time_dependent.snapshot_taus = parse_list<double>(text.times, "time.times");
    config.time_dependent.horizon = config.time_dependent.snapshot_taus.back();
  }
  config.accuracy = parse_accuracy(text.accuracy);
  apply_accuracy_preset(to_string(config.accuracy), config.time_dependent);
  if (!text.derivative.empty()) config.time_dependent.derivative = parse_derivative_scheme(text.derivative);
  if (!text.integrator.empty()) config.time_dependent.integrator = parse_time_integrator(text.integrator);
  config.time_dependent.dissipation = parse_dissipation(text.dissipation);
  config.time_dependent.boundary = parse_boundary_condition(text.boundary);
  config.time_dependent.mode = parse_reach_mode(text.mode);
  config.time_dependent.method = parse_time_method(text.time_method);
  config.time_dependent.interpolation = parse_sl_interpolation(text.interpolation);
  const auto given = [&](const char* key) { return vm.count(key) && !vm[key].defaulted(); };
  HJB_CHECK(
      config.time_dependent.method == TimeMethod::method_of_lines || config.grid.type == GridType::tensor,
      UsageError,
      "--scheme.method semi_lagrangian is the tensor-grid solver's; on sparse grids choose "
      "--sparse.method semi_lagrangian");
  if (config.time_dependent.method == TimeMethod::semi_lagrangian && !given("scheme.cfl"))
    config.time_dependent.cfl = 6.0;
  if (config.output.quiet) config.time_dependent.progress_seconds = std::numeric_limits<double>::infinity();
  config.algorithm = parse_algorithm(text.algorithm);
  if (config.algorithm == Algorithm::finite_horizon) {
    HJB_CHECK(!given("stationary.discount"), UsageError,
              "--stationary.discount: the finite-horizon recursion is undiscounted (the episode return); "
              "drop it, or use --solve.algorithm policy_iteration for a discounted table");
    for (const char* key : {"time.horizon", "time.snapshots", "time.times"})
      HJB_CHECK(!given(key), UsageError,
                "--" << key
                     << ": a finite-horizon table counts steps; use --finite_horizon.steps and "
                        "--finite_horizon.stages");
  }
  if (vm.count("finite_horizon.steps"))
    HJB_CHECK(
        config.finite_horizon.steps >= 1, UsageError,
        "--finite_horizon.steps: the horizon must be at least 1 step, got " << config.finite_horizon.steps);
  HJB_CHECK(text.chain_scheme == "semi_lagrangian" || text.chain_scheme == "kushner_dupuis", UsageError,
            "--stationary.scheme: unknown value '" << text.chain_scheme
                                                   << "' (choose semi_lagrangian or kushner_dupuis)");
  config.chain.scheme =
      text.chain_scheme == "semi_lagrangian" ? ChainScheme::semi_lagrangian : ChainScheme::kushner_dupuis;
  HJB_CHECK(config.chain.time_step_factor > 0 && std::isfinite(config.chain.time_step_factor), UsageError,
            "--stationary.time_step_factor must be positive, got " << config.chain.time_step_factor);
  if (text.finite_stages != "all")
    config.finite_horizon.stages = parse_list<long>(text.finite_stages, "finite_horizon.stages");
  config.stationary.policy_iteration = config.algorithm == Algorithm::policy_iteration;
  config.stationary.progress_seconds = config.time_dependent.progress_seconds;
  find_problem(config.problem.name);  // a misspelt problem first: the other checks depend on it
  config.validate();
  if (config.checkpoint.file.empty()) config.checkpoint.file = config.output.file + ".ckpt";
  if (!text.memory_budget.empty())
    config.memory_per_rank = parse_bytes(text.memory_budget, "--memory-per-rank");
  return true;
}

}  // namespace hjb
