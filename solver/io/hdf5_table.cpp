// Collective HDF5 writer and serial reader of the value-table schema (see hdf5_table.hpp).
#include "solver/io/hdf5_table.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "solver/io/collective_failure.hpp"
#include "support/petsc/profiling.hpp"
#include "tables/hdf5_util.hpp"

namespace hjb {
using namespace h5;

struct TableWriter::Impl {
  MPI_Comm comm;
  int rank = 0;
  std::string path, tmp_path;
  std::vector<Axis> axes;
  std::vector<hsize_t> start, extent;
  std::vector<double> times;
  Handle file;
  std::vector<Handle> snapshots;
  std::map<std::string, Handle> extras;
  bool committed = false, keep_temporary = false;

  /// Closes the datasets, then the file; returns false when closing the file failed (its last
  /// writes did not reach the disk).
  bool close_all() {
    for (Handle& d : snapshots) d.close();
    for (auto& [name, d] : extras) d.close();
    return file.close() >= 0;
  }

  ~Impl() {
    const bool discard = !committed && !keep_temporary;
    // A failed run discards the temporary file (also when the constructor failed). Emptying it
    // first gives the closing metadata writes room on a full disk (HDF5 cannot shut down cleanly
    // around a file it failed to close).
    if (discard && rank == 0 && file.valid()) {
      std::error_code ec;
      std::filesystem::resize_file(tmp_path, 0, ec);
    }
    close_all();
    if (discard && rank == 0 && !tmp_path.empty()) std::remove(tmp_path.c_str());
  }

  /// Collective: the common setup of a new and a resumed writer.
  void init(MPI_Comm c, const std::string& final_path, const std::string& temporary,
            const std::vector<Axis>& ax, const std::vector<std::int64_t>& owned_start,
            const std::vector<std::int64_t>& owned_extent, const std::vector<double>& t) {
    comm = c;
    MPI_Comm_rank(comm, &rank);
    path = final_path;
    tmp_path = temporary;
    axes = ax;
    times = t;
    start.assign(owned_start.begin(), owned_start.end());
    extent.assign(owned_extent.begin(), owned_extent.end());
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }

  /// Opens (create = true: creates) the temporary file collectively and agrees on the outcome.
  void open_file(bool create) {
    {
      const Handle fapl = property_list(H5Pcreate(H5P_FILE_ACCESS));
      H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
      file = h5::file(create ? H5Fcreate(tmp_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl)
                             : H5Fopen(tmp_path.c_str(), H5F_ACC_RDWR, fapl));
    }
    const bool ok = file.valid() && !injected_io_failure(comm, "table_create");
    agree_on_success(comm, ok, std::string(create ? "cannot create " : "cannot reopen ") + tmp_path);
  }

  /// Rank 0 reserves the disk blocks the table will fill (collective_failure.hpp).
  void reserve(double bytes) { reserve_disk_blocks(comm, tmp_path, bytes); }
};

TableWriter::TableWriter(MPI_Comm comm, const std::string& path, const std::string& tmp_path,
                         const std::vector<Axis>& axes, const std::vector<std::int64_t>& owned_start,
                         const std::vector<std::int64_t>& owned_extent, const std::vector<double>& times,
                         const TableMetadata& metadata, const std::vector<std::string>& extra_datasets)
    : m_impl(std::make_unique<Impl>()) {
  Impl& m = *m_impl;
  m.init(comm, path, tmp_path, axes, owned_start, owned_extent, times);
  m.open_file(true);
  m.reserve(planned_table_bytes(axes, times.size() + extra_datasets.size()));

  run_collectively(comm, [&] {
    write_number_attribute(m.file, "schema_version", table_schema_version);
    write_string_attribute(m.file, "complete", "no");  // "yes" only once every value is written
    write_string_attribute(m.file, "problem", metadata.problem);
    std::string axis_names;
    for (const Axis& ax : axes) axis_names += (axis_names.empty() ? "" : ",") + ax.name;
    write_string_attribute(m.file, "axes", axis_names);
    for (const auto& [k, v] : metadata.strings) write_string_attribute(m.file, k, v);
    for (const auto& [k, v] : metadata.numbers) write_number_attribute(m.file, k, v);
    {
      const Handle problem = group(
          check_id(H5Gcreate2(m.file, "problem", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /problem"));
      write_string_attribute(problem, "name", metadata.problem);
      for (const auto& [k, v] : metadata.problem_parameters) write_number_attribute(problem, k, v);
    }

    // Axes (written by rank 0; creation is collective).
    const Handle axes_group =
        group(check_id(H5Gcreate2(m.file, "axes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /axes"));
    std::vector<Handle> axis_sets;
    for (const Axis& ax : axes) {
      const hsize_t n = static_cast<hsize_t>(ax.n);
      const Handle space = dataspace(H5Screate_simple(1, &n, nullptr));
      Handle ds = dataset(check_id(H5Dcreate2(axes_group, ax.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                              H5P_DEFAULT, H5P_DEFAULT),
                                   "create axis " + ax.name));
      std::vector<double> coords(n);
      for (hsize_t i = 0; i < n; ++i) coords[i] = ax.coordinate(static_cast<std::int64_t>(i));
      if (m.rank != 0) H5Sselect_none(space);
      check_h5(H5Dwrite(ds, H5T_NATIVE_DOUBLE, space, space, H5P_DEFAULT, coords.data()),
               "write axis " + ax.name);
      write_number_attribute(ds, "lo", ax.lo);
      write_number_attribute(ds, "hi", ax.hi);
      write_number_attribute(ds, "periodic", ax.periodic ? 1.0 : 0.0);
      if (ax.graded()) write_number_attribute(ds, "grading", ax.grading);  // absent: uniform
      check_h5(H5DSset_scale(ds, ax.name.c_str()), "make " + ax.name + " a dimension scale");
      axis_sets.push_back(std::move(ds));
    }
    {
      const hsize_t s = times.size();
      const Handle space = dataspace(H5Screate_simple(1, &s, nullptr));
      const Handle ds = dataset(
          check_id(H5Dcreate2(m.file, "time", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   "create /time"));
      if (m.rank != 0) H5Sselect_none(space);
      check_h5(H5Dwrite(ds, H5T_NATIVE_DOUBLE, space, space, H5P_DEFAULT, times.data()), "write /time");
    }
    const Handle values =
        group(check_id(H5Gcreate2(m.file, "value", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /value"));
    std::vector<hsize_t> dims;
    for (const Axis& ax : axes) dims.push_back(static_cast<hsize_t>(ax.n));
    const Handle space = dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    for (std::size_t k = 0; k < times.size(); ++k) {
      const std::string name = table_snapshot_name(static_cast<int>(k));
      Handle ds = dataset(check_id(
          H5Dcreate2(values, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
          "create /value/" + name));
      write_number_attribute(ds, "time", times[k]);
      for (std::size_t a = 0; a < axes.size(); ++a)
        check_h5(H5DSattach_scale(ds, axis_sets[a], static_cast<unsigned>(a)), "attach axis scale");
      m.snapshots.push_back(std::move(ds));
    }
    for (const std::string& name : extra_datasets) {
      const Handle lcpl = property_list(H5Pcreate(H5P_LINK_CREATE));
      H5Pset_create_intermediate_group(lcpl, 1);
      Handle ds = dataset(
          check_id(H5Dcreate2(m.file, name.c_str(), H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT),
                   "create " + name));
      for (std::size_t a = 0; a < axes.size(); ++a)
        check_h5(H5DSattach_scale(ds, axis_sets[a], static_cast<unsigned>(a)), "attach axis scale");
      m.extras[name] = std::move(ds);
    }
    check_h5(H5Lcreate_soft(("/value/" + table_snapshot_name(static_cast<int>(times.size()) - 1)).c_str(),
                            values, "final", H5P_DEFAULT, H5P_DEFAULT),
             "link /value/final");
  });
}

TableWriter::TableWriter(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

TableWriter::~TableWriter() = default;

std::unique_ptr<TableWriter> TableWriter::resume(MPI_Comm comm, const std::string& path,
                                                 const std::string& tmp_path, const std::vector<Axis>& axes,
                                                 const std::vector<std::int64_t>& owned_start,
                                                 const std::vector<std::int64_t>& owned_extent,
                                                 const std::vector<double>& times,
                                                 const std::string& identity,
                                                 const std::vector<std::string>& extra_datasets) {
  auto impl = std::make_unique<Impl>();
  impl->keep_temporary = true;  // another run's file: never deleted by this one's failure to resume
  impl->init(comm, path, tmp_path, axes, owned_start, owned_extent, times);
  int exists = std::filesystem::is_regular_file(tmp_path);
  MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
  HJB_CHECK(exists, ValidationError,
            "cannot resume: the partial table " << tmp_path
                                                << " is missing (it holds the snapshots written before "
                                                   "the interruption)");
  TableWriter writer(std::move(impl));  // closes the file if a check below throws
  Impl& w = *writer.m_impl;
  w.open_file(false);
  std::map<std::string, std::string> strings;
  AttributeReader reader{&strings, nullptr};
  hsize_t idx = 0;
  H5Aiterate2(w.file, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &reader);
  HJB_CHECK(strings["run_identity"] == identity, ValidationError,
            "cannot resume into " << w.tmp_path << ": it belongs to another run\n  file: "
                                  << strings["run_identity"] << "\n  this: " << identity);
  for (std::size_t k = 0; k < times.size(); ++k) {
    Handle ds =
        dataset(H5Dopen2(w.file, ("value/" + table_snapshot_name(static_cast<int>(k))).c_str(), H5P_DEFAULT));
    HJB_CHECK(ds.valid(), ValidationError, w.tmp_path << ": snapshot " << k << " missing");
    w.snapshots.push_back(std::move(ds));
  }
  for (const std::string& name : extra_datasets) {
    Handle ds = dataset(H5Dopen2(w.file, name.c_str(), H5P_DEFAULT));
    HJB_CHECK(ds.valid(), ValidationError, w.tmp_path << ": dataset " << name << " missing");
    w.extras[name] = std::move(ds);
  }
  w.keep_temporary = false;
  return std::make_unique<TableWriter>(std::move(writer));
}

const std::string& TableWriter::temporary_path() const { return m_impl->tmp_path; }

void TableWriter::flush() {
  Impl& m = *m_impl;
  const bool ok = m.file.valid() && H5Fflush(m.file, H5F_SCOPE_GLOBAL) >= 0;
  agree_on_success(m.comm, ok, "cannot flush " + m.tmp_path + " to disk (disk full?)");
}

void TableWriter::suspend() {
  m_impl->close_all();
  m_impl->keep_temporary = true;
}

void TableWriter::write_extra(const std::string& name, const double* owned) {
  auto it = m_impl->extras.find(name);
  HJB_CHECK(it != m_impl->extras.end(), RuntimeError, "no extra dataset " << name);
  write_block(it->second, owned, name);
}

void TableWriter::write_snapshot(int k, const double* owned) {
  Impl& m = *m_impl;
  HJB_CHECK(k >= 0 && k < static_cast<int>(m.snapshots.size()), RuntimeError,
            "snapshot index " << k << " out of range");
  write_block(m.snapshots[k], owned, "snapshot " + std::to_string(k));
}

void TableWriter::write_block(std::int64_t ds, const double* owned, const std::string& what) {
  const ScopedLogEvent timed(log_events().table_write);
  Impl& m = *m_impl;
  const Handle filespace = dataspace(H5Dget_space(ds));
  H5Sselect_hyperslab(filespace, H5S_SELECT_SET, m.start.data(), nullptr, m.extent.data(), nullptr);
  const Handle memspace =
      dataspace(H5Screate_simple(static_cast<int>(m.extent.size()), m.extent.data(), nullptr));
  const Handle dxpl = property_list(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  const bool ok = H5Dwrite(ds, H5T_NATIVE_DOUBLE, memspace, filespace, dxpl, owned) >= 0 &&
                  !injected_io_failure(m.comm, "snapshot_write");
  agree_on_success(m.comm, ok, "cannot write " + what + " to " + m.tmp_path + " (disk full or I/O error)");
}

void TableWriter::commit(const std::string& sidecar, const std::string& sidecar_tmp,
                         const std::map<std::string, double>& final_numbers) {
  Impl& m = *m_impl;
  run_collectively(m.comm, [&] {
    for (const auto& [k, v] : final_numbers) write_number_attribute(m.file, k, v);
    check_h5(H5Adelete(m.file, "complete"), "mark the table complete");
    write_string_attribute(m.file, "complete", "yes");
  });
  agree_on_success(m.comm, m.close_all(),
                   "cannot complete the table " + m.tmp_path + " (closing it failed: disk full?)");
  // The sidecar, written to its own temporary name first.
  bool ok = true;
  std::string error;
  const std::string xdmf = xdmf_for_table(std::filesystem::path(m.path).filename().string(), m.axes, m.times);
  if (m.rank == 0 && !xdmf.empty() && !sidecar.empty()) {
    std::ofstream out(sidecar_tmp);
    out << xdmf;
    out.close();
    if (!out || injected_io_failure(m.comm, "sidecar")) {
      ok = false;
      error = "cannot write the XDMF sidecar " + sidecar_tmp + " (disk full?)";
      std::remove(sidecar_tmp.c_str());
    }
  }
  agree_on_success(m.comm, ok, error);
  // Publish: the table, then its sidecar.
  m.committed = true;
  if (m.rank == 0) {
    if (std::rename(m.tmp_path.c_str(), m.path.c_str()) != 0) {
      ok = false;
      m.committed = false;  // the destructor removes the temporary file
      error = "cannot rename " + m.tmp_path + " to " + m.path;
      std::remove(sidecar_tmp.c_str());
    } else if (!xdmf.empty() && !sidecar.empty() && std::rename(sidecar_tmp.c_str(), sidecar.c_str()) != 0) {
      ok = false;
      error = "cannot rename " + sidecar_tmp + " to " + sidecar;
      std::remove(sidecar_tmp.c_str());
    }
  }
  agree_on_success(m.comm, ok, error);
}

double planned_table_bytes(const std::vector<Axis>& axes, std::size_t datasets) {
  double nodes = 1.0;
  for (const Axis& ax : axes) nodes *= static_cast<double>(ax.n);
  // Values plus the HDF5 metadata (object headers, dimension-scale references, attributes): a few
  // KiB per dataset and a fixed margin.
  return 8.0 * nodes * static_cast<double>(datasets) + 4096.0 * static_cast<double>(datasets) + 65536.0;
}

namespace {
/// Text for an XML attribute or element: & < > " ' as entities.
std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}
}  // namespace

std::string xdmf_for_table(const std::string& h5_file_name, const std::vector<Axis>& axes,
                           const std::vector<double>& times) {
  const std::string h5 = xml_escape(h5_file_name);
  const std::size_t d = axes.size();
  if (d != 2 && d != 3) return {};
  std::ostringstream os;
  os << std::setprecision(17);
  std::string dims;
  for (const Axis& ax : axes) dims += (dims.empty() ? "" : " ") + std::to_string(ax.n);
  auto item = [&](const std::string& dimensions, const std::string& dataset) {
    os << "          <DataItem Dimensions=\"" << dimensions
       << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << h5 << ":" << dataset
       << "</DataItem>\n";
  };
  os << "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n"
     << "    <Grid Name=\"value\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (std::size_t k = 0; k < times.size(); ++k) {
    os << "      <Grid Name=\"" << table_snapshot_name(static_cast<int>(k)) << "\" GridType=\"Uniform\">\n"
       << "        <Time Value=\"" << times[k] << "\"/>\n"
       << "        <Topology TopologyType=\"" << d << "DRectMesh\" Dimensions=\"" << dims << "\"/>\n"
       << "        <Geometry GeometryType=\"" << (d == 2 ? "VXVY" : "VXVYVZ") << "\">\n";
    // XDMF's X varies fastest: it is the table's last axis.
    for (std::size_t a = d; a-- > 0;) item(std::to_string(axes[a].n), "/axes/" + axes[a].name);
    os << "        </Geometry>\n"
       << "        <Attribute Name=\"value\" AttributeType=\"Scalar\" Center=\"Node\">\n";
    item(dims, "/value/" + table_snapshot_name(static_cast<int>(k)));
    os << "        </Attribute>\n      </Grid>\n";
  }
  os << "    </Grid>\n  </Domain>\n</Xdmf>\n";
  return os.str();
}

}  // namespace hjb
