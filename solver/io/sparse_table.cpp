// Sparse-grid tables: written by rank 0 under a temporary name, read serially.
#include "solver/io/sparse_table.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "solver/io/collective_failure.hpp"
#include "tables/hdf5_util.hpp"

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
                 const std::vector<std::vector<double>>& policy, const TableMetadata& metadata,
                 const SparseErrorEstimate* error) {
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
      if (error) {
        const Handle eg =
            group(check_id(H5Gcreate2(f, "error", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/error"));
        write_number_attribute(eg, "coarse_level", error->coarse_level);
        write_string_attribute(
            eg, "definition",
            "indicator(x) = max(2 |I difference(x)|, |I coarse_difference(x)|); difference = "
            "V - V(level - 1), coarse_difference = V(level - 1) - V(level - 2)");
        write_array(f, "error/difference", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, error->difference.data(), {n});
        write_array(f, "error/surplus", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, error->surplus.data(), {n});
        if (!error->coarse_difference.empty()) {
          write_array(f, "error/coarse_difference", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                      error->coarse_difference.data(), {n});
          write_array(f, "error/coarse_surplus", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                      error->coarse_surplus.data(), {n});
        }
      }
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
                        const TableMetadata& metadata, const SparseErrorEstimate* error) {
  write_table(comm, path, tmp, grid, nodal, surplus, policy, metadata, error);
}

void write_sparse_table(MPI_Comm comm, const std::string& path, const std::string& tmp,
                        const sparse::AdaptiveSparseGrid& grid, const std::vector<double>& nodal,
                        const std::vector<double>& surplus, const std::vector<std::vector<double>>& policy,
                        const TableMetadata& metadata, const SparseErrorEstimate* error) {
  write_table(comm, path, tmp, grid, nodal, surplus, policy, metadata, error);
}

}  // namespace hjb
