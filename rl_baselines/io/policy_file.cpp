// HDF5 reader and writer of policy files (serial HDF5; no MPI involved).
#include "rl_baselines/io/policy_file.hpp"

#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/input_files.hpp"
#include "core/version.hpp"
#include "rl_baselines/nn/dense_kernels.hpp"
#include "tables/hdf5_util.hpp"

namespace hjb::rl {

namespace {

void write_array(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, const void* data,
                 std::vector<hsize_t> dims) {
  const h5::Handle space =
      h5::dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  const h5::Handle ds = h5::dataset(
      h5::check_id(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   "create " + name));
  h5::check_h5(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
}

struct Reader {
  hid_t file;
  std::string path;
  std::string string_attr(hid_t obj, const std::string& name) const {
    const auto s = h5::read_string_attribute(obj, name);
    HJB_CHECK(s, ValidationError, path << ": not an hjbench policy file (attribute " << name << " missing)");
    return *s;
  }
  double number_attr(hid_t obj, const std::string& name) const {
    const auto v = h5::read_number_attribute(obj, name);
    HJB_CHECK(v, ValidationError, path << ": not an hjbench policy file (attribute " << name << " missing)");
    return *v;
  }
  /// Reads weight_K and bias_K under `prefix` into a network of already known sizes.
  void network(const std::string& prefix, Mlp& net) const {
    const auto& sizes = net.sizes();
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      std::vector<hsize_t> dims;
      const auto w = array<float>(prefix + "/weight_" + std::to_string(l), H5T_NATIVE_FLOAT, &dims);
      HJB_CHECK(dims.size() == 2 && dims[0] == static_cast<hsize_t>(sizes[l + 1]) &&
                    dims[1] == static_cast<hsize_t>(sizes[l]),
                ValidationError, path << ": " << prefix << "/weight_" << l << " has the wrong shape");
      net.weights()[l] =
          Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              w.data(), dims[0], dims[1]);
      const auto b = array<float>(prefix + "/bias_" + std::to_string(l), H5T_NATIVE_FLOAT);
      HJB_CHECK(b.size() == static_cast<std::size_t>(sizes[l + 1]), ValidationError,
                path << ": " << prefix << ": bad bias size");
      net.biases()[l] = Eigen::Map<const Vector>(b.data(), b.size());
    }
  }
  template <class T>
  std::vector<T> array(const std::string& name, hid_t mem_type, std::vector<hsize_t>* dims = nullptr) const {
    const h5::Handle ds = h5::dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    HJB_CHECK(ds.valid(), ValidationError, path << ": dataset " << name << " missing (corrupt policy file?)");
    const h5::Handle space = h5::dataspace(H5Dget_space(ds));
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> d(rank);
    H5Sget_simple_extent_dims(space, d.data(), nullptr);
    std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    const herr_t status = H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    HJB_CHECK(status >= 0, ValidationError, path << ": cannot read " << name << " (corrupt policy file?)");
    if (dims) *dims = d;
    return out;
  }
};

}  // namespace

/// Writes a network's weights and biases into `group` (weight_K float32 (out, in), bias_K).
void write_network(hid_t group, const Mlp& net) {
  for (std::size_t l = 0; l < net.weights().size(); ++l) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> w = net.weights()[l];
    write_array(group, "weight_" + std::to_string(l), H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, w.data(),
                {static_cast<hsize_t>(w.rows()), static_cast<hsize_t>(w.cols())});
    write_array(group, "bias_" + std::to_string(l), H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, net.biases()[l].data(),
                {static_cast<hsize_t>(net.biases()[l].size())});
  }
}

std::string sizes_text(const Mlp& net) {
  std::string sizes;
  for (int s : net.sizes()) sizes += (sizes.empty() ? "" : ",") + std::to_string(s);
  return sizes;
}

std::vector<int> parse_sizes(const std::string& text, const std::string& path) {
  std::vector<int> sizes;
  std::stringstream ss(text);
  std::string tok;
  try {
    while (std::getline(ss, tok, ',')) sizes.push_back(std::stoi(tok));
  } catch (const std::exception&) {
    throw ValidationError(path + ": bad layer_sizes '" + text + "'");
  }
  HJB_CHECK(sizes.size() >= 2, ValidationError, path << ": bad layer_sizes");
  for (int s : sizes) HJB_CHECK(s >= 1 && s <= 1 << 20, ValidationError, path << ": bad layer_sizes");
  return sizes;
}

void save_policy(const std::string& path, const Policy& p) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const std::string tmp = path + ".tmp";
  // Removes the temporary file unless it was renamed (declared before `file`, so it runs after
  // the file is closed).
  struct RemoveUnlessPublished {
    const std::string& path;
    bool published = false;
    ~RemoveUnlessPublished() {
      if (!published) std::remove(path.c_str());
    }
  } cleanup{tmp};
  h5::Handle file = h5::file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  HJB_CHECK(file.valid(), ValidationError, "cannot create policy file " << tmp);
  {
    h5::write_string_attribute(file, "format", "hjbench-policy");
    h5::write_number_attribute(file, "format_version", 1);
    h5::write_string_attribute(file, "algorithm", p.algorithm);
    h5::write_string_attribute(file, "problem", p.problem);
    h5::write_number_attribute(file, "state_dim", p.state_dim);
    h5::write_string_attribute(file, "kind",
                               p.kind == PolicyKind::gaussian            ? "gaussian"
                               : p.kind == PolicyKind::squashed_gaussian ? "squashed_gaussian"
                                                                         : "categorical");
    if (p.kind == PolicyKind::categorical) {
      std::vector<double> flat;
      for (const auto& a : p.discrete_actions) flat.insert(flat.end(), a.begin(), a.end());
      write_array(file, "discrete_actions", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, flat.data(),
                  {p.discrete_actions.size(), p.action_low.size()});
    }
    h5::write_string_attribute(file, "activation", to_string(p.actor.hidden_activation()));
    h5::write_string_attribute(file, "layer_sizes", sizes_text(p.actor));
    h5::write_number_attribute(file, "state_dependent_std", p.state_dependent_std);
    h5::write_number_attribute(file, "normalize_observations", p.normalize_observations);
    h5::write_number_attribute(file, "seed", static_cast<double>(p.seed));
    h5::write_number_attribute(file, "env_steps", p.env_steps);
    // The dense-kernel variant this process trained with (results are identical per seed only
    // with the same kernels: rl_baselines/nn/dense_kernels.hpp).
    h5::write_string_attribute(file, "kernels", kernels::dense_kernels().name);
    h5::write_string_attribute(file, "project_version",
                               std::string(project_version) + " (" + git_version + ")");
    const h5::Handle actor = h5::group(
        h5::check_id(H5Gcreate2(file, "actor", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /actor"));
    write_network(actor, p.actor);
    if (!p.critics.empty()) {
      const h5::Handle critic = h5::group(
          h5::check_id(H5Gcreate2(file, "critic", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /critic"));
      h5::write_string_attribute(critic, "kind", p.critic_kind);
      h5::write_number_attribute(critic, "count", static_cast<double>(p.critics.size()));
      h5::write_number_attribute(critic, "scale", p.critic_scale);
      for (std::size_t c = 0; c < p.critics.size(); ++c) {
        const std::string name = "net_" + std::to_string(c);
        const h5::Handle net =
            h5::group(h5::check_id(H5Gcreate2(critic, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                   "create /critic/" + name));
        h5::write_string_attribute(net, "layer_sizes", sizes_text(p.critics[c]));
        h5::write_string_attribute(net, "activation", to_string(p.critics[c].hidden_activation()));
        write_network(net, p.critics[c]);
      }
    }
    write_array(file, "log_std", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, p.log_std.data(),
                {static_cast<hsize_t>(p.log_std.size())});
    const auto& n = p.observation_normalizer;
    write_array(file, "observation_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n.mean.data(),
                {static_cast<hsize_t>(n.mean.size())});
    write_array(file, "observation_variance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n.variance.data(),
                {static_cast<hsize_t>(n.variance.size())});
    h5::write_number_attribute(file, "observation_count", n.count);
    write_array(file, "action_low", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, p.action_low.data(),
                {p.action_low.size()});
    write_array(file, "action_high", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, p.action_high.data(),
                {p.action_high.size()});
    const h5::Handle hyper =
        h5::group(h5::check_id(H5Gcreate2(file, "hyperparameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                               "create /hyperparameters"));
    for (const auto& [k, v] : p.hyperparameters) h5::write_number_attribute(hyper, k, v);
  }
  HJB_CHECK(file.close() >= 0, RuntimeError, "cannot write policy file " << tmp << " (disk full?)");
  HJB_CHECK(std::rename(tmp.c_str(), path.c_str()) == 0, ValidationError,
            "cannot rename " << tmp << " to " << path);
  cleanup.published = true;
}

/// The critics under /critic (none in files written before critics were kept). Returns true for a
/// critic whose scale the file does not record (written before the scale was kept).
bool read_critics(Reader& r, hid_t file, const std::string& path, Policy& p) {
  bool unscaled_critic = false;
  if (H5Lexists(file, "critic", H5P_DEFAULT) > 0) {
    const h5::Handle critic = h5::group(H5Gopen2(file, "critic", H5P_DEFAULT));
    HJB_CHECK(critic.valid(), ValidationError, path << ": cannot open /critic");
    p.critic_kind = r.string_attr(critic, "kind");
    HJB_CHECK(p.critic_kind == "state_value" || p.critic_kind == "action_value", ValidationError,
              path << ": unknown critic kind '" << p.critic_kind << "'");
    const double count = r.number_attr(critic, "count");
    HJB_CHECK(count >= 1 && count <= 8, ValidationError, path << ": bad critic count " << count);
    for (int c = 0; c < static_cast<int>(count); ++c) {
      const std::string name = "critic/net_" + std::to_string(c);
      const h5::Handle net = h5::group(H5Gopen2(file, name.c_str(), H5P_DEFAULT));
      HJB_CHECK(net.valid(), ValidationError, path << ": " << name << " missing");
      const std::string critic_activation = r.string_attr(net, "activation");
      HJB_CHECK(critic_activation == "tanh" || critic_activation == "relu", ValidationError,
                path << ": " << name << ": unknown activation '" << critic_activation << "'");
      p.critics.emplace_back(parse_sizes(r.string_attr(net, "layer_sizes"), path),
                             parse_activation(critic_activation));
      r.network(name, p.critics.back());
    }
    // Files written before the scale was recorded: known only when no reward normalisation ran.
    if (const auto scale = h5::read_number_attribute(critic, "scale")) {
      HJB_CHECK(*scale > 0 && std::isfinite(*scale), ValidationError,
                path << ": bad critic scale " << *scale);
      p.critic_scale = *scale;
    } else {
      unscaled_critic = true;
    }
  }
  return unscaled_critic;
}

/// Every number under /hyperparameters (optional group).
void read_hyperparameters(hid_t file, Policy& p) {
  const h5::Handle hyper = h5::group(H5Gopen2(file, "hyperparameters", H5P_DEFAULT));
  if (hyper.valid()) {
    H5O_info_t info;
    H5Oget_info(hyper, &info);
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
      const h5::Handle attr =
          h5::attribute(H5Aopen_by_idx(hyper, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
      char name[256] = {0};
      H5Aget_name(attr, sizeof name, name);
      double v = 0;
      if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) >= 0) p.hyperparameters[name] = v;
    }
  }
}

bool policy_is_finite(const Policy& p) {
  auto all_finite = [](const auto& m) { return m.allFinite(); };
  bool finite = all_finite(p.log_std) && all_finite(p.observation_normalizer.mean) &&
                all_finite(p.observation_normalizer.variance) &&
                (p.observation_normalizer.variance.array() >= 0).all();
  for (const auto& w : p.actor.weights()) finite = finite && all_finite(w);
  for (const auto& b : p.actor.biases()) finite = finite && all_finite(b);
  return finite;
}

Policy load_policy(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  require_input_file(path, "policy file");
  HJB_CHECK(H5Fis_hdf5(path.c_str()) > 0, ValidationError,
            path << ": not an HDF5 file (corrupt policy file?)");
  const h5::Handle file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  HJB_CHECK(file.valid(), ValidationError, path << ": cannot open");
  Reader r{file, path};
  Policy p;
  {
    HJB_CHECK(r.string_attr(file, "format") == "hjbench-policy", ValidationError,
              path << ": not an hjbench policy file");
    p.algorithm = r.string_attr(file, "algorithm");
    p.problem = r.string_attr(file, "problem");
    if (const auto d = h5::read_number_attribute(file, "state_dim")) p.state_dim = static_cast<int>(*d);
    const auto version = h5::read_number_attribute(file, "format_version");
    HJB_CHECK(!version || *version <= 1, ValidationError,
              path << ": policy format version " << *version << " is newer than this hjbench reads (1)");
    const std::string kind = r.string_attr(file, "kind");
    HJB_CHECK(kind == "gaussian" || kind == "squashed_gaussian" || kind == "categorical", ValidationError,
              path << ": unknown policy kind '" << kind << "' (corrupt policy file?)");
    p.kind = kind == "gaussian"            ? PolicyKind::gaussian
             : kind == "squashed_gaussian" ? PolicyKind::squashed_gaussian
                                           : PolicyKind::categorical;
    const std::string activation = r.string_attr(file, "activation");
    HJB_CHECK(activation == "tanh" || activation == "relu", ValidationError,
              path << ": unknown activation '" << activation << "' (corrupt policy file?)");
    const Activation act = parse_activation(activation);
    const std::vector<int> sizes = parse_sizes(r.string_attr(file, "layer_sizes"), path);
    p.actor = Mlp(sizes, act);
    p.state_dependent_std = r.number_attr(file, "state_dependent_std") != 0;
    p.normalize_observations = r.number_attr(file, "normalize_observations") != 0;
    p.seed = static_cast<std::uint64_t>(r.number_attr(file, "seed"));
    p.env_steps = r.number_attr(file, "env_steps");
    r.network("actor", p.actor);
    const bool unscaled_critic = read_critics(r, file, path, p);
    const auto ls = r.array<float>("log_std", H5T_NATIVE_FLOAT);
    p.log_std = Eigen::Map<const Vector>(ls.data(), ls.size());
    const auto mean = r.array<double>("observation_mean", H5T_NATIVE_DOUBLE);
    const auto var = r.array<double>("observation_variance", H5T_NATIVE_DOUBLE);
    HJB_CHECK(mean.size() == static_cast<std::size_t>(sizes.front()) && var.size() == mean.size(),
              ValidationError, path << ": observation statistics do not match the network input");
    p.observation_normalizer.mean = Eigen::Map<const Eigen::VectorXd>(mean.data(), mean.size());
    p.observation_normalizer.variance = Eigen::Map<const Eigen::VectorXd>(var.data(), var.size());
    p.observation_normalizer.count = r.number_attr(file, "observation_count");
    p.action_low = r.array<double>("action_low", H5T_NATIVE_DOUBLE);
    p.action_high = r.array<double>("action_high", H5T_NATIVE_DOUBLE);
    HJB_CHECK(p.action_low.size() == p.action_high.size() && !p.action_low.empty(), ValidationError,
              path << ": bad action bounds");
    for (std::size_t j = 0; j < p.action_low.size(); ++j)
      HJB_CHECK(std::isfinite(p.action_low[j]) && std::isfinite(p.action_high[j]) &&
                    p.action_low[j] < p.action_high[j],
                ValidationError,
                path << ": action bounds of component " << j << " are [" << p.action_low[j] << ", "
                     << p.action_high[j] << "], not an interval (corrupt policy file?)");
    if (p.kind == PolicyKind::categorical) {
      std::vector<hsize_t> dims;
      const auto flat = r.array<double>("discrete_actions", H5T_NATIVE_DOUBLE, &dims);
      HJB_CHECK(
          dims.size() == 2 && dims[0] == static_cast<hsize_t>(sizes.back()) && dims[1] == p.action_low.size(),
          ValidationError,
          path << ": discrete_actions must hold one action per logit (" << sizes.back() << " x "
               << p.action_low.size() << ")");
      for (hsize_t i = 0; i < dims[0]; ++i)
        p.discrete_actions.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(i * dims[1]),
                                        flat.begin() + static_cast<std::ptrdiff_t>((i + 1) * dims[1]));
    }
    // Every number the policy computes with must be finite.
    HJB_CHECK(
        policy_is_finite(p), ValidationError,
        path << ": the policy holds non-finite weights or normalisation statistics (NaN/Inf); it cannot act");
    read_hyperparameters(file, p);
    // A critic trained on normalised rewards whose scale the file does not record (written before
    // the scale was kept) cannot be compared with a value: dropped, as if none were stored.
    if (unscaled_critic && p.hyperparameters.count("normalize_rewards") &&
        p.hyperparameters.at("normalize_rewards") != 0) {
      p.critics.clear();
      p.critic_kind.clear();
    }
  }
  return p;
}

}  // namespace hjb::rl
