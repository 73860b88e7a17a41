// Problem registry, `solve` argument parsing (Boost.Program_options) and output-path checks.
#include "solver/algorithms/registry.hpp"

#include <hdf5.h>
#include <petscversion.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>

#include "solver/algorithms/instances.hpp"
#include "solver/algorithms/memory_plan.hpp"
#include "solver/algorithms/time_dependent_run.hpp"
#include "solver/core/error.hpp"
#include "solver/core/version.hpp"

namespace po = boost::program_options;

namespace hjb {

const std::vector<ProblemEntry>& problem_registry() {
  static const std::vector<ProblemEntry> registry = [] {
    using namespace instances;
    std::vector<ProblemEntry> r;
    r.push_back({"air3d",
                 "Air3D pursuit-evasion game (3-D, evader maximises)",
                 parameter_names_air3d(),
                 {{3, solve_air3d}}});
    r.push_back({"dubins_car",
                 "Dubins car reaching a disc, optional wind disturbance (3-D)",
                 parameter_names_dubins_car(),
                 {{3, solve_dubins_car}}});
    r.push_back({"car4d",
                 "4-D car with a disc-shaped position disturbance",
                 parameter_names_car4d(),
                 {{4, solve_car4d}}});
    r.push_back({"double_integrator",
                 "double integrator reaching a ball (2-D)",
                 parameter_names_double_integrator(),
                 {{2, solve_double_integrator}}});
    r.push_back(
        {"eikonal",
         "unit-speed front propagation, Hopf-Lax closed form (1-4 D)",
         parameter_names_eikonal(),
         {{1, solve_eikonal<1>}, {2, solve_eikonal<2>}, {3, solve_eikonal<3>}, {4, solve_eikonal<4>}}});
    r.push_back(
        {"pendulum",
         "Gymnasium Pendulum-v1: continuous-time model (finite horizon) or its exact MDP (stationary)",
         parameter_names_pendulum(),
         {{2, solve_pendulum}},
         solve_pendulum_stationary});
    r.push_back({"mountain_car",
                 "MountainCarContinuous-v0's continuous-time model, reaching the goal (2-D)",
                 parameter_names_mountain_car(),
                 {{2, solve_mountain_car}}});
    r.push_back({"lqr",
                 "linear-quadratic regulator, Riccati closed form (1-3 D)",
                 parameter_names_lqr(3),
                 {{1, solve_lqr<1>}, {2, solve_lqr<2>}, {3, solve_lqr<3>}}});
    return r;
  }();
  return registry;
}

const ProblemEntry& find_problem(const std::string& name) {
  std::string names;
  for (const auto& e : problem_registry()) {
    if (e.name == name) return e;
    names += (names.empty() ? "" : ", ") + e.name;
  }
  if (name.empty()) throw UsageError("--problem.name is required (choose " + names + ")");
  throw UsageError("--problem.name: unknown problem '" + name + "' (choose " + names + ")");
}

TimeDependentSummary run_solve(MPI_Comm comm, const SolveConfig& config) {
  const ProblemEntry& entry = find_problem(config.problem);
  if (config.algorithm != "time_dependent") {
    HJB_CHECK(entry.solve_stationary, UsageError,
              "--solve.algorithm " << config.algorithm << ": problem '" << entry.name
                                   << "' has no discrete-time MDP (stationary solvers: pendulum)");
    return entry.solve_stationary(comm, config);
  }
  const int dim = static_cast<int>(config.shape.size());
  auto it = entry.solve_by_dimension.find(dim);
  if (it == entry.solve_by_dimension.end()) {
    std::string dims;
    for (const auto& [d, f] : entry.solve_by_dimension)
      dims += (dims.empty() ? "" : " or ") + std::to_string(d);
    throw UsageError("--grid.shape has " + std::to_string(dim) + " sizes but problem '" + entry.name +
                     "' is " + dims + "-dimensional");
  }
  return it->second(comm, config);
}

void check_output_path(MPI_Comm comm, const std::string& path, const std::string& option) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::error_code ec;
    if (path.empty())
      error = option + " is empty";
    else if (fs::is_directory(p, ec))
      error = option + " " + path + " is a directory";
    else if (!fs::is_directory(dir, ec))
      error = option + ": directory " + dir.string() + " does not exist";
    else if (access(dir.c_str(), W_OK) != 0)
      error = option + ": directory " + dir.string() + " is not writable";
  }
  int length = static_cast<int>(error.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  error.resize(length);
  MPI_Bcast(error.data(), length, MPI_CHAR, 0, comm);
  if (!error.empty()) throw ValidationError(error);
}

void write_history(MPI_Comm comm, const std::string& path, const TimeDependentSummary& summary) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  int ok = 1;
  if (rank == 0) {
    std::ofstream out(path + ".tmp");
    out << "step,t,dt,elapsed_seconds\n" << std::setprecision(17);
    for (std::size_t k = 0; k < summary.step_times.size(); ++k)
      out << k + 1 << "," << summary.step_times[k] << "," << summary.step_sizes[k] << ","
          << summary.step_wall[k] << "\n";
    out.close();
    ok = out && std::rename((path + ".tmp").c_str(), path.c_str()) == 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  HJB_CHECK(ok, RuntimeError, "cannot write the history file " << path);
}

void remove_file_on_rank0(MPI_Comm comm, const std::string& path) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) std::remove(path.c_str());
  MPI_Barrier(comm);
}

std::map<std::string, std::string> version_attributes() {
  unsigned major, minor, release;
  H5get_libversion(&major, &minor, &release);
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(mpi, &length);
  std::string mpi_version(mpi, length);
  mpi_version = mpi_version.substr(0, mpi_version.find_first_of(",\n"));
  std::ostringstream petsc;
  petsc << PETSC_VERSION_MAJOR << "." << PETSC_VERSION_MINOR << "." << PETSC_VERSION_SUBMINOR;
  return {
      {"project_version", std::string(project_version) + " (" + git_version + ")"},
      {"hdf5_version", std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release)},
      {"petsc_version", petsc.str()},
      {"mpi_version", mpi_version}};
}

namespace {

template <class T>
std::vector<T> parse_list(const std::string& text, const std::string& option) {
  std::vector<T> out;
  std::string token;
  std::stringstream ss(text);
  while (std::getline(ss, token, ',')) {
    std::stringstream ts(token);
    T value;
    std::string rest;
    ts >> value;
    HJB_CHECK(!ts.fail() && !(ts >> rest), UsageError,
              "--" << option << ": '" << token
                   << "' is not a number (expected a comma-separated list, e.g. 101,101,100)");
    out.push_back(value);
  }
  HJB_CHECK(!out.empty(), UsageError, "--" << option << " is empty");
  return out;
}

}  // namespace

bool parse_solve_arguments(const std::vector<std::string>& args, SolveConfig& config, std::string& help) {
  std::set<std::string> parameter_names;
  for (const auto& e : problem_registry())
    for (const auto& n : e.parameter_names) parameter_names.insert(n);

  std::string memory_budget, times, shape, lo, hi, derivative, integrator, dissipation, boundary,
      mode = "brs", config_file;
  po::options_description general("General");
  general.add_options()("help,h", "print this help")("config", po::value(&config_file),
                                                     "INI file with the same keys ([grid] shape = ...); "
                                                     "the command line wins");
  po::options_description problem("Problem");
  problem.add_options()("problem.name", po::value(&config.problem),
                        "problem to solve (see `hjbench problems`)")(
      "problem.control_mode", po::value(&config.control_mode), "override the control's sense: max or min");
  for (const auto& n : parameter_names)
    problem.add_options()(("problem." + n).c_str(), po::value<double>(),
                          "problem parameter (see `hjbench problems`)");
  po::options_description grid("Grid");
  grid.add_options()("grid.shape", po::value(&shape), "nodes per axis, comma-separated (e.g. 101,101,100)")(
      "grid.lo", po::value(&lo), "lower domain bounds, comma-separated (default: the problem's)")(
      "grid.hi", po::value(&hi), "upper domain bounds, comma-separated (default: the problem's)");
  po::options_description time("Time");
  time.add_options()("time.horizon", po::value(&config.options.horizon)->default_value(1.0),
                     "horizon T > 0: the table covers t in [-T, 0]")(
      "time.snapshots", po::value(&config.options.snapshots)->default_value(1),
      "number of equal intervals of [-T, 0] whose end points are stored")(
      "time.times", po::value(&times),
      "explicit snapshot times as time-to-go, increasing, comma-separated (e.g. 0.5,1,2.8); the last is "
      "the horizon and replaces --time.horizon/--time.snapshots");
  po::options_description scheme("Scheme");
  scheme.add_options()(
      "scheme.accuracy", po::value(&config.accuracy)->default_value("very_high"),
      "preset: low (upwind1+rk1), medium (eno2+rk2), high (weno3+rk3), very_high (weno5+rk3)")(
      "scheme.derivative", po::value(&derivative), "override: upwind1, eno2, weno3, weno5")(
      "scheme.time_integrator", po::value(&integrator), "override: rk1, rk2, rk3 (TVD Runge-Kutta)")(
      "scheme.dissipation", po::value(&dissipation)->default_value("local"),
      "Lax-Friedrichs coefficients: local (per node) or global (grid maximum)")(
      "scheme.cfl", po::value(&config.options.cfl)->default_value(0.75), "CFL number in (0, 1]")(
      "scheme.boundary", po::value(&boundary)->default_value("extrapolate_away_from_zero"),
      "ghost values at non-periodic boundaries: extrapolate or extrapolate_away_from_zero");
  po::options_description solve("Solve and output");
  solve.add_options()("solve.mode", po::value(&mode)->default_value("brs"),
                      "brs (backward reachable set) or brt (tube: Hamiltonian min(H, 0))")(
      "output.file", po::value(&config.output)->default_value("out/table.h5"), "HDF5 table to write")(
      "checkpoint.every_steps", po::value(&config.control.checkpoint_every_steps)->default_value(0),
      "write a checkpoint every N steps (0: off)")(
      "checkpoint.every_seconds", po::value(&config.control.checkpoint_every_seconds)->default_value(0),
      "write a checkpoint every T seconds of wall time (0: off)")(
      "checkpoint.file", po::value(&config.checkpoint_file),
      "checkpoint path (default OUTPUT.ckpt); replaced atomically, removed after success")(
      "restart", po::value(&config.restart),
      "resume from this checkpoint (any number of ranks; the options must describe the same run)")(
      "solve.algorithm", po::value(&config.algorithm)->default_value("time_dependent"),
      "time_dependent, or for MDP problems value_iteration or policy_iteration (stationary, discounted)")(
      "stationary.actions", po::value(&config.stationary.actions)->default_value(21),
      "actions per control dimension, evenly spaced over the action box")(
      "stationary.discount", po::value(&config.stationary.discount)->default_value(0.0),
      "discount factor per step (0: the problem's)")(
      "stationary.tolerance", po::value(&config.stationary.tolerance)->default_value(1e-8),
      "stop when the max-norm Bellman residual is below this")(
      "stationary.max_iterations", po::value(&config.stationary.max_iterations)->default_value(0),
      "iteration limit (0: 200 for policy iteration, 100000 for value iteration)")(
      "dry-run", po::bool_switch(&config.dry_run),
      "print the grid, partition and memory plan per rank, then stop (nothing is written)")(
      "memory-per-rank", po::value(&memory_budget),
      "refuse (exit 3) a run whose planned memory per rank exceeds this size (e.g. 2G, 512M)")(
      "walltime", po::value(&config.control.walltime_seconds)->default_value(0),
      "stop with a checkpoint and exit code 5 before this many seconds (0: no limit); SIGUSR1 and "
      "SIGTERM do the same")("output.history", po::value(&config.history),
                             "optional CSV of every step: step, t, dt, elapsed seconds")(
      "output.progress_seconds", po::value(&config.options.progress_seconds)->default_value(10.0),
      "seconds between progress lines (0: every step)")("output.quiet", po::bool_switch(&config.quiet),
                                                        "no progress lines");
  po::options_description all("hjbench solve [CONFIG.ini] [options] [-- PETSc options]");
  all.add(general).add(problem).add(grid).add(time).add(scheme).add(solve);
  po::positional_options_description positional;
  positional.add("config", 1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::ostringstream os;
      os << all << "\nExample: mpirun -n 4 hjbench solve data/configs/air3d.ini --output.file out/air3d.h5\n";
      help = os.str();
      return false;
    }
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream in(path);
      HJB_CHECK(std::filesystem::is_regular_file(path) && in, ValidationError,
                "cannot read config file " << path);
      po::store(po::parse_config_file(in, all, false), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  for (const auto& n : parameter_names)
    if (vm.count("problem." + n)) config.problem_parameters[n] = vm["problem." + n].as<double>();
  HJB_CHECK(!shape.empty(), UsageError, "--grid.shape is required (nodes per axis, e.g. 101,101,100)");
  config.shape = parse_list<std::int64_t>(shape, "grid.shape");
  if (!lo.empty()) config.lo = parse_list<double>(lo, "grid.lo");
  if (!hi.empty()) config.hi = parse_list<double>(hi, "grid.hi");
  if (!times.empty()) {
    HJB_CHECK(!vm.count("time.horizon") || vm["time.horizon"].defaulted(), UsageError,
              "--time.times and --time.horizon are exclusive (the last of --time.times is the horizon)");
    config.options.snapshot_taus = parse_list<double>(times, "time.times");
    config.options.horizon = config.options.snapshot_taus.back();
  }
  apply_accuracy_preset(config.accuracy, config.options);
  if (!derivative.empty()) config.options.derivative = parse_derivative_scheme(derivative);
  if (!integrator.empty()) config.options.integrator = parse_time_integrator(integrator);
  config.options.dissipation = parse_dissipation(dissipation);
  config.options.boundary = parse_boundary_condition(boundary);
  config.options.mode = parse_reach_mode(mode);
  if (config.quiet) config.options.progress_seconds = std::numeric_limits<double>::infinity();
  config.options.validate();
  config.control.validate();
  HJB_CHECK(config.algorithm == "time_dependent" || config.algorithm == "value_iteration" ||
                config.algorithm == "policy_iteration",
            UsageError,
            "--solve.algorithm: unknown value '"
                << config.algorithm << "' (choose time_dependent, value_iteration, policy_iteration)");
  config.stationary.policy_iteration = config.algorithm == "policy_iteration";
  config.stationary.progress_seconds = config.options.progress_seconds;
  config.stationary.validate();
  if (config.checkpoint_file.empty()) config.checkpoint_file = config.output + ".ckpt";
  if (!memory_budget.empty()) config.memory_per_rank = parse_bytes(memory_budget, "--memory-per-rank");
  find_problem(config.problem);
  return true;
}

}  // namespace hjb
