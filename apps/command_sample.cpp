// `hjbench sample SPARSE.h5 --grid.shape n1,..,nd --output.file T.h5`: a sparse table's interpolant
// (and its feedback's) on a tensor grid, as a tensor table with its XDMF sidecar. Collective.
#include <petscsys.h>

#include <cstdio>

#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "core/parse_list.hpp"
#include "solver/run/output_paths.hpp"
#include "solver/run/sample_run.hpp"

namespace hjb::apps {

int run_sample(const CommandContext& context) {
  std::string table_path, shape_text, output;
  po::options_description opts("hjbench sample SPARSE.h5 --grid.shape n1,..,nd --output.file T.h5");
  opts.add_options()("help,h", "print this help")("table", po::value(&table_path), "a sparse-grid table")(
      "grid.shape", po::value(&shape_text), "nodes per axis of the tensor grid over the sparse table's box")(
      "output.file", po::value(&output), "the tensor table to write (with an XDMF sidecar in 2-D and 3-D)");
  po::positional_options_description pos;
  pos.add("table", 1);
  po::variables_map vm;
  if (!parse_options(
          context.args, opts, vm,
          {&pos,
           "\nThe sparse interpolant evaluated at every node of the tensor grid (the feedback: the "
           "interpolant of its nodal values; error/indicator where the table has one), for plots, XDMF and "
           "tensor-table readers.\n"}))
    return 0;
  HJB_CHECK(!table_path.empty() && !shape_text.empty() && !output.empty(), UsageError,
            "usage: hjbench sample SPARSE.h5 --grid.shape n1,..,nd --output.file T.h5");
  const SparseTable table = read_sparse_table(table_path);
  HJB_CHECK(table.complete, ValidationError, table_path << ": a partial table (interrupted or failed run)");
  const std::vector<std::int64_t> shape = parse_list<std::int64_t>(shape_text, "grid.shape");
  HJB_CHECK(
      static_cast<int>(shape.size()) == table.dimension, UsageError,
      "--grid.shape has " << shape.size() << " sizes but the sparse table is " << table.dimension << "-D");
  double total = 1;
  for (auto n : shape) {
    HJB_CHECK(n >= 2, UsageError, "--grid.shape: every axis needs at least 2 nodes, got " << n);
    total *= static_cast<double>(n);
  }
  HJB_CHECK(total <= 2e9, ValidationError,
            "--grid.shape: " << total << " nodes is more than this command samples");
  const std::string sidecar =
      table.dimension == 2 || table.dimension == 3 ? sidecar_path(output) : std::string();
  std::vector<OutputFile> outs{{output, "--output.file"}};
  if (!sidecar.empty()) outs.push_back({sidecar, "--output.file (its XDMF sidecar)"});
  check_outputs(PETSC_COMM_WORLD, outs, {{table_path, "SPARSE.h5"}});
  sample_sparse_table(PETSC_COMM_WORLD, table, table_path, shape, output, sidecar);
  if (context.rank == 0)
    std::printf("sampled %s (%lld sparse nodes) onto %.0f tensor nodes: wrote %s%s\n", table_path.c_str(),
                static_cast<long long>(table.nodal.size()), total, output.c_str(),
                sidecar.empty() ? "" : (" and " + sidecar).c_str());
  return 0;
}

}  // namespace hjb::apps
