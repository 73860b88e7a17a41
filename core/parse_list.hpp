// Comma-separated option values (`--grid.shape 101,101,100`, `--x0 0.5,0.2`), shared by every command.
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"

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

/// Splits "a,b,c" into its comma-separated words (no checks; an empty text gives one empty word).
inline std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string token;
  std::stringstream ss(text);
  while (std::getline(ss, token, ',')) out.push_back(token);
  if (out.empty()) out.emplace_back();
  return out;
}

}  // namespace hjb
