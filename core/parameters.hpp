// Applying user-given parameter values to a problem through its visit_parameters() list, shared
// by the solver configuration and the RL environment registry.
#pragma once
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace hjb {

/// Names of a problem's parameters, in declaration order.
template <class P>
std::vector<std::string> parameter_names_of() {
  P p;
  std::vector<std::string> names;
  p.visit_parameters([&](const char* n, double&) { names.emplace_back(n); });
  return names;
}

/// Sets the given parameters on `problem`. Throws UsageError for a name the problem does not have
/// (listing the valid ones) or a non-finite value; `option_prefix` names the option ("--problem.").
template <class P>
void apply_parameters(P& problem, const std::map<std::string, double>& given,
                      const std::string& option_prefix) {
  std::map<std::string, double> left = given;
  std::string valid;
  problem.visit_parameters([&](const char* name, double& value) {
    valid += std::string(valid.empty() ? "" : ", ") + name;
    if (auto it = left.find(name); it != left.end()) {
      HJB_CHECK(std::isfinite(it->second), UsageError, option_prefix << name << " must be finite");
      value = it->second;
      left.erase(it);
    }
  });
  HJB_CHECK(left.empty(), UsageError,
            option_prefix << left.begin()->first << " is not a parameter of problem '" << P::name()
                          << "' (its parameters: " << valid << ")");
  if constexpr (requires { problem.validate(); }) problem.validate();
}

}  // namespace hjb
