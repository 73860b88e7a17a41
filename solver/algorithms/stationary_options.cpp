// Validation of the stationary (value/policy iteration) solver options.
#include "solver/algorithms/stationary_options.hpp"

#include <cmath>

#include "core/error.hpp"

namespace hjb {

void StationaryOptions::validate() const {
  HJB_CHECK(actions >= 1, UsageError, "--stationary.actions must be positive, got " << actions);
  HJB_CHECK(discount >= 0 && discount < 1, UsageError,
            "--stationary.discount must be in (0, 1) (0: the problem's), got " << discount);
  HJB_CHECK(tolerance > 0, UsageError, "--stationary.tolerance must be positive, got " << tolerance);
  HJB_CHECK(max_iterations >= 0, UsageError, "--stationary.max_iterations must be non-negative");
  HJB_CHECK(evaluation_factor >= 0 && evaluation_factor < 1, UsageError,
            "--stationary.evaluation_factor must be in [0, 1), got " << evaluation_factor);
  HJB_CHECK(coarse_levels >= -1 && coarse_levels <= 16, UsageError,
            "--stationary.coarse_levels must be in [0, 16] (or -1: automatic), got " << coarse_levels);
  HJB_CHECK(progress_seconds >= 0, UsageError, "--output.progress_seconds must be non-negative");
}

void FiniteHorizonOptions::validate(long horizon) const {
  HJB_CHECK(horizon >= 1, UsageError,
            "--finite_horizon.steps: the horizon must be at least 1 step, got " << horizon);
  for (long k : stages)
    HJB_CHECK(k >= 0 && k <= horizon, UsageError,
              "--finite_horizon.stages: stage " << k << " is outside [0, " << horizon << "] (the horizon)");
  HJB_CHECK(std::isfinite(tolerance) && tolerance >= 0.0, UsageError,
            "--finite_horizon.tolerance must be a non-negative number, got " << tolerance);
}

}  // namespace hjb
