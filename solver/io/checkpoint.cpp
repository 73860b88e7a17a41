// Collective checkpoint writer and block reader (see checkpoint.hpp).
#include "solver/io/checkpoint.hpp"

#include <hdf5.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "core/input_files.hpp"
#include "core/version.hpp"
#include "solver/io/collective_failure.hpp"
#include "support/petsc/profiling.hpp"
#include "tables/hdf5_util.hpp"

namespace hjb {

using namespace h5;

void write_checkpoint(MPI_Comm comm, const std::string& path, const std::string& tmp,
                      const CheckpointHeader& header, const std::vector<Axis>& axes,
                      const std::vector<std::int64_t>& owned_start,
                      const std::vector<std::int64_t>& owned_extent, const double* owned,
                      const CheckpointNodes* nodes) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const ScopedLogEvent timed(log_events().checkpoint_write);
  // Removes the temporary file unless it was renamed; declared before `file`, so on a failure it
  // runs after the file is closed. Emptying the file first leaves the closing metadata writes room
  // on a full disk.
  struct DiscardUnlessPublished {
    const std::string& tmp;
    int rank;
    bool published = false;
    ~DiscardUnlessPublished() {
      if (!published && rank == 0) std::remove(tmp.c_str());
    }
  } discard{tmp, rank};
  Handle file;
  // Declared after `file`: on a failure it is removed before the file is closed (room for HDF5's
  // closing flush on a full disk; collective_failure.hpp).
  SpareDiskSpace spare(comm, tmp);
  {
    const Handle fapl = property_list(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    file = h5::file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  }
  agree_on_success(comm, file.valid(), "cannot create the checkpoint " + tmp);
  std::vector<hsize_t> dims, start(owned_start.begin(), owned_start.end()),
      extent(owned_extent.begin(), owned_extent.end());
  for (const Axis& ax : axes) dims.push_back(static_cast<hsize_t>(ax.n));
  {  // the blocks of the values and node lists, and a margin for HDF5's metadata
    double values = 1.0;
    for (hsize_t d : dims) values *= static_cast<double>(d);
    const double node_rows = nodes ? values * nodes->dim * 12.0 : 0.0;
    reserve_disk_blocks(comm, tmp, 8.0 * values + node_rows + 65536.0);
  }
  bool ok = true;
  std::string message;
  try {
    write_string_attribute(file, "format", "hjbench-checkpoint");
    write_string_attribute(file, "run_identity", header.run_identity);
    write_string_attribute(file, "partial_table", header.partial_table);
    write_number_attribute(file, "tau", header.tau);
    write_number_attribute(file, "steps", static_cast<double>(header.steps));
    write_number_attribute(file, "next_snapshot", header.next_snapshot);
    write_string_attribute(file, "project_version", std::string(project_version) + " (" + git_version + ")");
    const Handle space = dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    const Handle ds = dataset(
        check_id(H5Dcreate2(file, "state", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "create /state"));
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr);
    const Handle mem = dataspace(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr));
    const Handle dxpl = property_list(H5Pcreate(H5P_DATASET_XFER));
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
    ok = H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, dxpl, owned) >= 0;
    if (nodes) {
      // Rows of this rank's block of the 1-D state (the node lists are the same on every rank).
      write_number_attribute(file, "largest_grid", static_cast<double>(nodes->largest_grid));
      write_number_attribute(file, "adaptations", static_cast<double>(nodes->adaptations));
      const hsize_t rows[2] = {dims.at(0), static_cast<hsize_t>(nodes->dim)}, first[2] = {start.at(0), 0},
                    count[2] = {extent.at(0), static_cast<hsize_t>(nodes->dim)};
      auto write_rows = [&](const char* name, hid_t file_type, hid_t memory_type, const void* all) {
        const Handle fs = dataspace(H5Screate_simple(2, rows, nullptr));
        const Handle d = dataset(
            check_id(H5Dcreate2(file, name, file_type, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name));
        const Handle ms = dataspace(H5Screate_simple(2, rows, nullptr));
        for (hid_t s : {hid_t(fs), hid_t(ms)})
          if (count[0] > 0)
            H5Sselect_hyperslab(s, H5S_SELECT_SET, first, nullptr, count, nullptr);
          else
            H5Sselect_none(s);
        return H5Dwrite(d, memory_type, ms, fs, dxpl, all) >= 0;
      };
      ok = write_rows("sparse_level", H5T_STD_I32LE, H5T_NATIVE_INT, nodes->levels.data()) && ok;
      ok = write_rows("sparse_index", H5T_STD_I64LE, H5T_NATIVE_INT64, nodes->indices.data()) && ok;
    }
    ok = ok && !injected_io_failure(comm, "checkpoint");
    message = "cannot write the checkpoint " + tmp + " (disk full or I/O error)";
  } catch (const Error& e) {  // an attribute write failed on this rank: agreed below
    ok = false;
    message = e.what();
  }
  if (!ok && rank == 0) {
    std::error_code ec;
    std::filesystem::resize_file(tmp, 0, ec);
  }
  spare.release();
  agree_on_success(comm, ok, message);
  agree_on_success(comm, file.close() >= 0, "cannot close the checkpoint " + tmp + " (disk full?)");
  rename_on_rank0(comm, tmp, path);
  discard.published = true;
}

namespace {

Handle open_checkpoint(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  require_input_file(path, "checkpoint");
  HJB_CHECK(H5Fis_hdf5(path.c_str()) > 0, ValidationError,
            path << ": not an HDF5 file (corrupt checkpoint?)");
  Handle f = file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  HJB_CHECK(f.valid(), ValidationError, path << ": cannot open checkpoint");
  return f;
}

std::string read_string(hid_t file, const std::string& path, const char* name) {
  const auto s = read_string_attribute(file, name);
  HJB_CHECK(s, ValidationError, path << ": not an hjbench checkpoint (attribute " << name << " missing)");
  return *s;
}
double read_number(hid_t file, const std::string& path, const char* name) {
  const auto v = read_number_attribute(file, name);
  HJB_CHECK(v, ValidationError, path << ": not an hjbench checkpoint (attribute " << name << " missing)");
  return *v;
}

}  // namespace

std::optional<CheckpointHeader> peek_checkpoint_header(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (!std::filesystem::is_regular_file(path) || H5Fis_hdf5(path.c_str()) <= 0) return std::nullopt;
  const Handle file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.valid() || read_string_attribute(file, "format").value_or("") != "hjbench-checkpoint")
    return std::nullopt;
  CheckpointHeader h;
  h.run_identity = read_string_attribute(file, "run_identity").value_or("");
  h.partial_table = read_string_attribute(file, "partial_table").value_or("");
  h.tau = read_number_attribute(file, "tau").value_or(0.0);
  h.steps = static_cast<long>(read_number_attribute(file, "steps").value_or(0.0));
  h.next_snapshot = static_cast<int>(read_number_attribute(file, "next_snapshot").value_or(1.0));
  return h;
}

CheckpointHeader read_checkpoint_header(const std::string& path, const std::string& expected_identity) {
  CheckpointHeader h;
  {
    const Handle file = open_checkpoint(path);
    HJB_CHECK(read_string(file, path, "format") == "hjbench-checkpoint", ValidationError,
              path << ": not an hjbench checkpoint");
    h.run_identity = read_string(file, path, "run_identity");
    h.partial_table = read_string_attribute(file, "partial_table").value_or("");
    h.tau = read_number(file, path, "tau");
    h.steps = static_cast<long>(read_number(file, path, "steps"));
    h.next_snapshot = static_cast<int>(read_number(file, path, "next_snapshot"));
  }
  HJB_CHECK(h.run_identity == expected_identity, ValidationError,
            path << ": the checkpoint belongs to another run (problem, grid or scheme differ)\n  checkpoint: "
                 << h.run_identity << "\n  this run:   " << expected_identity);
  return h;
}

std::vector<double> read_checkpoint_state(const std::string& path,
                                          const std::vector<std::int64_t>& owned_start,
                                          const std::vector<std::int64_t>& owned_extent) {
  const Handle file = open_checkpoint(path);
  const Handle ds = dataset(H5Dopen2(file, "state", H5P_DEFAULT));
  HJB_CHECK(ds.valid(), ValidationError, path << ": checkpoint has no /state");
  std::vector<hsize_t> s(owned_start.begin(), owned_start.end()), e(owned_extent.begin(), owned_extent.end());
  const Handle filespace = dataspace(H5Dget_space(ds));
  const bool fits = H5Sget_simple_extent_ndims(filespace) == static_cast<int>(s.size());
  H5Sselect_hyperslab(filespace, H5S_SELECT_SET, s.data(), nullptr, e.data(), nullptr);
  const Handle mem = dataspace(H5Screate_simple(static_cast<int>(e.size()), e.data(), nullptr));
  std::vector<double> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(mem)));
  const herr_t status = fits ? H5Dread(ds, H5T_NATIVE_DOUBLE, mem, filespace, H5P_DEFAULT, out.data()) : -1;
  HJB_CHECK(status >= 0, ValidationError, path << ": cannot read the state block (corrupt checkpoint?)");
  return out;
}

CheckpointNodes read_checkpoint_nodes(const std::string& path) {
  const Handle file = open_checkpoint(path);
  CheckpointNodes nodes;
  const auto largest = read_number_attribute(file, "largest_grid");
  HJB_CHECK(largest, ValidationError,
            path << ": the checkpoint holds no adaptive node set (written by a run on a fixed grid?)");
  nodes.largest_grid = static_cast<std::int64_t>(*largest);
  if (const auto adaptations = read_number_attribute(file, "adaptations"))
    nodes.adaptations = static_cast<long>(*adaptations);
  auto read_rows = [&](const char* name, hid_t memory_type, auto& out) {
    const Handle ds = dataset(H5Dopen2(file, name, H5P_DEFAULT));
    HJB_CHECK(ds.valid(), ValidationError, path << ": the checkpoint has no /" << name);
    const Handle space = dataspace(H5Dget_space(ds));
    hsize_t dims[2] = {0, 0};
    HJB_CHECK(H5Sget_simple_extent_ndims(space) == 2, ValidationError,
              path << ": /" << name << " is not n x d");
    H5Sget_simple_extent_dims(space, dims, nullptr);
    out.resize(static_cast<std::size_t>(dims[0] * dims[1]));
    HJB_CHECK(H5Dread(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0, ValidationError,
              path << ": cannot read /" << name << " (corrupt checkpoint?)");
    return std::pair<hsize_t, hsize_t>{dims[0], dims[1]};
  };
  const auto shape = read_rows("sparse_level", H5T_NATIVE_INT, nodes.levels);
  HJB_CHECK(read_rows("sparse_index", H5T_NATIVE_INT64, nodes.indices) == shape, ValidationError,
            path << ": /sparse_level and /sparse_index differ in shape");
  nodes.dim = static_cast<int>(shape.second);
  const Handle state = dataset(H5Dopen2(file, "state", H5P_DEFAULT));
  HJB_CHECK(state.valid(), ValidationError, path << ": checkpoint has no /state");
  const Handle space = dataspace(H5Dget_space(state));
  HJB_CHECK(H5Sget_simple_extent_npoints(space) == static_cast<hssize_t>(shape.first), ValidationError,
            path << ": /state and the node set differ in length (corrupt checkpoint?)");
  return nodes;
}

}  // namespace hjb
