// Parsing of `hjbench solve` arguments into a SolveConfig.
#pragma once
#include <string>
#include <vector>

#include "solver/frontend/solve_config.hpp"

namespace hjb {

/// Parses `hjbench solve` arguments (command line over INI file). Returns false when --help was
/// printed into `help`. Throws UsageError naming the offending option or ValidationError for an
/// unreadable config file.
bool parse_solve_arguments(const std::vector<std::string>& args, SolveConfig& config, std::string& help);

}  // namespace hjb
