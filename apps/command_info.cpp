// `hjbench info FILE.h5`: a human-readable summary of a tensor or sparse table.
#include <iostream>

#include "apps/command.hpp"
#include "core/error.hpp"
#include "tables/table.hpp"

namespace hjb::apps {

int run_info(const CommandContext& context) {
  const auto& args = context.args;
  HJB_CHECK(args.size() == 1, UsageError, "usage: hjbench info FILE.h5");
  const std::string text = is_sparse_table(args[0])
                               ? describe_sparse_table(read_sparse_table(args[0]), args[0])
                               : describe_table(read_table(args[0]), args[0]);
  if (context.rank == 0) std::cout << text;
  return 0;
}

}  // namespace hjb::apps
