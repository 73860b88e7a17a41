// `hjbench train` and `hjbench rollout`: option parsing and calls into hjb::rl.
#pragma once
#include <string>
#include <vector>

namespace hjb::apps {
int run_train(const std::vector<std::string>& args);
int run_rollout(const std::vector<std::string>& args);
int run_simulate(const std::vector<std::string>& args);
}  // namespace hjb::apps
