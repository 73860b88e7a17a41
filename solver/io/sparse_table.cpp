// Sparse-grid tables: written by rank 0 under a temporary name, read serially.
#include "solver/io/sparse_table.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "solver/io/collective_failure.hpp"
#include "solver/io/hdf5_util.hpp"

namespace hjb {
using namespace h5;

namespace {

template <class T>
void write_array(hid_t where, const std::string& name, hid_t file_type, hid_t memory_type, const T* data,
                 std::vector<hsize_t> dims) {
  const Handle space = dataspace(
      check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace " + name));
  const Handle lcpl = property_list(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl, 1);
  const Handle ds = dataset(check_id(
      H5Dcreate2(where, name.c_str(), file_type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT), "create " + name));
  check_h5(H5Dwrite(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
}

template <class T>
std::vector<T> read_array(hid_t file, const std::string& name, hid_t memory_type, const std::string& path) {
  const Handle ds = dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
  HJB_CHECK(ds.valid(), ValidationError,
            path << ": not an hjbench sparse table (dataset " << name << " missing)");
  const Handle space = dataspace(H5Dget_space(ds));
  std::vector<T> data(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  HJB_CHECK(H5Dread(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0, ValidationError,
            path << ": cannot read " << name << " (corrupt file?)");
  return data;
}

int level_of(const sparse::SparseGrid& g) { return g.level(); }
int level_of(const sparse::AdaptiveSparseGrid& g) { return g.base_level(); }
std::vector<int> caps_of(const sparse::SparseGrid& g) { return g.caps(); }
std::vector<int> caps_of(const sparse::AdaptiveSparseGrid& g) {
  std::vector<int> c;
  for (int k = 0; k < g.dimension(); ++k) c.push_back(g.max_level(k));
  return c;
}
constexpr bool is_adaptive(const sparse::SparseGrid&) { return false; }
constexpr bool is_adaptive(const sparse::AdaptiveSparseGrid&) { return true; }

template <class Grid>
void write_table(MPI_Comm comm, const std::string& path, const std::string& tmp, const Grid& grid,
                 const std::vector<double>& nodal, const std::vector<double>& surplus,
                 const std::vector<std::vector<double>>& policy, const TableMetadata& metadata) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  bool ok = true;
  std::string reason;
  if (rank == 0) {
    try {
      H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
      Handle f =
          file(check_id(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create " + tmp));
      write_number_attribute(f, "schema_version", table_schema_version);
      write_string_attribute(f, "complete", "no");
      write_string_attribute(f, "grid_type", "sparse");
      write_string_attribute(f, "problem", metadata.problem);
      for (const auto& [k, v] : metadata.strings) write_string_attribute(f, k, v);
      for (const auto& [k, v] : metadata.numbers) write_number_attribute(f, k, v);
      const Handle problem =
          group(check_id(H5Gcreate2(f, "problem", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/problem"));
      write_string_attribute(problem, "name", metadata.problem);
      for (const auto& [k, v] : metadata.problem_parameters) write_number_attribute(problem, k, v);
      const int d = grid.dimension();
      const auto n = static_cast<hsize_t>(grid.size());
      const Handle sg =
          group(check_id(H5Gcreate2(f, "sparse", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/sparse"));
      write_number_attribute(sg, "dimension", d);
      write_number_attribute(sg, "level", level_of(grid));
      write_string_attribute(sg, "basis", sparse::to_string(grid.basis()));
      write_string_attribute(sg, "adaptive", is_adaptive(grid) ? "yes" : "no");
      const std::vector<int> caps = caps_of(grid);
      write_array(f, "sparse/caps", H5T_STD_I32LE, H5T_NATIVE_INT, caps.data(), {static_cast<hsize_t>(d)});
      write_array(f, "sparse/lo", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, grid.lo().data(),
                  {static_cast<hsize_t>(d)});
      write_array(f, "sparse/hi", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, grid.hi().data(),
                  {static_cast<hsize_t>(d)});
      std::vector<int> levels(n * d);
      std::vector<std::int64_t> indices(n * d);
      for (std::int64_t p = 0; p < grid.size(); ++p) grid.level_index(p, &levels[p * d], &indices[p * d]);
      write_array(f, "sparse/level", H5T_STD_I32LE, H5T_NATIVE_INT, levels.data(),
                  {n, static_cast<hsize_t>(d)});
      write_array(f, "sparse/index", H5T_STD_I64LE, H5T_NATIVE_INT64, indices.data(),
                  {n, static_cast<hsize_t>(d)});
      write_array(f, "value/nodal", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nodal.data(), {n});
      write_array(f, "value/surplus", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, surplus.data(), {n});
      for (std::size_t j = 0; j < policy.size(); ++j)
        write_array(f, "policy/action_" + std::to_string(j), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                    policy[j].data(), {n});
      H5Adelete(f, "complete");
      write_string_attribute(f, "complete", "yes");
      ok = f.close() >= 0;
      if (!ok) reason = "cannot write " + tmp + " (disk full?)";
    } catch (const std::exception& e) {
      ok = false;
      reason = e.what();
    }
    if (!ok) std::remove(tmp.c_str());
  }
  agree_on_success(comm, ok, rank == 0 ? reason : "rank 0 could not write the sparse table " + tmp);
  rename_on_rank0(comm, tmp, path);
}

}  // namespace

void write_sparse_table(MPI_Comm comm, const std::string& path, const std::string& tmp,
                        const sparse::SparseGrid& grid, const std::vector<double>& nodal,
                        const std::vector<double>& surplus, const std::vector<std::vector<double>>& policy,
                        const TableMetadata& metadata) {
  write_table(comm, path, tmp, grid, nodal, surplus, policy, metadata);
}

void write_sparse_table(MPI_Comm comm, const std::string& path, const std::string& tmp,
                        const sparse::AdaptiveSparseGrid& grid, const std::vector<double>& nodal,
                        const std::vector<double>& surplus, const std::vector<std::vector<double>>& policy,
                        const TableMetadata& metadata) {
  write_table(comm, path, tmp, grid, nodal, surplus, policy, metadata);
}

void SparseTable::hierarchize(std::vector<double>& values) const {
  if (adaptive_grid)
    adaptive_grid->hierarchize(values);
  else
    regular_grid->hierarchize(values);
}

double SparseTable::evaluate(const std::vector<double>& surpluses, const double* x) const {
  return adaptive_grid ? adaptive_grid->evaluate(surpluses, x) : regular_grid->evaluate(surpluses, x);
}

bool is_sparse_table(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (!std::filesystem::is_regular_file(path) || H5Fis_hdf5(path.c_str()) <= 0) return false;
  const Handle f = file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.valid()) return false;
  const auto type = read_string_attribute(f, "grid_type");
  return type && *type == "sparse";
}

SparseTable read_sparse_table(const std::string& path) {
  const Handle f = open_for_reading(path);
  SparseTable t;
  AttributeReader root{&t.strings, &t.numbers};
  hsize_t idx = 0;
  H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &root);
  HJB_CHECK(t.strings.count("grid_type") && t.strings.at("grid_type") == "sparse", ValidationError,
            path << ": not a sparse-grid table");
  t.complete = !t.strings.count("complete") || t.strings.at("complete") == "yes";
  const Handle sg = group(H5Gopen2(f, "sparse", H5P_DEFAULT));
  HJB_CHECK(sg.valid(), ValidationError, path << ": not an hjbench sparse table (/sparse missing)");
  const auto dim = read_number_attribute(sg, "dimension"), level = read_number_attribute(sg, "level");
  HJB_CHECK(dim && level, ValidationError, path << ": /sparse lacks its dimension or level");
  t.dimension = static_cast<int>(*dim);
  t.level = static_cast<int>(*level);
  // Tables written before the extrapolating basis existed have boundary nodes.
  const auto basis = read_string_attribute(sg, "basis");
  try {
    t.basis = basis ? sparse::parse_basis(*basis) : sparse::Basis::boundary;
  } catch (const std::invalid_argument& e) {
    throw ValidationError(path + ": /sparse: " + e.what());
  }
  t.caps = read_array<int>(f, "sparse/caps", H5T_NATIVE_INT, path);
  t.lo = read_array<double>(f, "sparse/lo", H5T_NATIVE_DOUBLE, path);
  t.hi = read_array<double>(f, "sparse/hi", H5T_NATIVE_DOUBLE, path);
  t.nodal = read_array<double>(f, "value/nodal", H5T_NATIVE_DOUBLE, path);
  t.surplus = read_array<double>(f, "value/surplus", H5T_NATIVE_DOUBLE, path);
  for (int j = 0; H5Lexists(f, ("policy/action_" + std::to_string(j)).c_str(), H5P_DEFAULT) > 0; ++j)
    t.policy.push_back(read_array<double>(f, "policy/action_" + std::to_string(j), H5T_NATIVE_DOUBLE, path));
  const Handle problem = group(H5Gopen2(f, "problem", H5P_DEFAULT));
  if (problem.valid()) {
    AttributeReader pr{nullptr, &t.problem_parameters};
    idx = 0;
    H5Aiterate2(problem, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &pr);
  }
  // The file must describe a consistent grid of that many nodes.
  const auto adaptive = read_string_attribute(sg, "adaptive");
  t.adaptive = adaptive && *adaptive == "yes";
  const auto levels = read_array<int>(f, "sparse/level", H5T_NATIVE_INT, path);
  const auto indices = read_array<std::int64_t>(f, "sparse/index", H5T_NATIVE_INT64, path);
  const std::size_t d = static_cast<std::size_t>(t.dimension);
  HJB_CHECK(
      t.surplus.size() == t.nodal.size() && levels.size() == t.nodal.size() * d &&
          indices.size() == levels.size(),
      ValidationError,
      path << ": /sparse/level, /sparse/index and the values do not describe " << t.nodal.size() << " nodes");
  try {
    if (t.adaptive) {
      t.adaptive_grid = std::make_shared<const sparse::AdaptiveSparseGrid>(t.dimension, t.level, t.lo, t.hi,
                                                                           t.basis, levels, indices);
    } else {
      const sparse::SparseGrid g = t.grid();
      HJB_CHECK(static_cast<std::size_t>(g.size()) == t.nodal.size(), ValidationError,
                path << ": " << t.nodal.size() << " values for a grid of " << g.size() << " nodes");
      // The values follow the grid's node order; the stored levels and indices must agree with it
      // node for node (a file from another node ordering is refused, never misread).
      int l[sparse::max_dimension];
      std::int64_t i[sparse::max_dimension];
      for (std::int64_t p = 0; p < g.size(); ++p) {
        g.level_index(p, l, i);
        for (std::size_t k = 0; k < d; ++k)
          HJB_CHECK(levels[p * d + k] == l[k] && indices[p * d + k] == i[k], ValidationError,
                    path << ": node " << p
                         << " is stored in another node order than this hjbench builds "
                            "(written by another version?); solve it again");
      }
      t.regular_grid = std::make_shared<const sparse::SparseGrid>(g);
    }
  } catch (const std::invalid_argument& e) {
    throw ValidationError(path + ": an invalid sparse grid (" + e.what() + ")");
  }
  return t;
}

std::string describe_sparse_table(const SparseTable& t, const std::string& path) {
  std::ostringstream os;
  os << path << ": hjbench sparse-grid table"
     << (t.complete ? "" : " (PARTIAL: an interrupted or failed run)") << "\n";
  os << "  problem: " << (t.strings.count("problem") ? t.strings.at("problem") : "?") << ", mode "
     << (t.strings.count("mode") ? t.strings.at("mode") : "?") << "\n";
  os << "  sparse grid (" << sparse::to_string(t.basis) << " basis" << (t.adaptive ? ", adaptive" : "")
     << "): dimension " << t.dimension << ", level " << t.level << ", " << (t.adaptive ? "deepest " : "")
     << "levels per axis";
  for (int c : t.caps) os << " " << c;
  os << ", " << t.nodal.size() << " nodes on [";
  for (int k = 0; k < t.dimension; ++k) os << (k ? ", " : "") << t.lo[k] << " .. " << t.hi[k];
  os << "]\n";
  if (!t.nodal.empty()) {
    const auto [mn, mx] = std::minmax_element(t.nodal.begin(), t.nodal.end());
    os << "  value: min " << *mn << ", max " << *mx << " at the nodes; " << t.policy.size()
       << " feedback component(s)\n";
  }
  for (const auto& [k, v] : t.strings)
    if (k != "problem" && k != "mode" && k != "grid_type" && k != "complete")
      os << "    " << k << ": " << v << "\n";
  for (const auto& [k, v] : t.numbers) os << "    " << k << ": " << v << "\n";
  return os.str();
}

}  // namespace hjb
