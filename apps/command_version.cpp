// `hjbench version`: the project version and the git description it was built from.
#include <iostream>

#include "apps/command.hpp"
#include "core/version.hpp"

namespace hjb::apps {

int run_version(const CommandContext& context) {
  if (context.rank == 0) std::cout << "hjbench " << project_version << " (" << git_version << ")\n";
  return 0;
}

}  // namespace hjb::apps
