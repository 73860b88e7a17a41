// `hjbench index` and `evaluate --index`: the tables under a directory (apps/catalogue.hpp).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/catalogue.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"
#include "tables/hdf5_util.hpp"
#include "tables/table.hpp"

namespace hjb::apps {

namespace fs = std::filesystem;

namespace {

/// A sweep job's attempts (DIR/tables/NAME.runs.tsv beside NAME.h5): summed wall time and count.
void read_attempts(const fs::path& table, IndexEntry& e) {
  fs::path runs = table;
  runs.replace_extension(".runs.tsv");
  std::ifstream in(runs);
  if (!in) return;
  std::string line;
  double total = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    double start = 0, end = 0;
    if (fields >> start >> end && end >= start) {
      total += end - start;
      ++e.attempts;
    }
  }
  if (e.attempts > 0) e.wall_seconds = total;
}

/// An optimum.json of scripts/optimum.sh beside the table, for the same problem.
void read_bracket_beside(const fs::path& table, IndexEntry& e) {
  const fs::path optimum = table.parent_path() / "optimum.json";
  if (!fs::is_regular_file(optimum)) return;
  try {
    e.bracket = read_bracket(optimum.string(), e.problem);
  } catch (const Error&) {  // another problem's, or not an episode-return bracket
  }
}

std::string group_name(const std::string& path) {
  std::string g = path;
  std::replace(g.begin(), g.end(), '/', '|');
  return g;
}

}  // namespace

std::vector<IndexEntry> scan_tables(const std::string& dir) {
  HJB_CHECK(fs::is_directory(dir), ValidationError, "DIR " << dir << ": not a directory");
  std::vector<IndexEntry> entries;
  for (const auto& item : fs::recursive_directory_iterator(dir)) {
    if (!item.is_regular_file() || item.path().extension() != ".h5" || item.path().filename() == "index.h5")
      continue;
    TableHeader h;
    try {
      h = read_table_header(item.path().string());
    } catch (const Error&) {
      continue;  // a policy file, another HDF5 file
    }
    if (!h.complete) continue;
    IndexEntry e;
    e.path = fs::relative(item.path(), dir).string();
    auto string = [&](const char* key) { return h.strings.count(key) ? h.strings.at(key) : std::string(); };
    e.problem = string("problem");
    e.mode = string("mode");
    e.grid = h.grid;
    e.dimension = h.dimension;
    e.nodes = h.nodes;
    e.parameters = h.problem_parameters;
    e.command_line = string("command_line");
    e.version = string("project_version");
    e.run_identity = string("run_identity");
    read_attempts(item.path(), e);
    read_bracket_beside(item.path(), e);
    entries.push_back(e);
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return entries;
}

void write_index(const std::string& dir, const std::vector<IndexEntry>& entries) {
  const fs::path root(dir);
  std::ostringstream json;
  json << "{\"format\": \"hjbench-index\", \"directory\": " << rl::json_string(fs::absolute(root).string())
       << ", \"tables\": [";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const IndexEntry& e = entries[i];
    json << (i ? ",\n  " : "\n  ") << "{\"path\": " << rl::json_string(e.path)
         << ", \"problem\": " << rl::json_string(e.problem) << ", \"mode\": " << rl::json_string(e.mode)
         << ", \"dimension\": " << e.dimension << ", \"nodes\": " << e.nodes
         << ", \"grid\": " << rl::json_string(e.grid) << ", \"parameters\": {";
    std::size_t k = 0;
    for (const auto& [name, value] : e.parameters)
      json << (k++ ? ", " : "") << rl::json_string(name) << ": " << rl::json_number(value);
    json << "}, \"bracket\": ";
    if (e.bracket)
      json << "{\"lower\": " << rl::json_number(e.bracket->lower)
           << ", \"lower_se\": " << rl::json_number(e.bracket->lower_se)
           << ", \"upper\": " << rl::json_number(e.bracket->upper)
           << ", \"upper_kind\": " << rl::json_string(e.bracket->upper_kind) << "}";
    else
      json << "null";
    json << ", \"wall_seconds\": " << (e.wall_seconds >= 0 ? rl::json_number(e.wall_seconds) : "null")
         << ", \"attempts\": " << e.attempts
         << ", \"provenance\": {\"command_line\": " << rl::json_string(e.command_line)
         << ", \"version\": " << rl::json_string(e.version)
         << ", \"run_identity\": " << rl::json_string(e.run_identity) << "}}";
  }
  json << "]}\n";
  write_output_json((root / "index.json").string(), json.str());

  const std::string path = (root / "index.h5").string(), tmp = path + ".tmp";
  {
    h5::Handle f = h5::file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    HJB_CHECK(f.valid(), RuntimeError, "cannot create " << tmp);
    h5::write_string_attribute(f, "format", "hjbench-index");
    h5::write_number_attribute(f, "count", static_cast<double>(entries.size()));
    const h5::Handle tables = h5::group(
        h5::check_id(H5Gcreate2(f, "tables", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /tables"));
    for (const IndexEntry& e : entries) {
      const h5::Handle g = h5::group(
          h5::check_id(H5Gcreate2(tables, group_name(e.path).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       "create " + e.path));
      for (const auto& [k, v] : std::map<std::string, std::string>{{"path", e.path},
                                                                   {"problem", e.problem},
                                                                   {"mode", e.mode},
                                                                   {"grid", e.grid},
                                                                   {"command_line", e.command_line},
                                                                   {"project_version", e.version},
                                                                   {"run_identity", e.run_identity}})
        h5::write_string_attribute(g, k, v);
      for (const auto& [k, v] : std::map<std::string, double>{{"dimension", e.dimension},
                                                              {"nodes", static_cast<double>(e.nodes)},
                                                              {"wall_seconds", e.wall_seconds},
                                                              {"attempts", e.attempts}})
        h5::write_number_attribute(g, k, v);
      if (e.bracket) {  // the bracket's attributes only where there is one
        h5::write_number_attribute(g, "lower", e.bracket->lower);
        h5::write_number_attribute(g, "lower_se", e.bracket->lower_se);
        h5::write_number_attribute(g, "upper", e.bracket->upper);
        h5::write_string_attribute(g, "upper_kind", e.bracket->upper_kind);
      }
      const h5::Handle p = h5::group(h5::check_id(
          H5Gcreate2(g, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create parameters"));
      for (const auto& [k, v] : e.parameters) h5::write_number_attribute(p, k, v);
      // Relative to the index file's directory, where HDF5 looks for an external link's file.
      h5::check_h5(H5Lcreate_external(e.path.c_str(), "/", g, "table", H5P_DEFAULT, H5P_DEFAULT),
                   "link " + e.path);
    }
    HJB_CHECK(f.close() >= 0, RuntimeError, "cannot write " << tmp << " (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  HJB_CHECK(!ec, RuntimeError, "cannot rename " << tmp << " to " << path << ": " << ec.message());
}

std::vector<IndexEntry> read_index(const std::string& dir) {
  const std::string path = (fs::path(dir) / "index.h5").string();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  HJB_CHECK(fs::is_regular_file(path) && H5Fis_hdf5(path.c_str()) > 0, ValidationError,
            "--index " << dir << ": no index.h5 there (write it with: hjbench index " << dir << ")");
  const h5::Handle f = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  HJB_CHECK(f.valid() && h5::read_string_attribute(f, "format").value_or("") == "hjbench-index",
            ValidationError, path << ": not an hjbench index");
  const h5::Handle tables = h5::group(H5Gopen2(f, "tables", H5P_DEFAULT));
  HJB_CHECK(tables.valid(), ValidationError, path << ": not an hjbench index (/tables missing)");
  H5G_info_t info;
  h5::check_h5(H5Gget_info(tables, &info), "read " + path);
  std::vector<IndexEntry> entries;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[4096];
    H5Lget_name_by_idx(tables, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    const h5::Handle g = h5::group(H5Gopen2(tables, name, H5P_DEFAULT));
    HJB_CHECK(g.valid(), ValidationError, path << ": entry " << name << " unreadable");
    IndexEntry e;
    auto text = [&](const char* key) { return h5::read_string_attribute(g, key).value_or(""); };
    auto number = [&](const char* key) { return h5::read_number_attribute(g, key).value_or(0.0); };
    e.path = text("path");
    e.problem = text("problem");
    e.mode = text("mode");
    e.grid = text("grid");
    e.command_line = text("command_line");
    e.version = text("project_version");
    e.run_identity = text("run_identity");
    e.dimension = static_cast<int>(number("dimension"));
    e.nodes = static_cast<long long>(number("nodes"));
    e.wall_seconds = number("wall_seconds");
    e.attempts = static_cast<int>(number("attempts"));
    if (h5::read_number_attribute(g, "lower"))
      e.bracket =
          Bracket{number("lower"), number("lower_se"), number("upper"), text("upper_kind"), "episode"};
    const h5::Handle p = h5::group(H5Gopen2(g, "parameters", H5P_DEFAULT));
    if (p.valid()) {
      std::map<std::string, std::string> ignored;
      h5::AttributeReader reader{&ignored, &e.parameters};
      hsize_t idx = 0;
      H5Aiterate2(p, H5_INDEX_NAME, H5_ITER_INC, &idx, &h5::AttributeReader::visit, &reader);
    }
    entries.push_back(e);
  }
  return entries;
}

IndexEntry pick_table(const std::vector<IndexEntry>& entries, const std::string& dir,
                      const std::string& problem, int dimension,
                      const std::map<std::string, double>& parameters,
                      const std::vector<std::string>& modes) {
  // Relative distance of a table's parameters from the environment's (infinite: another problem or kind).
  auto distance = [&](const IndexEntry& e) -> double {
    if (e.problem != problem || e.dimension != dimension ||
        std::find(modes.begin(), modes.end(), e.mode) == modes.end())
      return INFINITY;
    double d = 0;
    for (const auto& [k, v] : parameters) {
      const auto it = e.parameters.find(k);
      if (it == e.parameters.end()) return INFINITY;
      d = std::max(d, std::abs(it->second - v) / std::max(std::abs(v), 1e-300));
    }
    return d;
  };
  const IndexEntry* best = nullptr;
  for (const auto& e : entries)
    if (distance(e) <= 1e-9 && (!best || e.nodes > best->nodes)) best = &e;
  if (best) return *best;
  std::vector<std::pair<double, const IndexEntry*>> near;
  for (const auto& e : entries)
    if (std::isfinite(distance(e))) near.emplace_back(distance(e), &e);
  std::sort(near.begin(), near.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::ostringstream os;
  os << "--index " << dir << ": no " << (modes.empty() ? "" : modes.front() + " ") << "table of " << problem
     << " (" << dimension << "-D) with the policy's environment parameters (";
  std::size_t k = 0;
  for (const auto& [name, value] : parameters) os << (k++ ? ", " : "") << name << " = " << value;
  os << ")";
  if (near.empty()) os << "; the index holds none of this problem and kind";
  for (std::size_t i = 0; i < near.size() && i < 3; ++i) {
    os << (i ? "; " : "; nearest: ") << near[i].second->path << " (";
    std::size_t shown = 0;
    for (const auto& [name, value] : parameters)
      if (near[i].second->parameters.at(name) != value)
        os << (shown++ ? ", " : "") << name << " = " << near[i].second->parameters.at(name);
    os << ")";
  }
  throw ValidationError(os.str());
}

}  // namespace hjb::apps
