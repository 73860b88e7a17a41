// `hjbench solve [CONFIG.ini] [--key value ...] [-- PETSc options]`: parse the options, run the
// chosen driver (solver/frontend), print its summary. Collective over PETSC_COMM_WORLD.
#include <petscsys.h>

#include <iostream>

#include "apps/command.hpp"
#include "core/error.hpp"
#include "solver/frontend/problem_registry.hpp"
#include "solver/frontend/solve_arguments.hpp"

namespace hjb::apps {

int run_solve(const CommandContext& context) {
  SolveConfig config;
  std::string help;
  if (!parse_solve_arguments(context.args, config, help)) {
    if (context.rank == 0) std::cout << help;
    return 0;
  }
  config.command_line = context.command_line;
  config.petsc_options = context.petsc_options;
  const auto summary = run_solve(PETSC_COMM_WORLD, config);
  if (summary.dry_run) return 0;
  if (summary.interrupted()) {
    // The checkpoint is on disk; the message says how to resume.
    if (context.rank == 0) std::cerr << "hjbench: " << summary.message << "\n";
    return static_cast<int>(ExitCode::interrupted);
  }
  PetscPrintf(PETSC_COMM_WORLD, "%s\npeak resident memory per rank (largest): %.1f MiB\nwrote %s\n",
              summary.brief().c_str(), summary.peak_resident_bytes / (1024.0 * 1024.0),
              config.output.file.c_str());
  return 0;
}

}  // namespace hjb::apps
