// `hjbench index DIR`: every complete hjbench table under DIR in DIR/index.json and DIR/index.h5
// (apps/catalogue.hpp).
#include <petscsys.h>

#include <cstdio>

#include "apps/catalogue.hpp"
#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"

namespace hjb::apps {

int run_index(const CommandContext& context) {
  std::string dir;
  po::options_description opts("hjbench index DIR");
  opts.add_options()("help,h", "print this help")("dir", po::value(&dir),
                                                  "the directory to index (recursively)");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  const std::string epilogue =
      "\nWrites DIR/index.json and DIR/index.h5: per complete table its path, problem, mode, parameters, "
      "grid,\n"
      "the bracket of an optimum.json beside it (scripts/optimum.sh), the wall time and attempts of a sweep "
      "job\n"
      "(hjbench sweep), and its provenance (command line, version, run identity); index.h5 holds one group "
      "per\n"
      "table with these attributes and an external link `table` to the file. Partial tables, checkpoints "
      "and\n"
      "other files are skipped. `hjbench evaluate --index DIR` picks a table from it.\n";
  if (!parse_options(context.args, opts, vm, {&pos, epilogue})) return 0;
  HJB_CHECK(!dir.empty(), UsageError, "usage: hjbench index DIR");
  const std::vector<IndexEntry> entries = scan_tables(dir);
  if (context.rank != 0) return 0;
  write_index(dir, entries);
  std::printf("%zu tables under %s:\n", entries.size(), dir.c_str());
  for (const auto& e : entries) {
    std::printf("  %s: %s %s, %s", e.path.c_str(), e.problem.c_str(), e.mode.c_str(), e.grid.c_str());
    for (const auto& [k, v] : e.parameters) std::printf(" %s=%g", k.c_str(), v);
    if (e.wall_seconds >= 0)
      std::printf("; %.1f s in %d attempt%s", e.wall_seconds, e.attempts, e.attempts == 1 ? "" : "s");
    if (e.bracket) std::printf("; bracket [%g, %g]", e.bracket->lower, e.bracket->upper);
    std::printf("\n");
  }
  std::printf("wrote %s/index.json and %s/index.h5\n", dir.c_str(), dir.c_str());
  return 0;
}

}  // namespace hjb::apps
