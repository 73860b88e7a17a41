#include "solver/run/box_bound_run.hpp"

#include <optional>

#include "core/error.hpp"
#include "problems/catalog.hpp"

namespace hjb {

std::vector<std::string> box_bound_problems() {
  std::vector<std::string> names;
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (EnclosedStepProblem<P> && EnvironmentProblem<P>)
      if (names.empty() || names.back() != P::name()) names.push_back(P::name());
  });
  return names;
}

BoxBoundResult box_upper_bound(const std::string& name, int dim, const BoxBoundOptions& options,
                               MPI_Comm comm) {
  std::optional<BoxBoundResult> result;
  bool known = false;
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (EnclosedStepProblem<P> && EnvironmentProblem<P>) {
      if (P::name() != name) return;
      known = true;
      if (!result && (dim == 0 || dim == P::dim)) result = box_upper_bound(P{}, options, comm);
    }
  });
  if (!result) {
    std::string list;
    for (const auto& n : box_bound_problems()) list += (list.empty() ? "" : ", ") + n;
    if (known)
      throw UsageError("--dim " + std::to_string(dim) + ": problem '" + name + "' has no such dimension");
    throw UsageError("problem '" + name + "' has no enclosures of its step (certified bounds exist for " +
                     list + ")");
  }
  return *result;
}

}  // namespace hjb
