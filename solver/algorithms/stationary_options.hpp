// Options of the stationary (value/policy iteration) solver.
#pragma once

namespace hjb {

struct StationaryOptions {
  bool policy_iteration = true;    ///< else value iteration
  int actions = 21;                ///< per control dimension, evenly spaced over the action box
  double discount = 0.0;           ///< 0: the problem's own
  double tolerance = 1e-8;         ///< max-norm Bellman residual max|T V - V|
  long max_iterations = 0;         ///< 0: 200 for policy iteration, 100000 for value iteration
  double progress_seconds = 10.0;  ///< rank-0 progress line period (0: every iteration; infinity: quiet)
  void validate() const;           ///< throws UsageError naming --stationary.*
};

}  // namespace hjb
