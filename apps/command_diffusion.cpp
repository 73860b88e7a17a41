// `hjbench diffusion --table T.h5 [--samples N] [--train.steps S] [--output.json F] [--output.samples F.h5]`:
// the Föllmer sampler's table against its closed form and a learned drift against the exact one
// (rl_baselines/agents/follmer_score.hpp). Serial: refused on more than one process.
#include <petscsys.h>

#include <cstdio>
#include <filesystem>

#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "rl_baselines/agents/follmer_score.hpp"
#include "solver/run/output_paths.hpp"
#include "tables/hdf5_util.hpp"

namespace hjb::apps {

namespace {

void write_matrix(hid_t file, const std::string& name, const std::vector<double>& data, hsize_t rows,
                  hsize_t cols) {
  const hsize_t dims[2] = {rows, cols};
  const h5::Handle space = h5::dataspace(H5Screate_simple(cols > 0 ? 2 : 1, dims, nullptr));
  const h5::Handle ds = h5::dataset(
      H5Dcreate2(file, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  h5::check_h5(ds.valid() ? 0 : -1, "create dataset " + name);
  h5::check_h5(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "write " + name);
}

/// The sample sets (and, in 2-D, the target's log density on the table's grid) for figures:
/// written to PATH.tmp, renamed when complete.
void write_samples(const std::string& path, const rl::FollmerReport& r) {
  const std::string tmp = path + ".tmp";
  {
    h5::Handle f = h5::file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    HJB_CHECK(f.valid(), RuntimeError, "cannot create --output.samples " << tmp);
    const hsize_t d = static_cast<hsize_t>(r.dim);
    write_matrix(f, "target", r.table_drift.target.x, r.table_drift.target.size(), d);
    write_matrix(f, "exact", r.table_drift.end.x, r.table_drift.end.size(), d);
    if (r.learned) write_matrix(f, "learned", r.learned_drift.end.x, r.learned_drift.end.size(), d);
    if (!r.log_density.empty()) {
      write_matrix(f, "log_density", r.log_density, static_cast<hsize_t>(r.axis_n[0]),
                   static_cast<hsize_t>(r.axis_n[1]));
      write_matrix(f, "axis_lo", r.axis_lo, r.axis_lo.size(), 0);
      write_matrix(f, "axis_hi", r.axis_hi, r.axis_hi.size(), 0);
    }
    h5::write_string_attribute(f, "table", r.table);
    h5::write_number_attribute(f, "euler_maruyama_steps", r.em_steps);
    HJB_CHECK(f.close() >= 0, RuntimeError, "cannot write --output.samples " << tmp << " (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  HJB_CHECK(!ec, RuntimeError,
            "cannot rename " << tmp << " to --output.samples " << path << ": " << ec.message());
}

void print_score(const char* what, const rl::DriftScore& s) {
  std::printf("  %-28s path KL %.4g [%.4g, %.4g]  drift L2 %.4g [%.4g, %.4g]  energy distance %.3g\n", what,
              s.path_kl.mean, s.path_kl.ci_low, s.path_kl.ci_high, s.drift_l2, s.drift_l2_low,
              s.drift_l2_high, s.energy_distance);
}

}  // namespace

int run_diffusion(const CommandContext& context) {
  rl::FollmerOptions o;
  std::string json_path, samples_path, hidden_text = "64,64";
  Seed seed{o.seed}, train_seed{o.train_seed};
  po::options_description opts("hjbench diffusion --table T.h5 [options]");
  opts.add_options()("help,h", "print this help")("table", po::value(&o.table),
                                                  "a table of `hjbench solve --problem.name follmer`")(
      "samples", po::value(&o.samples)->default_value(o.samples),
      "paths per sampler and points per target sample (0: the value error only)")(
      "seed", po::value(&seed)->default_value(seed), "seed of every random draw")(
      "repeats", po::value(&o.repeats)->default_value(o.repeats),
      "pairs of target samples for the noise floor")("inner", po::value(&o.inner)->default_value(o.inner),
                                                     "the value error's box: |x_i| <= inner")(
      "substeps", po::value(&o.substeps)->default_value(o.substeps),
      "Euler-Maruyama steps per stored interval (the table's feedback linear in time between stored times)")(
      "train.seed", po::value(&train_seed)->default_value(train_seed),
      "seed of the network's initialisation, its training data and minibatches (the paths and targets "
      "it is scored on follow --seed)")(
      "train.seeds", po::value(&o.train_seeds)->default_value(o.train_seeds),
      "networks to train, with seeds --train.seed, --train.seed + 1, ... (the first keeps the curve and "
      "samples)")("train.steps", po::value(&o.train_steps)->default_value(o.train_steps),
                  "Adam steps of denoising score matching (0: no learned drift)")(
      "train.batch", po::value(&o.batch)->default_value(o.batch), "minibatch size")(
      "train.hidden", po::value(&hidden_text)->default_value(hidden_text), "hidden layer widths (tanh)")(
      "train.learning_rate", po::value(&o.learning_rate)->default_value(o.learning_rate),
      "Adam step size (decayed linearly to a tenth)")(
      "train.data", po::value(&o.training_set)->default_value(o.training_set),
      "target samples the network sees")(
      "train.curve", po::value(&o.curve_points)->default_value(o.curve_points),
      "learning-curve evaluations, log-spaced in steps (each with --samples paths)")(
      "output.json", po::value(&json_path), "write the report as JSON")(
      "output.samples", po::value(&samples_path),
      "write the sample sets (and the 2-D target density) as HDF5");
  po::positional_options_description pos;
  pos.add("table", 1);
  po::variables_map vm;
  const std::string epilogue =
      "\nThe table's V against the Cole-Hopf closed form at every stored time; samples of the SDE driven by "
      "the table's feedback (Euler-Maruyama, one step per stored interval) against a target sample by "
      "energy distance, next to the noise floor of two independent target samples; with --train.steps, an "
      "MLP drift learned by denoising score matching, scored along its own paths against the exact drift: "
      "the drift's L2 error, the path KL (Girsanov; = its cost minus V(0, 0)) with bootstrap CIs, and its "
      "samples' energy distance, also as a learning curve.\n";
  if (!parse_options(context.args, opts, vm, {&pos, epilogue})) return 0;
  o.seed = seed;
  o.train_seed = train_seed;
  HJB_CHECK(!o.table.empty(), UsageError, "usage: hjbench diffusion --table T.h5 [options]");
  o.hidden = parse_sizes(hidden_text, "train.hidden");
  HJB_CHECK(o.train_seeds >= 1, UsageError, "--train.seeds must be >= 1, got " << o.train_seeds);
  HJB_CHECK(o.train_steps >= 0, UsageError, "--train.steps must be >= 0, got " << o.train_steps);
  HJB_CHECK(o.batch >= 1, UsageError, "--train.batch must be >= 1, got " << o.batch);
  HJB_CHECK(o.repeats >= 2, UsageError, "--repeats must be >= 2, got " << o.repeats);
  HJB_CHECK(o.learning_rate > 0, UsageError, "--train.learning_rate must be positive");
  HJB_CHECK(o.training_set >= 1 && o.curve_points >= 1, UsageError,
            "--train.data >= 1 and --train.curve >= 1 are required");
  HJB_CHECK(o.train_steps == 0 || o.samples >= 2, UsageError, "--train.steps needs --samples >= 2");
  std::vector<OutputFile> outs;
  if (!json_path.empty()) outs.push_back({json_path, "--output.json"});
  if (!samples_path.empty()) outs.push_back({samples_path, "--output.samples"});
  check_outputs(PETSC_COMM_WORLD, outs, {{o.table, "--table"}});
  int ranks = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
  HJB_CHECK(
      ranks == 1, UsageError,
      "hjbench diffusion runs on one process (its samplers and training are serial); run it without mpirun");
  const rl::FollmerReport r = rl::score_follmer(o);
  std::printf("%s: Foellmer sampler in %d-D, sigma %g, %d Euler-Maruyama steps\n", o.table.c_str(), r.dim,
              r.sigma, r.em_steps);
  std::printf("  value error against the closed form (|x_i| <= %g, every stored time): mean %.4g, max %.4g\n",
              r.inner, r.value_error_mean, r.value_error_max);
  if (r.samples > 0) {
    std::printf(
        "  noise floor (energy distance of two target samples of %zu, %d pairs): mean %.3g, 95%% %.3g\n",
        r.samples, r.floor.repeats, r.floor.mean, r.floor.q95);
    print_score("table's feedback (exact):", r.table_drift);
    std::printf("  closed-form drift, same steps and noise: energy distance %.3g (the time step's part)\n",
                r.closed_form_energy_distance);
    std::printf("  exact sampler %s the noise floor\n",
                r.table_drift.energy_distance <= r.floor.q95 ? "within" : "ABOVE");
  }
  if (r.learned) {
    for (const auto& c : r.curve) {
      char what[64];
      std::snprintf(what, sizeof what, "learned, %ld steps:", c.steps);
      print_score(what, c.score);
    }
    for (std::size_t i = 1; i < r.learned_seeds.size(); ++i) {
      char what[64];
      std::snprintf(what, sizeof what,
                    "learned, train seed %llu:", static_cast<unsigned long long>(r.train_seed + i));
      print_score(what, r.learned_seeds[i]);
    }
  }
  if (!json_path.empty()) {
    write_output_json(json_path, rl::follmer_json(r));
    std::printf("wrote %s\n", json_path.c_str());
  }
  if (!samples_path.empty()) {
    write_samples(samples_path, r);
    std::printf("wrote %s\n", samples_path.c_str());
  }
  return 0;
}

}  // namespace hjb::apps
