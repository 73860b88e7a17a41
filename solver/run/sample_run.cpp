// A sparse table sampled onto a tensor grid (sample_run.hpp).
#include "solver/run/sample_run.hpp"

#include "core/parse_list.hpp"
#include "grids/axis.hpp"
#include "solver/io/hdf5_table.hpp"
#include "solver/run/output_paths.hpp"

namespace hjb {

void sample_sparse_table(MPI_Comm comm, const SparseTable& table, const std::string& table_path,
                         const std::vector<std::int64_t>& shape, const std::string& output,
                         const std::string& sidecar) {
  std::vector<std::vector<double>> feedback = table.policy;
  for (auto& f : feedback) table.hierarchize(f);
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  // Axis names and periodic axes (their end point excluded) as the solver recorded them.
  std::vector<std::string> names, periodic;
  if (table.strings.count("axes")) names = split_list(table.strings.at("axes"));
  if (table.strings.count("periodic")) periodic = split_list(table.strings.at("periodic"));
  std::vector<Axis> axes;
  for (int k = 0; k < table.dimension; ++k)
    axes.push_back({static_cast<int>(names.size()) == table.dimension ? names[k] : "x" + std::to_string(k),
                    table.lo[k], table.hi[k], shape[k],
                    static_cast<int>(periodic.size()) == table.dimension && periodic[k] == "yes"});
  std::vector<std::int64_t> start(shape.size(), 0), extent(shape.begin(), shape.end());
  start[0] = shape[0] * rank / size;
  extent[0] = shape[0] * (rank + 1) / size - start[0];
  std::int64_t count = 1;
  for (auto e : extent) count *= e;
  std::vector<double> values(static_cast<std::size_t>(count));
  std::vector<double> indicator(table.error ? static_cast<std::size_t>(count) : 0);
  std::vector<std::vector<double>> controls(feedback.size(),
                                            std::vector<double>(static_cast<std::size_t>(count)));
  std::vector<double> x(shape.size());
  for (std::int64_t q = 0; q < count; ++q) {
    std::int64_t rest = q;
    for (int k = table.dimension - 1; k >= 0; --k) {
      x[k] = axes[k].coordinate(start[k] + rest % extent[k]);
      rest /= extent[k];
    }
    values[q] = table.evaluate(table.surplus, x.data());
    if (table.error) indicator[q] = table.error_indicator(x.data());
    for (std::size_t j = 0; j < feedback.size(); ++j) controls[j][q] = table.evaluate(feedback[j], x.data());
  }
  TableMetadata meta;
  meta.problem = table.strings.count("problem") ? table.strings.at("problem") : "?";
  meta.problem_parameters = table.problem_parameters;
  meta.problem_parameters.erase("name");
  for (const auto& [k, v] : table.strings)
    if (k != "complete" && k != "grid_type" && k != "problem" && k != "schema_version" && k != "axes" &&
        k != "periodic")
      meta.strings[k] = v;
  meta.strings["sampled_from"] = table_path;
  meta.numbers = table.numbers;
  meta.numbers.erase("schema_version");
  std::vector<std::string> extras;
  for (std::size_t j = 0; j < feedback.size(); ++j) extras.push_back("policy/action_" + std::to_string(j));
  if (table.error) extras.push_back("error/indicator");
  const std::string tag = make_run_tag(comm);
  TableWriter writer(comm, output, output + "." + tag + ".tmp", axes, start, extent, {0.0}, meta, extras);
  writer.write_snapshot(0, values.data());
  for (std::size_t j = 0; j < feedback.size(); ++j) writer.write_extra(extras[j], controls[j].data());
  if (table.error) writer.write_extra("error/indicator", indicator.data());
  writer.commit(sidecar, sidecar.empty() ? std::string() : sidecar + "." + tag + ".tmp");
}

}  // namespace hjb
