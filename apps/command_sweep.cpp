// `hjbench sweep SPEC.ini --output DIR`: a grid of problem parameters and resolutions as a job array
// (apps/catalogue.hpp): DIR/run_all.sh (a plain mpirun loop), DIR/slurm.sh (a Slurm array), DIR/run_job.sh I.
#include <petscsys.h>

#include <cstdio>
#include <filesystem>

#include "apps/catalogue.hpp"
#include "apps/command.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"

namespace hjb::apps {

int run_sweep(const CommandContext& context) {
  std::string spec_path, dir;
  po::options_description opts("hjbench sweep SPEC.ini --output DIR");
  opts.add_options()("help,h", "print this help")("spec", po::value(&spec_path),
                                                  "the sweep specification (INI)")(
      "output", po::value(&dir), "the sweep's directory: scripts, tables/, logs/");
  po::positional_options_description pos;
  pos.add("spec", 1);
  po::variables_map vm;
  const std::string epilogue =
      "\nSPEC.ini:\n"
      "  [sweep]   name = NAME (jobs NAME_0000, ...), ranks = R (per job), checkpoint_seconds = S (default "
      "600)\n"
      "  [solve]   options every job shares: any `hjbench solve` option as key = value (an empty value for "
      "a\n"
      "            switch); not output.file, restart, checkpoint.file, overwrite (the sweep sets them)\n"
      "  [vary]    key = a | b | c: the jobs are the Cartesian product of the alternatives (last key "
      "fastest)\n"
      "Every job is parsed as `hjbench solve` would before anything is written. Then: bash DIR/run_all.sh\n"
      "(every job in turn; run it again after an interruption: complete tables are skipped, an interrupted "
      "job\n"
      "resumes from its checkpoint), or sbatch DIR/slurm.sh; hjbench index DIR lists the tables.\n";
  if (!parse_options(context.args, opts, vm, {&pos, epilogue})) return 0;
  HJB_CHECK(!spec_path.empty() && !dir.empty(), UsageError, "usage: hjbench sweep SPEC.ini --output DIR");
  const SweepSpec spec = read_sweep_spec(spec_path);
  const std::vector<SweepJob> jobs = expand_sweep(spec);
  if (context.rank != 0) return 0;
  write_sweep(spec, jobs, dir, std::filesystem::read_symlink("/proc/self/exe").string());
  std::printf("sweep %s: %zu jobs of %d ranks each in %s\n", spec.name.c_str(), jobs.size(), spec.ranks,
              dir.c_str());
  for (const auto& j : jobs) {
    std::printf("  %s:", j.name.c_str());
    for (const auto& [k, v] : j.varied) std::printf(" %s=%s", k.c_str(), v.c_str());
    std::printf("\n");
  }
  std::printf("run: bash %s/run_all.sh   (or: sbatch %s/slurm.sh); then: hjbench index %s\n", dir.c_str(),
              dir.c_str(), dir.c_str());
  return 0;
}

}  // namespace hjb::apps
