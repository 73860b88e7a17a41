// `hjbench bound --problem P [--cells N,N] [--actions K] [--discounted] [--output.json F]`: a certified
// upper bound on a problem's optimal expected return (box DP, solver/algorithms/box_bound.hpp).
#include <petscsys.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"
#include "solver/run/box_bound_run.hpp"
#include "solver/run/output_paths.hpp"

namespace hjb::apps {

int run_bound(const CommandContext& context) {
  std::string problem = "pendulum", cells_text = "256,256", json_path;
  int dim = 0, actions = 16;
  long stages = 0;
  bool discounted = false;
  double tolerance = 1e-9;
  po::options_description opts("hjbench bound --problem P [--cells N,N] [--actions K] [--output.json F]");
  opts.add_options()("help,h", "print this help")("problem", po::value(&problem)->default_value(problem),
                                                  "a problem with enclosures of its step")(
      "dim", po::value(&dim)->default_value(0), "state dimension of a family with several (lqr_mdp: 2 or 3)")(
      "cells", po::value(&cells_text)->default_value(cells_text), "cells per axis of the domain")(
      "actions", po::value(&actions)->default_value(actions),
      "action intervals per control axis (discrete action sets: their own actions)")(
      "stages", po::value(&stages)->default_value(0), "episodic stages (0: the problem's episode length)")(
      "discounted", po::bool_switch(&discounted),
      "bound the discounted infinite-horizon return instead (value iteration on boxes)")(
      "tolerance", po::value(&tolerance)->default_value(tolerance),
      "--discounted: stop when the bound changes less than this")(
      "output.json", po::value(&json_path), "also write the result as JSON (keys of scripts/optimum.sh)");
  po::variables_map vm;
  const std::string epilogue =
      "\nThe domain is cut into cells and the action box into intervals; interval enclosures of the exact "
      "step give, stage by stage, a bound W_k(cell) >= the optimal return from every state of the cell. "
      "Its average over the start distribution is a certified upper end of the optimum's bracket "
      "(rounding directed upward). It tightens about linearly with the cell size.\n";
  if (!parse_options(context.args, opts, vm, {nullptr, epilogue})) return 0;
  BoxBoundOptions o;
  for (int n : parse_sizes(cells_text, "cells")) o.cells.push_back(n);
  o.action_intervals = actions;
  o.stages = stages;
  o.discounted = discounted;
  o.tolerance = tolerance;
  HJB_CHECK(stages >= 0 && stages <= 100000, UsageError, "--stages must be in [0, 100000], got " << stages);
  HJB_CHECK(!(discounted && stages > 0), UsageError,
            "--stages: not with --discounted (it iterates to --tolerance)");
  HJB_CHECK(tolerance > 0 && tolerance < 1, UsageError, "--tolerance must be in (0, 1), got " << tolerance);
  if (!json_path.empty()) check_outputs(PETSC_COMM_WORLD, {{json_path, "--output.json"}});
  const BoxBoundResult r = box_upper_bound(problem, dim, o, PETSC_COMM_WORLD);
  int ranks = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
  if (context.rank != 0) return 0;
  std::string cells;
  for (auto n : o.cells) cells += (cells.empty() ? "" : "x") + std::to_string(n);
  const char* what = discounted ? "discounted return" : "episode return";
  std::printf(
      "certified upper bound on the optimal expected %s of %s: %.6f\n"
      "  (%s cells, %d action%s, %ld %s, %.1f s on %d rank%s, %.0f MiB of transitions per rank; the max over "
      "the start cells is %.6f)\n",
      what, problem.c_str(), r.upper, cells.c_str(), r.actions, r.actions == 1 ? "" : "s", r.stages,
      discounted ? "iterations" : "stages", r.seconds, ranks, ranks == 1 ? "" : "s", r.bytes / 1048576.0,
      r.start_cell_max);
  if (discounted) std::printf("  last change %.3e\n", r.last_change);
  if (!json_path.empty()) {
    std::ostringstream json;
    json << "{\"problem\": " << rl::json_string(problem) << ", \"upper\": " << rl::json_number(r.upper)
         << ", \"upper_kind\": \"certified\", \"return\": \"" << (discounted ? "discounted" : "episode")
         << "\", \"cells\": \"" << cells << "\", \"actions\": " << r.actions << ", \"stages\": " << r.stages
         << ", \"seconds\": " << rl::json_number(r.seconds) << ", \"ranks\": " << ranks
         << ", \"bytes_per_rank\": " << rl::json_number(r.bytes) << "}\n";
    write_output_json(json_path, json.str());
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace hjb::apps
