// What several commands share: option parsing with Boost.Program_options (no abbreviations, help,
// INI files, errors as UsageError), start states, seeded start sets and one-line evaluations.
#pragma once
#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/env/environment.hpp"
#include "tables/table.hpp"

namespace hjb::apps {

namespace po = boost::program_options;

/// A random seed: a non-negative integer (Boost would wrap "-1" to 2^64 - 1 without a word), on the
/// command line and in INI files alike; used where a std::uint64_t is.
struct Seed {
  std::uint64_t value = 0;
  operator std::uint64_t() const { return value; }
};
/// Boost.Program_options' parser of a Seed (found by argument-dependent lookup): digits only.
void validate(boost::any& v, const std::vector<std::string>& values, Seed*, int);
std::ostream& operator<<(std::ostream& os, const Seed& seed);

/// How a command's options are read.
struct ParseSpec {
  const po::positional_options_description* positional = nullptr;
  std::string help_epilogue;  ///< printed after the options by --help
  bool config_file = false;   ///< accept --config FILE.ini (the same keys; the command line wins)
};

/// Parses `args` into `vm` and notifies the bound variables. Prints the options and the epilogue and
/// returns false on --help. Throws UsageError for an unknown, abbreviated or malformed option and
/// ValidationError for an unreadable --config file.
bool parse_options(const std::vector<std::string>& args, const po::options_description& options,
                   po::variables_map& vm, const ParseSpec& spec = {});

/// True when the user did not set `key` (absent, or only its default).
inline bool unset(const po::variables_map& vm, const char* key) {
  return !vm.count(key) || vm[key].defaulted();
}

/// Hidden-layer widths: a list of positive integers (named by `option` in errors).
std::vector<int> parse_sizes(const std::string& text, const std::string& option);

/// --x0: a start state inside the table's grid (periodic axes wrap).
std::vector<double> parse_start(const std::string& text, const Table& table);

/// `count` start states of env's start distribution, start k drawn after reset(seed + k).
std::vector<std::vector<double>> seeded_starts(const rl::Environment& env, int count, std::uint64_t seed);

/// The starts shared among the processes of PETSC_COMM_WORLD (rl::per_start): each runs its share of
/// the episodes, and every process gets every start's result.
rl::StartShare world_start_share();

/// "WHAT: mean return M +- SE (standard error) over N episodes".
void print_evaluation(const std::string& what, const rl::Evaluation& e);

/// The bracket of an optimum.json (scripts/optimum.sh): [lower, upper] with the lower end's error.
struct Bracket {
  double lower = 0, lower_se = 0, upper = 0;
  std::string upper_kind, return_kind;
};
/// Reads --optimum PATH: the bracket of `problem`'s expected episode return (ValidationError naming
/// the file otherwise).
Bracket read_bracket(const std::string& path, const std::string& problem);
/// Prints a policy's gap to both ends (mean episode return with its standard error) and the warnings:
/// "gap is within the reference's error" when it reaches the lower end within 2 standard errors.
void print_bracket_gaps(const Bracket& b, const std::string& path, double mean, double standard_error);

/// Writes `text` to PATH atomically (PATH.tmp, then renamed; mode 0755 when `executable`);
/// RuntimeError naming `what` and the path.
void write_text_file(const std::string& path, const std::string& text, const std::string& what,
                     bool executable = false);
/// Writes `text` to --output.json PATH atomically (PATH.tmp, then renamed); RuntimeError naming it.
void write_output_json(const std::string& path, const std::string& text);

}  // namespace hjb::apps
