// hjbench: command-line entry point. Parses the command, runs one library function, maps errors
// to the exit codes of the README (0 ok, 2 usage, 3 validation, 4 numerical, 5 stopped with a
// checkpoint, 1 other).
//
//   mpirun -n 4 hjbench solve data/configs/air3d.ini --output.file out/air3d.h5 -- -log_view
//   hjbench info out/air3d.h5
//   hjbench problems
#include <petscsys.h>

#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "apps/rl_commands.hpp"
#include "core/error.hpp"
#include "core/version.hpp"
#include "solver/frontend/problem_registry.hpp"
#include "solver/frontend/solve_arguments.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/io/sparse_table.hpp"

namespace {

const char* usage =
    "usage: hjbench COMMAND [options] [-- PETSc options]\n"
    "commands:\n"
    "  solve [CONFIG.ini] [--key value ...]  solve an HJ(I) equation and write an HDF5 table\n"
    "                                        (hjbench solve --help lists every option)\n"
    "  info FILE.h5                          summarise a value table\n"
    "  problems                              list the problems and their parameters\n"
    "  train --algo ppo|sac [--problem P]    train an RL agent on a problem's MDP, write a policy file\n"
    "  rollout POLICY.h5 [--episodes N]      evaluate a policy: mean return +- standard error\n"
    "  evaluate --table T.h5 --policy P.h5   score a policy and its critic against a table: gaps\n"
    "                                        with CIs, certified bound, critic and policy errors\n"
    "  simulate TABLE.h5 [--starts N]        a table's feedback in closed loop: stationary tables, the\n"
    "                                        achieved cost (an upper bound on V*) next to the table's\n"
    "                                        value; finite-horizon tables, the optimal expected episode\n"
    "                                        return two ways (table integral, seeded closed loop)\n"
    "  sample SPARSE.h5 --grid.shape ...     a sparse table on a tensor grid (tensor table + XDMF)\n"
    "  version                               print the version\n";

int run(const std::vector<std::string>& args, const std::string& petsc_options,
        const std::string& command_line) {
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    if (rank == 0) std::cout << usage;
    if (args.empty()) throw hjb::UsageError("no command given");
    return 0;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "solve") {
    hjb::SolveConfig config;
    std::string help;
    if (!hjb::parse_solve_arguments(rest, config, help)) {
      if (rank == 0) std::cout << help;
      return 0;
    }
    config.command_line = command_line;
    config.petsc_options = petsc_options;
    const auto summary = hjb::run_solve(PETSC_COMM_WORLD, config);
    if (summary.dry_run) return 0;
    if (summary.interrupted()) {
      // The checkpoint is on disk; the message says how to resume.
      if (rank == 0) std::cerr << "hjbench: " << summary.message << "\n";
      return static_cast<int>(hjb::ExitCode::interrupted);
    }
    PetscPrintf(PETSC_COMM_WORLD, "%s\npeak resident memory per rank (largest): %.1f MiB\nwrote %s\n",
                summary.brief().c_str(), summary.peak_resident_bytes / (1024.0 * 1024.0),
                config.output.c_str());
    return 0;
  }
  if (command == "info") {
    HJB_CHECK(rest.size() == 1, hjb::UsageError, "usage: hjbench info FILE.h5");
    if (hjb::is_sparse_table(rest[0])) {
      const auto table = hjb::read_sparse_table(rest[0]);
      if (rank == 0) std::cout << hjb::describe_sparse_table(table, rest[0]);
      return 0;
    }
    const auto table = hjb::read_table(rest[0]);
    if (rank == 0) std::cout << hjb::describe_table(table, rest[0]);
    return 0;
  }
  if (command == "problems") {
    if (rank == 0)
      for (const auto& e : hjb::problem_registry()) {
        std::cout << e.name << ": " << e.description << "\n  dimensions:";
        std::set<int> dims;
        for (const auto& [d, f] : e.time_dependent) dims.insert(d);
        for (const auto& [d, f] : e.stationary) dims.insert(d);
        for (int d : dims) std::cout << " " << d;
        std::cout << "\n  algorithms:" << (e.time_dependent.empty() ? "" : " time_dependent")
                  << (e.stationary.empty() ? "" : " value_iteration policy_iteration")
                  << (e.finite_horizon.empty() ? "" : " finite_horizon");
        std::cout << "\n  parameters (--problem.NAME):";
        for (const auto& n : e.parameter_names) std::cout << " " << n;
        std::cout << "\n";
      }
    return 0;
  }
  if (command == "train") return hjb::apps::run_train(rest);
  if (command == "rollout") return hjb::apps::run_rollout(rest);
  if (command == "simulate") return hjb::apps::run_simulate(rest);
  if (command == "evaluate") return hjb::apps::run_evaluate(rest);
  if (command == "sample") return hjb::apps::run_sample(rest);
  if (command == "version") {
    if (rank == 0) std::cout << "hjbench " << hjb::project_version << " (" << hjb::git_version << ")\n";
    return 0;
  }
  throw hjb::UsageError("unknown command '" + command + "'\n" + usage);
}

}  // namespace

int main(int argc, char** argv) {
  // Tokens after a literal "--" belong to PETSc.
  std::vector<std::string> args;
  // hjbench handles SIGTERM and SIGUSR1 itself (checkpoint, exit 5). PETSc's own signal handler
  // would restore the default SIGTERM action inside PetscFinalize, so a second SIGTERM during
  // shutdown would kill a run that already stopped cleanly: keep PETSc's handler off.
  static char no_signal_handler[] = "-no_signal_handler";
  std::vector<char*> petsc_argv = {argv[0], no_signal_handler};
  std::string petsc_options, command_line = argv[0];
  bool petsc_part = false;
  for (int i = 1; i < argc; ++i) {
    command_line += std::string(" ") + argv[i];
    if (!petsc_part && std::string(argv[i]) == "--") {
      petsc_part = true;
    } else if (petsc_part) {
      petsc_argv.push_back(argv[i]);
      petsc_options += (petsc_options.empty() ? "" : " ") + std::string(argv[i]);
    } else {
      args.emplace_back(argv[i]);
    }
  }
  int petsc_argc = static_cast<int>(petsc_argv.size());
  petsc_argv.push_back(nullptr);  // argv[argc] == NULL, as MPI_Init expects
  char** petsc_args = petsc_argv.data();
  if (PetscInitialize(&petsc_argc, &petsc_args, nullptr, nullptr) != 0) return 1;
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  int code = 0;
  try {
    code = run(args, petsc_options, command_line);
  } catch (const hjb::Error& e) {
    if (rank == 0) std::cerr << "hjbench: error: " << e.what() << "\n";
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    if (rank == 0) std::cerr << "hjbench: error: " << e.what() << "\n";
    code = 1;
  }
  // Every rank exits with the same code: the most severe (largest) one seen.
  int agreed = code;
  MPI_Allreduce(&code, &agreed, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  PetscFinalize();
  return agreed;
}
