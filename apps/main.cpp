// hjbench: the command-line entry point. Initialises PETSc (tokens after a literal "--" are its
// options), runs one command (apps/command.hpp) and maps errors to the exit codes of the README
// (0 ok, 2 usage, 3 validation, 4 numerical, 5 stopped with a checkpoint, 1 other), agreed over ranks.
//
//   mpirun -n 4 hjbench solve data/configs/air3d.ini --output.file out/air3d.h5 -- -log_view
//   hjbench info out/air3d.h5
//   hjbench problems
#include <petscsys.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "apps/command.hpp"
#include "core/error.hpp"

namespace hjb::apps {

const std::vector<Command>& commands() {
  static const std::vector<Command> list{
      {"solve",
       "  solve [CONFIG.ini] [--key value ...]  solve an HJ(I) equation and write an HDF5 table\n"
       "                                        (hjbench solve --help lists every option)\n",
       run_solve},
      {"info", "  info FILE.h5                          summarise a value table\n", run_info},
      {"problems", "  problems                              list the problems and their parameters\n",
       run_problems, false},
      {"train",
       "  train --algo ppo|sac [--problem P]    train an RL agent on a problem's MDP, write a policy file\n",
       run_train},
      {"rollout",
       "  rollout POLICY.h5 [--episodes N]      evaluate a policy: mean return +- standard error\n",
       run_rollout},
      {"evaluate",
       "  evaluate --table T.h5 --policy P.h5   score a policy and its critic against a table: gaps\n"
       "                                        with CIs, certified bound, critic and policy errors\n",
       run_evaluate},
      {"simulate",
       "  simulate TABLE.h5 [--starts N]        a table's feedback in closed loop: stationary tables, the\n"
       "                                        achieved cost (an upper bound on V*) next to the table's\n"
       "                                        value; finite-horizon tables, the optimal expected episode\n"
       "                                        return two ways (table integral, seeded closed loop)\n",
       run_simulate},
      {"bound",
       "  bound --problem P [--cells N,N]       a certified upper bound on the optimal expected return\n"
       "                                        (set-oriented DP on boxes with interval enclosures)\n",
       run_bound},
      {"sample",
       "  sample SPARSE.h5 --grid.shape ...     a sparse table on a tensor grid (tensor table + XDMF)\n",
       run_sample},
      {"sweep",
       "  sweep SPEC.ini --output DIR            a grid of parameters and resolutions as a job array (Slurm\n"
       "                                        script and a plain mpirun loop; resumable, complete tables "
       "skipped)\n",
       run_sweep},
      {"index",
       "  index DIR                             index the tables under DIR (index.json, index.h5 with "
       "links)\n",
       run_index},
      {"diffusion",
       "  diffusion --table T.h5 [--train.steps] the Foellmer sampler's table against its closed form, and\n"
       "                                        a score-matching drift against the exact one (path KL)\n",
       run_diffusion},
      {"version", "  version                               print the version\n", run_version, false},
  };
  return list;
}

namespace {

std::string usage() {
  std::string text = "usage: hjbench COMMAND [options] [-- PETSc options]\ncommands:\n";
  for (const auto& c : commands()) text += c.usage;
  return text;
}

int run(const CommandContext& context) {
  const auto& args = context.args;
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    if (context.rank == 0) std::cout << usage();
    if (args.empty()) throw UsageError("no command given");
    return 0;
  }
  for (const auto& c : commands())
    if (args[0] == c.name) {
      CommandContext rest = context;
      rest.args.assign(args.begin() + 1, args.end());
      HJB_CHECK(c.takes_arguments || rest.args.empty(), UsageError,
                "usage: hjbench " << c.name << " (no arguments; got '" << rest.args.front() << "')");
      return c.run(rest);
    }
  throw UsageError("unknown command '" + args[0] + "'\n" + usage());
}

/// operator new's handler: a rank that runs out of memory says so and aborts the MPI job at the
/// failing allocation itself. A std::bad_alloc would unwind first, through destructors that close
/// files collectively, while the other ranks wait in a collective call this one never makes: the
/// job would hang (tests/cli/batch_safety.sh injects it on one rank of two). Allocates nothing.
[[noreturn]] void out_of_memory() {
  int initialised = 0, rank = 0;
  MPI_Initialized(&initialised);
  if (initialised) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  char text[320];
  const int length =
      std::snprintf(text, sizeof text,
                    "hjbench: error: rank %d ran out of memory; `hjbench solve --dry-run` prints "
                    "the memory plan per rank, and --memory-per-rank refuses a run over budget "
                    "before any work\n",
                    rank);
  if (length > 0) std::fwrite(text, 1, std::min<std::size_t>(length, sizeof text - 1), stderr);
  std::fflush(stderr);
  if (initialised) MPI_Abort(MPI_COMM_WORLD, 1);
  std::_Exit(1);
}

}  // namespace
}  // namespace hjb::apps

int main(int argc, char** argv) {
  std::set_new_handler(hjb::apps::out_of_memory);
  hjb::apps::CommandContext context;
  // hjbench handles SIGTERM and SIGUSR1 itself (checkpoint, exit 5). PETSc's own signal handler
  // would restore the default SIGTERM action inside PetscFinalize, so a second SIGTERM during
  // shutdown would kill a run that already stopped cleanly: keep PETSc's handler off.
  static char no_signal_handler[] = "-no_signal_handler";
  std::vector<char*> petsc_argv = {argv[0], no_signal_handler};
  context.command_line = argv[0];
  bool petsc_part = false;
  for (int i = 1; i < argc; ++i) {
    context.command_line += std::string(" ") + argv[i];
    if (!petsc_part && std::string(argv[i]) == "--") {
      petsc_part = true;
    } else if (petsc_part) {
      petsc_argv.push_back(argv[i]);
      context.petsc_options += (context.petsc_options.empty() ? "" : " ") + std::string(argv[i]);
    } else {
      context.args.emplace_back(argv[i]);
    }
  }
  int petsc_argc = static_cast<int>(petsc_argv.size());
  petsc_argv.push_back(nullptr);  // argv[argc] == NULL, as MPI_Init expects
  char** petsc_args = petsc_argv.data();
  // Started without a launcher (an MPI singleton), Open MPI 4 forks a helper daemon in MPI_Init
  // that only MPI_Comm_spawn needs, and initialises UCX (0.2 s here) although a singleton has no peer
  // to talk to. hjbench never spawns or connects, so the singleton stays isolated and uses the ob1
  // point-to-point layer (self only): MPI_Init 0.22 -> 0.02 s, a whole `hjbench problems` 0.25 ->
  // 0.05 s (docs/benchmarks.md). Under mpirun (OMPI_COMM_WORLD_SIZE set), or with a variable already
  // set by the user, nothing changes; other MPI implementations ignore them.
  if (!std::getenv("OMPI_COMM_WORLD_SIZE")) {
    setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
    setenv("OMPI_MCA_pml", "ob1", 0);
  }
  if (PetscInitialize(&petsc_argc, &petsc_args, nullptr, nullptr) != 0) return 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &context.rank);
  int code = 0;
  try {
    code = hjb::apps::run(context);
  } catch (const hjb::Error& e) {
    if (context.rank == 0) std::cerr << "hjbench: error: " << e.what() << "\n";
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    if (context.rank == 0) std::cerr << "hjbench: error: " << e.what() << "\n";
    code = 1;
  }
  // PETSc options after "--" that no object read (a typo, an option of another solver type) are
  // said in words, as PETSc's own -options_left would.
  PetscInt unused = 0;
  char **names = nullptr, **values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &unused, &names, &values) == 0) {
    if (unused > 0 && context.rank == 0) {
      std::cerr << "hjbench: warning: " << unused << " PETSc option(s) after -- not used by any object:";
      for (PetscInt k = 0; k < unused; ++k)
        std::cerr << " -" << names[k] << (values[k] ? std::string(" ") + values[k] : "");
      std::cerr << "\n";
    }
    PetscOptionsLeftRestore(nullptr, &unused, &names, &values);
  }
  // Every rank exits with the same code: the most severe (largest) one seen.
  int agreed = code;
  MPI_Allreduce(&code, &agreed, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  PetscFinalize();
  return agreed;
}
