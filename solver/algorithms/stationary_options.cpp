// Validation of the stationary (value/policy iteration) solver options.
#include "solver/algorithms/stationary_options.hpp"

#include "solver/core/error.hpp"

namespace hjb {

void StationaryOptions::validate() const {
  HJB_CHECK(actions >= 1, UsageError, "--stationary.actions must be positive, got " << actions);
  HJB_CHECK(discount >= 0 && discount < 1, UsageError,
            "--stationary.discount must be in (0, 1) (0: the problem's), got " << discount);
  HJB_CHECK(tolerance > 0, UsageError, "--stationary.tolerance must be positive, got " << tolerance);
  HJB_CHECK(max_iterations >= 0, UsageError, "--stationary.max_iterations must be non-negative");
  HJB_CHECK(progress_seconds >= 0, UsageError, "--output.progress_seconds must be non-negative");
}

}  // namespace hjb
