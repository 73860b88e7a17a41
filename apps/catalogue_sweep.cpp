// `hjbench sweep`: a specification expanded into a job array (apps/catalogue.hpp).
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "apps/catalogue.hpp"
#include "apps/command_support.hpp"
#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"
#include "solver/frontend/problem_registry.hpp"
#include "solver/frontend/solve_arguments.hpp"

namespace hjb::apps {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

/// A shell word: single-quoted, with embedded quotes closed and reopened.
std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Options the sweep sets itself: the table and its checkpoint per job, and what would defeat the
/// skip-or-resume logic.
const std::set<std::string> reserved{"output.file", "restart", "checkpoint.file",
                                     "overwrite",   "dry-run", "config"};

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  HJB_CHECK(fs::is_regular_file(path), ValidationError, "SPEC.ini " << path << ": no such file");
  std::ifstream in(path);
  HJB_CHECK(in, ValidationError, "SPEC.ini " << path << ": cannot read it");
  SweepSpec spec;
  spec.path = path;
  std::string line, section;
  std::set<std::string> seen;
  for (int number = 1; std::getline(in, line); ++number) {
    spec.text += line + "\n";
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (t.front() == '[') {
      HJB_CHECK(t.back() == ']', UsageError, where << "a section header needs a closing ']'");
      section = trim(t.substr(1, t.size() - 2));
      HJB_CHECK(section == "sweep" || section == "solve" || section == "vary", UsageError,
                where << "unknown section [" << section << "] (sweep, solve or vary)");
      continue;
    }
    const auto eq = t.find('=');
    HJB_CHECK(eq != std::string::npos, UsageError, where << "expected key = value");
    const std::string key = trim(t.substr(0, eq)), value = trim(t.substr(eq + 1));
    HJB_CHECK(!section.empty(), UsageError, where << "'" << key << "' before any section");
    HJB_CHECK(!key.empty(), UsageError, where << "an empty key");
    HJB_CHECK(seen.insert(section == "sweep" ? "sweep." + key : key).second, UsageError,
              where << "'" << key << "' given twice (in [solve] and [vary] together, or repeated)");
    try {
      if (section == "sweep") {
        if (key == "name") {
          spec.name = value;
          const bool ok = !value.empty() && value.find_first_not_of(
                                                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789_-") == std::string::npos;
          HJB_CHECK(ok, UsageError,
                    where << "name must be letters, digits, '_' or '-', got '" << value << "'");
        } else if (key == "ranks") {
          spec.ranks = std::stoi(value);
          HJB_CHECK(spec.ranks >= 1 && std::to_string(spec.ranks) == value, UsageError,
                    where << "ranks must be a positive integer, got '" << value << "'");
        } else if (key == "checkpoint_seconds") {
          spec.checkpoint_seconds = std::stod(value);
          HJB_CHECK(spec.checkpoint_seconds >= 0, UsageError,
                    where << "checkpoint_seconds must be >= 0, got " << value);
        } else {
          throw UsageError(where + "unknown key '" + key + "' in [sweep] (name, ranks, checkpoint_seconds)");
        }
      } else {
        HJB_CHECK(
            !reserved.count(key), UsageError,
            where << "'" << key << "' is set by the sweep itself (each job's table, checkpoint and restart)");
        if (section == "solve") {
          spec.fixed.emplace_back(key, value);
        } else {
          std::vector<std::string> alternatives;
          std::stringstream ss(value);
          std::string a;
          while (std::getline(ss, a, '|')) {
            HJB_CHECK(!trim(a).empty(), UsageError, where << "an empty alternative of '" << key << "'");
            alternatives.push_back(trim(a));
          }
          HJB_CHECK(!alternatives.empty(), UsageError, where << "'" << key << "' has no alternatives");
          spec.vary.emplace_back(key, alternatives);
        }
      }
    } catch (const std::logic_error&) {  // stoi/stod
      throw UsageError(where + "'" + key + "' needs a number, got '" + value + "'");
    }
  }
  HJB_CHECK(!spec.name.empty(), UsageError, path << ": [sweep] needs a name");
  double jobs = 1;
  for (const auto& [k, v] : spec.vary) jobs *= static_cast<double>(v.size());
  HJB_CHECK(jobs <= 10000, UsageError, path << ": " << jobs << " jobs, more than the 10,000 a sweep holds");
  return spec;
}

std::vector<SweepJob> expand_sweep(const SweepSpec& spec) {
  std::size_t total = 1;
  for (const auto& [k, v] : spec.vary) total *= v.size();
  std::vector<SweepJob> jobs;
  for (std::size_t i = 0; i < total; ++i) {
    SweepJob job;
    job.index = static_cast<int>(i);
    char name[32];
    std::snprintf(name, sizeof name, "_%04zu", i);
    job.name = spec.name + name;
    std::size_t rest = i;
    std::vector<std::size_t> pick(spec.vary.size());
    for (std::size_t k = spec.vary.size(); k-- > 0;) {  // the last key fastest
      pick[k] = rest % spec.vary[k].second.size();
      rest /= spec.vary[k].second.size();
    }
    auto add = [&](const std::string& key, const std::string& value) {
      job.args.push_back("--" + key);
      if (!value.empty()) job.args.push_back(value);
    };
    for (const auto& [k, v] : spec.fixed) add(k, v);
    for (std::size_t k = 0; k < spec.vary.size(); ++k) {
      add(spec.vary[k].first, spec.vary[k].second[pick[k]]);
      job.varied.emplace_back(spec.vary[k].first, spec.vary[k].second[pick[k]]);
    }
    // Each job parsed as `hjbench solve` parses it, before anything is written.
    SolveConfig config;
    std::string help;
    std::vector<std::string> args = job.args;
    args.insert(args.end(), {"--output.file", job.name + ".h5"});
    try {
      parse_solve_arguments(args, config, help);
      resolve_solver(config);  // the problem, method and dimension exist
    } catch (const UsageError& e) {
      std::string varied;
      for (const auto& [k, v] : job.varied) varied += (varied.empty() ? "" : ", ") + k + " = " + v;
      throw UsageError(spec.path + ": job " + std::to_string(i) +
                       (varied.empty() ? "" : " (" + varied + ")") + ": " + e.what());
    }
    jobs.push_back(job);
  }
  return jobs;
}

void write_sweep(const SweepSpec& spec, const std::vector<SweepJob>& jobs, const std::string& dir,
                 const std::string& hjbench) {
  const fs::path root = fs::absolute(dir);
  std::error_code ec;
  fs::create_directories(root / "tables", ec);
  fs::create_directories(root / "logs", ec);
  HJB_CHECK(fs::is_directory(root / "tables") && fs::is_directory(root / "logs"), ValidationError,
            "--output " << dir << ": cannot create the sweep directory (" << ec.message() << ")");
  if (fs::exists(root / "sweep.ini")) {
    std::ifstream in(root / "sweep.ini");
    const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    HJB_CHECK(old == spec.text, ValidationError,
              "--output " << dir << " holds the sweep of another specification (its sweep.ini differs from "
                          << spec.path << "); choose another directory");
  }
  write_text_file((root / "sweep.ini").string(), spec.text, "the sweep file");
  std::ostringstream json, cases;
  json << "{\"sweep\": " << rl::json_string(spec.name) << ", \"ranks\": " << spec.ranks << ", \"jobs\": [";
  for (const auto& j : jobs) {
    json << (j.index ? ",\n  " : "\n  ") << "{\"index\": " << j.index
         << ", \"name\": " << rl::json_string(j.name)
         << ", \"table\": " << rl::json_string("tables/" + j.name + ".h5") << ", \"varied\": {";
    for (std::size_t k = 0; k < j.varied.size(); ++k)
      json << (k ? ", " : "") << rl::json_string(j.varied[k].first) << ": "
           << rl::json_string(j.varied[k].second);
    json << "}}";
    cases << "  " << j.index << ") name=" << j.name << "; args=(";
    for (std::size_t a = 0; a < j.args.size(); ++a) cases << (a ? " " : "") << quote(j.args[a]);
    cases << ") ;;\n";
  }
  json << "]}\n";
  write_text_file((root / "jobs.json").string(), json.str(), "the sweep file");
  const std::string last = std::to_string(jobs.size() - 1);
  // The periodic checkpoint unless the specification sets one itself (an option may appear once).
  bool own_checkpoint = false;
  for (const auto& [k, v] : spec.fixed) own_checkpoint = own_checkpoint || k.starts_with("checkpoint.every");
  for (const auto& [k, v] : spec.vary) own_checkpoint = own_checkpoint || k.starts_with("checkpoint.every");
  std::ostringstream periodic;
  if (!own_checkpoint && spec.checkpoint_seconds > 0)
    periodic << " --checkpoint.every_seconds " << spec.checkpoint_seconds;
  std::ostringstream job;
  job << "#!/usr/bin/env bash\n"
      << "# Job I (0.." << last << ") of sweep " << spec.name << ", written by `hjbench sweep " << spec.path
      << "`: skipped when its table\n# is complete (tables are published only complete), resumed from its "
         "checkpoint when one exists,\n# started otherwise. Exit code: hjbench's (5: stopped with a "
         "checkpoint; "
         "run it again to resume).\n"
      << "# HJBENCH overrides the binary, HJB_MPIRUN the launcher (default: mpirun -n " << spec.ranks
      << ").\n"
      << "set -u\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\nHJBENCH=${HJBENCH:-" << quote(hjbench) << "}\n"
      << "read -r -a launcher <<< \"${HJB_MPIRUN:-mpirun -n " << spec.ranks << "}\"\n"
      << "case \"${1:-}\" in\n"
      << cases.str() << "  *) echo \"run_job.sh: no job '${1:-}' (0.." << last << ")\" >&2; exit 2 ;;\nesac\n"
      << "table=\"$here/tables/$name.h5\"\n"
      << "if [[ -f \"$table\" ]]; then echo \"$name: complete, skipped ($table)\"; exit 0; fi\n"
      << "resume=(); [[ -f \"$table.ckpt\" ]] && resume=(--restart \"$table.ckpt\")\n"
      << "start=$(date +%s.%N)\n"
      << "\"${launcher[@]}\" \"$HJBENCH\" solve \"${args[@]}\" --output.file \"$table\"" << periodic.str()
      << " \"${resume[@]}\" >> \"$here/logs/$name.log\" 2>&1\n"
      << "code=$?\n"
      << "# One line per attempt: start, end (seconds since the epoch), exit code, host, resumed (0/1).\n"
      << "printf '%s\\t%s\\t%d\\t%s\\t%d\\n' \"$start\" \"$(date +%s.%N)\" \"$code\" \"$(hostname)\" "
         "\"$((${#resume[@]} > 0))\" >> \"$here/tables/$name.runs.tsv\"\n"
      << "echo \"$name: exit $code$([[ $code -eq 5 ]] && echo ' (stopped with a checkpoint: run again to "
         "resume)')\"\nexit $code\n";
  write_text_file((root / "run_job.sh").string(), job.str(), "the sweep script", true);
  std::ostringstream all;
  all << "#!/usr/bin/env bash\n# Every job of sweep " << spec.name
      << " in turn (machines without a scheduler). Stops at the first job that does not\n"
         "# finish (exit 5: stopped by a signal or --walltime with a checkpoint); run it again to resume: "
         "complete\n"
         "# tables are skipped, the interrupted job continues from its checkpoint.\n"
      << "set -u\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\n"
      << "for i in $(seq 0 " << last << "); do\n"
      << "  bash \"$here/run_job.sh\" \"$i\"; code=$?\n"
      << "  if [[ $code -ne 0 ]]; then echo \"run_all.sh: job $i exited $code; run again to resume\" >&2; "
         "exit "
         "$code; fi\n"
      << "done\necho \"run_all.sh: all " << jobs.size() << " jobs complete; hjbench index "
      << quote(root.string()) << " lists them\"\n";
  write_text_file((root / "run_all.sh").string(), all.str(), "the sweep script", true);
  std::ostringstream slurm;
  slurm
      << "#!/bin/bash\n# Sweep " << spec.name << " as a Slurm job array: `sbatch "
      << (root / "slurm.sh").string()
      << "`.\n# Slurm sends SIGUSR1 120 s before the time limit; hjbench stops with a checkpoint (exit 5) "
         "and\n"
         "# the task requeues itself, resuming from the checkpoint; complete tables are skipped.\n"
      << "#SBATCH --job-name=" << spec.name << "\n#SBATCH --array=0-" << last
      << "\n#SBATCH --ntasks=" << spec.ranks
      << "\n#SBATCH --signal=USR1@120\n#SBATCH --requeue\n#SBATCH --output=" << (root / "logs").string()
      << "/slurm-%A_%a.out\nset -u\nexport HJB_MPIRUN=${HJB_MPIRUN:-srun}\n"
      << "bash " << quote((root / "run_job.sh").string()) << " \"$SLURM_ARRAY_TASK_ID\"; code=$?\n"
      << "if [[ $code -eq 5 ]]; then scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"; fi\n"
      << "exit $code\n";
  write_text_file((root / "slurm.sh").string(), slurm.str(), "the sweep script", true);
}

}  // namespace hjb::apps
