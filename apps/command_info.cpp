// `hjbench info FILE.h5`: a human-readable summary of a tensor or sparse table.
#include <iostream>

#include "apps/command.hpp"
#include "core/error.hpp"
#include "tables/table.hpp"

namespace hjb::apps {

int run_info(const CommandContext& context) {
  const auto& args = context.args;
  HJB_CHECK(args.size() == 1, UsageError, "usage: hjbench info FILE.h5");
  std::string text;
  bool complete = true;
  if (is_sparse_table(args[0])) {
    const SparseTable table = read_sparse_table(args[0]);
    text = describe_sparse_table(table, args[0]);
    complete = table.complete;
  } else {
    const Table table = read_table(args[0]);
    text = describe_table(table, args[0]);
    complete = table.complete;
  }
  if (context.rank == 0) std::cout << text;
  // A partial table is described, but a script must not take it for a result.
  HJB_CHECK(
      complete, ValidationError,
      args[0] << ": a partial table (the temporary file of an interrupted or failed run), described above");
  return 0;
}

}  // namespace hjb::apps
