// Collective checkpoint writer and block reader (see checkpoint.hpp).
#include "solver/io/checkpoint.hpp"

#include <hdf5.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "grids/profiling.hpp"
#include "solver/core/version.hpp"
#include "solver/io/hdf5_util.hpp"

namespace hjb {

using namespace h5;

void write_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointHeader& header,
                      const std::vector<Axis>& axes, const std::vector<std::int64_t>& owned_start,
                      const std::vector<std::int64_t>& owned_extent, const double* owned) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const ScopedLogEvent timed(log_events().checkpoint_write);
  const std::string tmp = path + ".tmp";
  Handle file;
  {
    const Handle fapl = property_list(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    file = h5::file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  }
  HJB_CHECK(file.valid(), ValidationError, "cannot create checkpoint " << tmp);
  write_string_attribute(file, "format", "hjbench-checkpoint");
  write_string_attribute(file, "run_identity", header.run_identity);
  write_number_attribute(file, "tau", header.tau);
  write_number_attribute(file, "steps", static_cast<double>(header.steps));
  write_number_attribute(file, "next_snapshot", header.next_snapshot);
  write_string_attribute(file, "project_version", std::string(project_version) + " (" + git_version + ")");
  std::vector<hsize_t> dims, start(owned_start.begin(), owned_start.end()),
      extent(owned_extent.begin(), owned_extent.end());
  for (const Axis& ax : axes) dims.push_back(static_cast<hsize_t>(ax.n));
  {
    const Handle space = dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    const Handle ds = dataset(
        check_id(H5Dcreate2(file, "state", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "create /state"));
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr);
    const Handle mem = dataspace(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr));
    const Handle dxpl = property_list(H5Pcreate(H5P_DATASET_XFER));
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
    check_h5(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, dxpl, owned), "write checkpoint state");
  }
  check_h5(file.close(), "close checkpoint " + tmp + " (disk full?)");
  int ok = 1;
  if (rank == 0) ok = std::rename(tmp.c_str(), path.c_str()) == 0;
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  HJB_CHECK(ok, RuntimeError, "cannot rename " << tmp << " to " << path);
}

namespace {

Handle open_checkpoint(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  HJB_CHECK(std::filesystem::is_regular_file(path), ValidationError, path << ": no such checkpoint");
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

CheckpointHeader read_checkpoint_header(const std::string& path, const std::string& expected_identity) {
  CheckpointHeader h;
  {
    const Handle file = open_checkpoint(path);
    HJB_CHECK(read_string(file, path, "format") == "hjbench-checkpoint", ValidationError,
              path << ": not an hjbench checkpoint");
    h.run_identity = read_string(file, path, "run_identity");
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

}  // namespace hjb
