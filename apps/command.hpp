// One `hjbench` command: a name, its line in the usage text and the function that runs it. Every
// command lives in its own file (apps/command_NAME.cpp), parses its options, calls one library
// function and prints; main.cpp only dispatches and maps errors to exit codes.
#pragma once
#include <string>
#include <vector>

namespace hjb::apps {

/// What a command receives from main().
struct CommandContext {
  std::vector<std::string> args;  ///< the tokens after the command name, up to a literal "--"
  std::string petsc_options;      ///< the tokens after "--" (already given to PetscInitialize)
  std::string command_line;       ///< the whole command line, recorded in tables
  int rank = 0;                   ///< this process's rank in PETSC_COMM_WORLD
};

struct Command {
  const char* name;
  const char* usage;  ///< its lines in `hjbench --help` (aligned, ending in a newline)
  int (*run)(const CommandContext&);
  bool takes_arguments = true;  ///< false: the dispatcher refuses any argument (exit 2)
};

/// Every command, in the order `hjbench --help` lists them.
const std::vector<Command>& commands();

int run_solve(const CommandContext& context);
int run_info(const CommandContext& context);
int run_problems(const CommandContext& context);
int run_train(const CommandContext& context);
int run_rollout(const CommandContext& context);
int run_evaluate(const CommandContext& context);
int run_simulate(const CommandContext& context);
int run_sample(const CommandContext& context);
int run_diffusion(const CommandContext& context);
int run_sweep(const CommandContext& context);
int run_index(const CommandContext& context);
int run_bound(const CommandContext& context);
int run_version(const CommandContext& context);

}  // namespace hjb::apps
