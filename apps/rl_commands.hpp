// `hjbench train` and `hjbench rollout`: option parsing and calls into hjb::rl.
#pragma once
#include <string>
#include <vector>

namespace hjb::apps {
int run_train(const std::vector<std::string>& args);
int run_rollout(const std::vector<std::string>& args);
int run_simulate(const std::vector<std::string>& args);
/// `hjbench evaluate --table T.h5 --policy P.h5`: a policy and its critic scored against a table.
int run_evaluate(const std::vector<std::string>& args);
/// `hjbench sample SPARSE.h5 --grid.shape n1,..,nd --output.file T.h5`: a sparse table's
/// interpolant (and its feedback's) on a tensor grid, as a tensor table with its XDMF sidecar.
int run_sample(const std::vector<std::string>& args);
}  // namespace hjb::apps
