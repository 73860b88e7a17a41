// Serial readers of tensor and sparse value tables (see table.hpp).
#include "tables/table.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "tables/hdf5_util.hpp"

namespace hjb {
using namespace h5;

namespace h5 {
/// Visits all attributes of an object, reading strings and scalar numbers.
herr_t AttributeReader::visit(hid_t obj, const char* name, const H5A_info_t*, void* self_ptr) {
  auto* self = static_cast<AttributeReader*>(self_ptr);
  if (self->strings)
    if (auto text = read_string_attribute(obj, name)) (*self->strings)[name] = *text;
  if (self->numbers)
    if (auto number = read_number_attribute(obj, name)) (*self->numbers)[name] = *number;
  return 0;
}

/// The feedback a table stores must be finite: a NaN action would be applied by every consumer.
void require_finite_feedback(const std::vector<std::vector<double>>& policy, const std::string& path) {
  for (std::size_t j = 0; j < policy.size(); ++j) {
    const auto bad =
        std::find_if(policy[j].begin(), policy[j].end(), [](double x) { return !std::isfinite(x); });
    HJB_CHECK(bad == policy[j].end(), ValidationError,
              path << ": /policy/action_" << j << " holds a non-finite value (" << *bad << " at flat index "
                   << (bad - policy[j].begin()) << "); hjbench never publishes one: the file is corrupt");
  }
}

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
  HJB_CHECK(!std::filesystem::is_directory(path), ValidationError, path << " is a directory, not a table");
  HJB_CHECK(std::filesystem::exists(path), ValidationError, path << ": no such file");
  HJB_CHECK(std::filesystem::is_regular_file(path), ValidationError, path << " is not a regular file");
  HJB_CHECK(H5Fis_hdf5(path.c_str()) > 0, ValidationError, path << ": not an HDF5 file (or corrupt)");
  Handle f = file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.valid()) {
    // An HDF5 signature but no readable file: most often a copy cut short (disk full, interrupted
    // transfer), whose superblock points past its end.
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    HJB_CHECK(
        false, ValidationError,
        path << ": an HDF5 file that cannot be opened ("
             << (ec ? std::string("size unknown") : std::to_string(bytes) + " bytes")
             << "): truncated or corrupt — a copy cut short, or a disk that filled while it was written; "
                "copy or solve it again");
  }
  return f;
}

}  // namespace h5

namespace {

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

/// The header of an open table (read_table_header, read_table).
TableHeader read_header(hid_t f, const std::string& path) {
  TableHeader h;
  AttributeReader root{&h.strings, &h.numbers};
  hsize_t idx = 0;
  H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &root);
  h.sparse = h.strings.count("grid_type") && h.strings.at("grid_type") == "sparse";
  HJB_CHECK(h.sparse || h.numbers.count("schema_version"), ValidationError,
            path << ": not an hjbench table (no schema_version attribute)");
  // Schema 2 records completion; a schema-1 file was only ever published complete.
  h.complete = !h.strings.count("complete") || h.strings.at("complete") == "yes";
  const Handle problem = group(H5Gopen2(f, "problem", H5P_DEFAULT));
  if (problem.valid()) {
    AttributeReader pr{nullptr, &h.problem_parameters};
    idx = 0;
    H5Aiterate2(problem, H5_INDEX_NAME, H5_ITER_INC, &idx, &AttributeReader::visit, &pr);
  }
  std::ostringstream grid;
  if (h.sparse) {
    const Handle sg = group(H5Gopen2(f, "sparse", H5P_DEFAULT));
    HJB_CHECK(sg.valid(), ValidationError, path << ": not an hjbench sparse table (/sparse missing)");
    h.dimension = static_cast<int>(read_number_attribute(sg, "dimension").value_or(0));
    const Handle ds = dataset(H5Dopen2(f, "value/nodal", H5P_DEFAULT));
    HJB_CHECK(ds.valid(), ValidationError, path << ": not an hjbench sparse table (/value/nodal missing)");
    h.nodes = H5Sget_simple_extent_npoints(dataspace(H5Dget_space(ds)));
    grid << "sparse level " << read_number_attribute(sg, "level").value_or(0) << ", " << h.nodes << " nodes";
  } else {
    // Axis order is recorded in the root attribute "axes" (comma-separated names).
    HJB_CHECK(h.strings.count("axes"), ValidationError, path << ": not an hjbench table (no axes attribute)");
    std::stringstream names(h.strings.at("axes"));
    std::string name, shape, box;
    h.nodes = 1;
    while (std::getline(names, name, ',')) {
      const Handle axis = dataset(H5Dopen2(f, ("axes/" + name).c_str(), H5P_DEFAULT));
      HJB_CHECK(axis.valid(), ValidationError, path << ": axis dataset /axes/" << name << " missing");
      Axis ax;
      ax.name = name;
      ax.n = H5Sget_simple_extent_npoints(dataspace(H5Dget_space(axis)));
      ax.lo = read_number_attribute(axis, "lo").value_or(0);
      ax.hi = read_number_attribute(axis, "hi").value_or(0);
      ax.periodic = read_number_attribute(axis, "periodic").value_or(0) != 0.0;
      ax.grading = read_number_attribute(axis, "grading").value_or(0);
      h.axes.push_back(ax);
      std::ostringstream one;
      one << name << " [" << ax.lo << ", " << ax.hi << "]";
      shape += (shape.empty() ? "" : "x") + std::to_string(ax.n);
      box += (box.empty() ? "" : " x ") + one.str();
      h.nodes *= ax.n;
    }
    h.dimension = static_cast<int>(h.axes.size());
    grid << "tensor " << shape << " on " << box;
  }
  h.grid = grid.str();
  return h;
}

}  // namespace

Table read_table(const std::string& path) {
  const Handle file = open_for_reading(path);
  Table t;
  {
    TableHeader h = read_header(file, path);
    HJB_CHECK(
        !h.sparse, ValidationError,
        path << ": a sparse-grid table, where a tensor-grid table is needed (hjbench info describes it)");
    t.strings = std::move(h.strings);
    t.numbers = std::move(h.numbers);
    t.problem_parameters = std::move(h.problem_parameters);
    t.axes = std::move(h.axes);
    t.complete = h.complete;
    t.schema_version = static_cast<int>(t.numbers["schema_version"]);
    HJB_CHECK(t.schema_version >= 1 && t.schema_version <= table_schema_version, ValidationError,
              path << ": table schema version " << t.numbers["schema_version"]
                   << " is not one this hjbench reads (1 to " << table_schema_version
                   << "); a newer hjbench wrote it, or the file is corrupt");
    t.times = read_dataset(file, "time", path);
    int rank = 0;
    {
      const Handle ds = dataset(H5Dopen2(file, "value/snapshot_0000", H5P_DEFAULT));
      HJB_CHECK(ds.valid(), ValidationError, path << ": not an hjbench table (no /value/snapshot_0000)");
      rank = H5Sget_simple_extent_ndims(dataspace(H5Dget_space(ds)));
    }
    HJB_CHECK(static_cast<int>(t.axes.size()) == rank, ValidationError,
              path << ": axes attribute lists " << t.axes.size() << " axes but the values have " << rank);
    for (std::size_t k = 0; k < t.times.size(); ++k)
      t.values.push_back(read_dataset(file, "value/" + table_snapshot_name(static_cast<int>(k)), path));
    for (int j = 0; H5Lexists(file, "policy", H5P_DEFAULT) > 0; ++j) {
      const std::string name = "policy/action_" + std::to_string(j);
      if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) break;
      t.policy.push_back(read_dataset(file, name, path));
    }
  }
  for (std::size_t k = 0; k < t.values.size(); ++k) {
    const auto& v = t.values[k];
    const auto bad = std::find_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); });
    HJB_CHECK(bad == v.end(), ValidationError,
              path << ": snapshot " << k << " holds a non-finite value (" << *bad << " at flat index "
                   << (bad - v.begin()) << "); hjbench never publishes one: the file is corrupt");
  }
  require_finite_feedback(t.policy, path);
  return t;
}

std::vector<double> read_table_dataset(const std::string& path, const std::string& name) {
  const Handle f = open_for_reading(path);
  return read_dataset(f, name, path);
}

std::vector<double> read_snapshot_block(const std::string& path, int k,
                                        const std::vector<std::int64_t>& start,
                                        const std::vector<std::int64_t>& extent) {
  const Handle file = open_for_reading(path);
  const std::string name = "value/" + table_snapshot_name(k);
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
  os << path << ": hjbench table, schema version " << t.schema_version
     << (t.complete
             ? ""
             : "\n  PARTIAL: the temporary file of an interrupted or failed run (not all values written)")
     << "\n";
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
       << " nodes in [" << ax.lo << ", " << ax.hi << (ax.periodic ? ") periodic" : "]");
    if (ax.graded())
      os << ", graded (sinh, " << ax.grading << "): spacing " << ax.min_spacing() << " at the middle\n";
    else
      os << ", spacing " << ax.spacing() << "\n";
  }
  os << "  nodes        " << nodes << "\n  snapshots    " << t.times.size() << "\n";
  if (!t.complete)
    os << "    (values not summarised: the snapshots after the run's last checkpoint were never written, and "
          "a\n"
          "     partial file cannot tell which; resume the run with --restart to complete it)\n";
  for (std::size_t k = 0; t.complete && k < t.times.size(); ++k) {
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

TableHeader read_table_header(const std::string& path) {
  const Handle f = open_for_reading(path);
  return read_header(f, path);
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
  require_finite_feedback(t.policy, path);
  if (H5Lexists(f, "error", H5P_DEFAULT) > 0) {
    SparseErrorEstimate e;
    e.difference = read_array<double>(f, "error/difference", H5T_NATIVE_DOUBLE, path);
    e.surplus = read_array<double>(f, "error/surplus", H5T_NATIVE_DOUBLE, path);
    if (H5Lexists(f, "error/coarse_difference", H5P_DEFAULT) > 0) {
      e.coarse_difference = read_array<double>(f, "error/coarse_difference", H5T_NATIVE_DOUBLE, path);
      e.coarse_surplus = read_array<double>(f, "error/coarse_surplus", H5T_NATIVE_DOUBLE, path);
    }
    const Handle eg = group(H5Gopen2(f, "error", H5P_DEFAULT));
    e.coarse_level = static_cast<int>(read_number_attribute(eg, "coarse_level").value_or(0));
    const std::size_t n = t.nodal.size();
    HJB_CHECK(e.difference.size() == n && e.surplus.size() == n &&
                  e.coarse_surplus.size() == e.coarse_difference.size() &&
                  (e.coarse_difference.empty() || e.coarse_difference.size() == n),
              ValidationError, path << ": /error does not describe " << n << " nodes");
    t.error = std::move(e);
  }
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
      auto grid = std::make_shared<const sparse::AdaptiveSparseGrid>(t.dimension, t.level, t.lo, t.hi,
                                                                     t.basis, levels, indices);
      grid->prepare_evaluation();  // a table is read-only from here: evaluate() only reads (threads)
      t.nodes = std::move(grid);
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
      t.nodes = std::make_shared<const sparse::SparseGrid>(g);
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
  if (t.error && !t.nodal.empty()) {
    double largest = 0.0, sum = 0.0;
    for (std::size_t p = 0; p < t.nodal.size(); ++p) {
      double eta = 2.0 * std::abs(t.error->difference[p]);
      if (!t.error->coarse_difference.empty()) eta = std::max(eta, std::abs(t.error->coarse_difference[p]));
      largest = std::max(largest, eta);
      sum += eta;
    }
    const int c = t.error->coarse_level;
    os << "  error indicator (max(2 |V - V(level " << c << ")|, |V(level " << c << ") - V(level " << c - 1
       << ")|), an a-posteriori estimate, not a bound): max " << largest << ", mean "
       << sum / static_cast<double>(t.nodal.size()) << " at the nodes\n";
  } else {
    os << "  error indicator: none\n";
  }
  for (const auto& [k, v] : t.strings)
    if (k != "problem" && k != "mode" && k != "grid_type" && k != "complete")
      os << "    " << k << ": " << v << "\n";
  for (const auto& [k, v] : t.numbers) os << "    " << k << ": " << v << "\n";
  return os.str();
}

}  // namespace hjb
