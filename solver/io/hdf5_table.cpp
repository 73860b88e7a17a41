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

#include "grids/profiling.hpp"
#include "solver/core/error.hpp"
#include "solver/io/hdf5_util.hpp"

namespace hjb {
using namespace h5;

namespace {

std::string snapshot_name(int k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "snapshot_%04d", k);
  return buf;
}

/// Visits all attributes of an object, reading strings and scalar numbers.
struct AttributeReader {
  std::map<std::string, std::string>* strings;
  std::map<std::string, double>* numbers;
  static herr_t visit(hid_t obj, const char* name, const H5A_info_t*, void* self_ptr) {
    auto* self = static_cast<AttributeReader*>(self_ptr);
    if (self->strings)
      if (auto text = read_string_attribute(obj, name)) (*self->strings)[name] = *text;
    if (self->numbers)
      if (auto number = read_number_attribute(obj, name)) (*self->numbers)[name] = *number;
    return 0;
  }
};

std::vector<double> read_dataset(hid_t file, const std::string& name, const std::string& path) {
  const Handle ds = dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
  HJB_CHECK(ds.valid(), ValidationError, path << ": not an hjbench table (dataset " << name << " missing)");
  const Handle space = dataspace(H5Dget_space(ds));
  std::vector<double> data(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  const herr_t status = H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
  HJB_CHECK(status >= 0, ValidationError, path << ": cannot read dataset " << name << " (corrupt file?)");
  return data;
}

Handle open_for_reading(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  HJB_CHECK(std::filesystem::is_regular_file(path), ValidationError, path << ": no such file");
  HJB_CHECK(H5Fis_hdf5(path.c_str()) > 0, ValidationError, path << ": not an HDF5 file (or corrupt)");
  Handle f = file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  HJB_CHECK(f.valid(), ValidationError, path << ": cannot open for reading");
  return f;
}

}  // namespace

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
};

TableWriter::TableWriter(MPI_Comm comm, const std::string& path, const std::vector<Axis>& axes,
                         const std::vector<std::int64_t>& owned_start,
                         const std::vector<std::int64_t>& owned_extent, const std::vector<double>& times,
                         const TableMetadata& metadata, const std::vector<std::string>& extra_datasets)
    : m_impl(std::make_unique<Impl>()) {
  Impl& m = *m_impl;
  m.comm = comm;
  MPI_Comm_rank(comm, &m.rank);
  m.path = path;
  m.tmp_path = path + ".tmp";
  m.axes = axes;
  m.times = times;
  m.start.assign(owned_start.begin(), owned_start.end());
  m.extent.assign(owned_extent.begin(), owned_extent.end());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);

  {
    const Handle fapl = property_list(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    m.file = file(H5Fcreate(m.tmp_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  }
  HJB_CHECK(m.file.valid(), ValidationError, "cannot create output file " << m.tmp_path);

  write_number_attribute(m.file, "schema_version", table_schema_version);
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
    Handle ds = dataset(check_id(
        H5Dcreate2(axes_group, ax.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        "create axis " + ax.name));
    std::vector<double> coords(n);
    for (hsize_t i = 0; i < n; ++i) coords[i] = ax.coordinate(static_cast<std::int64_t>(i));
    if (m.rank != 0) H5Sselect_none(space);
    check_h5(H5Dwrite(ds, H5T_NATIVE_DOUBLE, space, space, H5P_DEFAULT, coords.data()),
             "write axis " + ax.name);
    write_number_attribute(ds, "lo", ax.lo);
    write_number_attribute(ds, "hi", ax.hi);
    write_number_attribute(ds, "periodic", ax.periodic ? 1.0 : 0.0);
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
    const std::string name = snapshot_name(static_cast<int>(k));
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
  check_h5(H5Lcreate_soft(("/value/" + snapshot_name(static_cast<int>(times.size()) - 1)).c_str(), values,
                          "final", H5P_DEFAULT, H5P_DEFAULT),
           "link /value/final");
}

TableWriter::TableWriter(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

TableWriter::~TableWriter() {
  if (!m_impl) return;
  m_impl->close_all();
  if (!m_impl->committed && !m_impl->keep_temporary && m_impl->rank == 0)
    std::remove(m_impl->tmp_path.c_str());
}

std::unique_ptr<TableWriter> TableWriter::resume(MPI_Comm comm, const std::string& path,
                                                 const std::vector<Axis>& axes,
                                                 const std::vector<std::int64_t>& owned_start,
                                                 const std::vector<std::int64_t>& owned_extent,
                                                 const std::vector<double>& times,
                                                 const std::string& identity) {
  auto m = std::make_unique<Impl>();
  m->comm = comm;
  MPI_Comm_rank(comm, &m->rank);
  m->path = path;
  m->tmp_path = path + ".tmp";
  m->axes = axes;
  m->times = times;
  m->start.assign(owned_start.begin(), owned_start.end());
  m->extent.assign(owned_extent.begin(), owned_extent.end());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  int exists = std::filesystem::is_regular_file(m->tmp_path);
  MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
  HJB_CHECK(exists, ValidationError,
            "cannot resume: the partial table " << m->tmp_path
                                                << " is missing (it holds the snapshots written before "
                                                   "the interruption)");
  {
    const Handle fapl = property_list(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    m->file = file(H5Fopen(m->tmp_path.c_str(), H5F_ACC_RDWR, fapl));
  }
  HJB_CHECK(m->file.valid(), ValidationError, "cannot reopen the partial table " << m->tmp_path);
  std::map<std::string, std::string> strings;
  AttributeReader reader{&strings, nullptr};
  hsize_t idx = 0;
  H5Aiterate2(m->file, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &reader);
  TableWriter writer(std::move(m));  // closes the file if a check below throws
  Impl& w = *writer.m_impl;
  w.keep_temporary = true;
  HJB_CHECK(strings["run_identity"] == identity, ValidationError,
            "cannot resume into " << w.tmp_path << ": it belongs to another run\n  file: "
                                  << strings["run_identity"] << "\n  this: " << identity);
  for (std::size_t k = 0; k < times.size(); ++k) {
    Handle ds =
        dataset(H5Dopen2(w.file, ("value/" + snapshot_name(static_cast<int>(k))).c_str(), H5P_DEFAULT));
    HJB_CHECK(ds.valid(), ValidationError, w.tmp_path << ": snapshot " << k << " missing");
    w.snapshots.push_back(std::move(ds));
  }
  w.keep_temporary = false;
  return std::make_unique<TableWriter>(std::move(writer));
}

void TableWriter::flush() {
  if (m_impl->file.valid()) check_h5(H5Fflush(m_impl->file, H5F_SCOPE_GLOBAL), "flush " + m_impl->tmp_path);
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
  check_h5(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, m.start.data(), nullptr, m.extent.data(), nullptr),
           "select hyperslab");
  const Handle memspace =
      dataspace(H5Screate_simple(static_cast<int>(m.extent.size()), m.extent.data(), nullptr));
  const Handle dxpl = property_list(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  check_h5(H5Dwrite(ds, H5T_NATIVE_DOUBLE, memspace, filespace, dxpl, owned), "write " + what);
}

void TableWriter::commit() {
  Impl& m = *m_impl;
  int ok = m.close_all() ? 1 : 0;
  std::string error =
      ok ? "" : "cannot complete the table " + m.tmp_path + " (closing it failed: disk full?)";
  if (m.rank == 0 && ok) {
    const std::string file_name = std::filesystem::path(m.path).filename().string();
    const std::string xdmf = xdmf_for_table(file_name, m.axes, m.times);
    std::string xmf_path = m.path;
    if (xmf_path.size() > 3 && xmf_path.substr(xmf_path.size() - 3) == ".h5")
      xmf_path.resize(xmf_path.size() - 3);
    xmf_path += ".xmf";
    if (!xdmf.empty()) {
      std::ofstream out(xmf_path + ".tmp");
      out << xdmf;
      out.close();
      if (!out || std::rename((xmf_path + ".tmp").c_str(), xmf_path.c_str()) != 0) {
        ok = 0;
        error = "cannot write XDMF sidecar " + xmf_path;
      }
    }
    if (ok && std::rename(m.tmp_path.c_str(), m.path.c_str()) != 0) {
      ok = 0;
      error = "cannot rename " + m.tmp_path + " to " + m.path;
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, m.comm);
  if (!ok) throw RuntimeError(error.empty() ? "writing the table failed on rank 0" : error);
  m.committed = true;
}

std::string xdmf_for_table(const std::string& h5, const std::vector<Axis>& axes,
                           const std::vector<double>& times) {
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
    os << "      <Grid Name=\"" << snapshot_name(static_cast<int>(k)) << "\" GridType=\"Uniform\">\n"
       << "        <Time Value=\"" << times[k] << "\"/>\n"
       << "        <Topology TopologyType=\"" << d << "DRectMesh\" Dimensions=\"" << dims << "\"/>\n"
       << "        <Geometry GeometryType=\"" << (d == 2 ? "VXVY" : "VXVYVZ") << "\">\n";
    // XDMF's X varies fastest: it is the table's last axis.
    for (std::size_t a = d; a-- > 0;) item(std::to_string(axes[a].n), "/axes/" + axes[a].name);
    os << "        </Geometry>\n"
       << "        <Attribute Name=\"value\" AttributeType=\"Scalar\" Center=\"Node\">\n";
    item(dims, "/value/" + snapshot_name(static_cast<int>(k)));
    os << "        </Attribute>\n      </Grid>\n";
  }
  os << "    </Grid>\n  </Domain>\n</Xdmf>\n";
  return os.str();
}

Table read_table(const std::string& path) {
  const Handle file = open_for_reading(path);
  Table t;
  {
    AttributeReader root{&t.strings, &t.numbers};
    hsize_t idx = 0;
    H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &root);
    HJB_CHECK(t.numbers.count("schema_version"), ValidationError,
              path << ": not an hjbench table (no schema_version attribute)");
    t.schema_version = static_cast<int>(t.numbers["schema_version"]);
    const Handle problem = group(H5Gopen2(file, "problem", H5P_DEFAULT));
    if (problem.valid()) {
      AttributeReader pr{nullptr, &t.problem_parameters};
      idx = 0;
      H5Aiterate2(problem, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &pr);
    }
    t.times = read_dataset(file, "time", path);
    int rank = 0;
    {
      const Handle ds = dataset(H5Dopen2(file, "value/snapshot_0000", H5P_DEFAULT));
      HJB_CHECK(ds.valid(), ValidationError, path << ": not an hjbench table (no /value/snapshot_0000)");
      rank = H5Sget_simple_extent_ndims(dataspace(H5Dget_space(ds)));
    }
    // Axis order is recorded in the root attribute "axes" (comma-separated names).
    HJB_CHECK(t.strings.count("axes"), ValidationError, path << ": not an hjbench table (no axes attribute)");
    std::stringstream names(t.strings["axes"]);
    std::string name;
    while (std::getline(names, name, ',')) {
      Axis ax;
      ax.name = name;
      std::map<std::string, double> attrs;
      const Handle axis = dataset(H5Dopen2(file, ("axes/" + name).c_str(), H5P_DEFAULT));
      HJB_CHECK(axis.valid(), ValidationError, path << ": axis dataset /axes/" << name << " missing");
      AttributeReader ar{nullptr, &attrs};
      idx = 0;
      H5Aiterate2(axis, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &ar);
      ax.n = H5Sget_simple_extent_npoints(dataspace(H5Dget_space(axis)));
      ax.lo = attrs["lo"];
      ax.hi = attrs["hi"];
      ax.periodic = attrs["periodic"] != 0.0;
      t.axes.push_back(ax);
    }
    HJB_CHECK(static_cast<int>(t.axes.size()) == rank, ValidationError,
              path << ": axes attribute lists " << t.axes.size() << " axes but the values have " << rank);
    for (std::size_t k = 0; k < t.times.size(); ++k)
      t.values.push_back(read_dataset(file, "value/" + snapshot_name(static_cast<int>(k)), path));
  }
  return t;
}

std::vector<double> read_snapshot_block(const std::string& path, int k,
                                        const std::vector<std::int64_t>& start,
                                        const std::vector<std::int64_t>& extent) {
  const Handle file = open_for_reading(path);
  const std::string name = "value/" + snapshot_name(k);
  const Handle ds = dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
  HJB_CHECK(ds.valid(), ValidationError, path << ": no dataset /" << name);
  std::vector<hsize_t> s(start.begin(), start.end()), e(extent.begin(), extent.end());
  const Handle filespace = dataspace(H5Dget_space(ds));
  H5Sselect_hyperslab(filespace, H5S_SELECT_SET, s.data(), nullptr, e.data(), nullptr);
  const Handle memspace = dataspace(H5Screate_simple(static_cast<int>(e.size()), e.data(), nullptr));
  std::vector<double> out(H5Sget_simple_extent_npoints(memspace));
  const herr_t status = H5Dread(ds, H5T_NATIVE_DOUBLE, memspace, filespace, H5P_DEFAULT, out.data());
  HJB_CHECK(status >= 0, ValidationError, path << ": cannot read block of /" << name);
  return out;
}

std::string describe_table(const Table& t, const std::string& path) {
  std::ostringstream os;
  os << path << ": hjbench table, schema version " << t.schema_version << "\n";
  auto str = [&](const char* key) {
    auto it = t.strings.find(key);
    return it == t.strings.end() ? std::string("?") : it->second;
  };
  os << "  problem      " << str("problem") << "\n";
  os << "  scheme       " << str("scheme") << "\n";
  os << "  mode         " << str("mode") << "\n";
  std::int64_t nodes = 1;
  os << "  axes\n";
  for (const Axis& ax : t.axes) {
    nodes *= ax.n;
    os << "    " << std::left << std::setw(10) << ax.name << std::right << std::setw(6) << ax.n
       << " nodes in [" << ax.lo << ", " << ax.hi << (ax.periodic ? ") periodic" : "]") << ", spacing "
       << ax.spacing() << "\n";
  }
  os << "  nodes        " << nodes << "\n  snapshots    " << t.times.size() << "\n";
  for (std::size_t k = 0; k < t.times.size(); ++k) {
    const auto& v = t.values[k];
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    const double inside = std::count_if(v.begin(), v.end(), [](double x) { return x <= 0.0; });
    os << "    t = " << std::setw(10) << t.times[k] << "  min " << std::setw(12) << *mn << "  max "
       << std::setw(12) << *mx << "  fraction V<=0 " << inside / static_cast<double>(v.size()) << "\n";
  }
  os << "  parameters  ";
  for (const auto& [k, v] : t.problem_parameters) os << " " << k << "=" << v;
  os << "\n  attributes\n";
  for (const auto& [k, v] : t.strings)
    if (k != "problem" && k != "scheme" && k != "mode") os << "    " << k << ": " << v << "\n";
  for (const auto& [k, v] : t.numbers) os << "    " << k << ": " << v << "\n";
  return os.str();
}

}  // namespace hjb
