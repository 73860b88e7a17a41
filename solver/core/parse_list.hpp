// Comma-separated option values (`--grid.shape 101,101,100`, `--x0 0.5,0.2`), shared by every command.
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "solver/core/error.hpp"

namespace hjb {

/// Parses "a,b,c" into numbers of type T. Throws UsageError naming --option for an empty list or a
/// token that is not a number of that type.
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

}  // namespace hjb
