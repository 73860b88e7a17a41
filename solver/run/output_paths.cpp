// Output checks, run-unique temporary names, free-space checks and the output lock (rank 0
// decides; the verdict is broadcast so every rank throws the same error).
#include "solver/run/output_paths.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "solver/io/collective_failure.hpp"
#include "solver/run/memory_plan.hpp"

namespace hjb {

namespace fs = std::filesystem;

namespace {

/// Broadcasts rank 0's error text and throws it as ValidationError everywhere when not empty.
void share_verdict(MPI_Comm comm, std::string error) {
  int length = static_cast<int>(error.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  error.resize(length);
  MPI_Bcast(error.data(), length, MPI_CHAR, 0, comm);
  if (!error.empty()) throw ValidationError(error);
}

int rank_of(MPI_Comm comm) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

std::string host_name() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

/// The path resolved (symlinks, the final one included, . and ..), for comparing outputs: a
/// symlink to another output is the same file.
std::string resolved(const std::string& path, int depth = 0) {
  std::error_code ec;
  const fs::path p(path);
  if (depth < 40 &&
      fs::is_symlink(fs::symlink_status(p, ec))) {  // also a dangling link: the file it would create
    const fs::path target = fs::read_symlink(p, ec);
    if (!ec) return resolved((target.is_absolute() ? target : p.parent_path() / target).string(), depth + 1);
  }
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  const fs::path canonical_dir = fs::weakly_canonical(dir, ec);
  return ((ec ? dir : canonical_dir) / p.filename()).lexically_normal().string();
}

std::string kind_of(const fs::file_status& status) {
  switch (status.type()) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

std::string check_one(const OutputFile& out) {
  const fs::path p(out.path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::error_code ec;
  if (out.path.empty()) return out.option + " is empty";
  if (!p.has_filename()) return out.option + " " + out.path + " names a directory, not a file";
  // The run adds a temporary suffix (.HOST.PID.tmp) and MPI-IO its own to the name; file systems
  // allow 255 bytes per name (Open MPI aborts above about 230).
  if (p.filename().string().size() > 200)
    return out.option + ": the file name " + p.filename().string().substr(0, 40) + "... is too long (" +
           std::to_string(p.filename().string().size()) +
           " characters; at most 200, as hjbench and MPI-IO add suffixes to it)";
  const auto status = fs::status(p, ec);  // follows symlinks: the file that would be replaced
  if (fs::exists(status) && !fs::is_regular_file(status))
    return out.option + " " + out.path + " exists and is " + kind_of(status) +
           "; hjbench only replaces regular files";
  if (!fs::is_directory(dir, ec)) return out.option + ": directory " + dir.string() + " does not exist";
  if (access(dir.c_str(), W_OK) != 0) return out.option + ": directory " + dir.string() + " is not writable";
  return {};
}

}  // namespace

std::string sidecar_path(const std::string& table) {
  std::string xmf = table;
  if (xmf.size() > 3 && xmf.substr(xmf.size() - 3) == ".h5") xmf.resize(xmf.size() - 3);
  return xmf + ".xmf";
}

void check_outputs(MPI_Comm comm, const std::vector<OutputFile>& outputs,
                   const std::vector<OutputFile>& inputs) {
  std::string error;
  if (rank_of(comm) == 0) {
    for (const OutputFile& out : outputs) {
      error = check_one(out);
      if (!error.empty()) break;
    }
    for (std::size_t i = 0; error.empty() && i < outputs.size(); ++i) {
      for (std::size_t j = i + 1; error.empty() && j < outputs.size(); ++j)
        if (resolved(outputs[i].path) == resolved(outputs[j].path))
          error = outputs[j].option + " " + outputs[j].path + " is the same file as " + outputs[i].option +
                  "; every output of a run must be a different file";
      for (const OutputFile& in : inputs)
        if (error.empty() && !in.path.empty() && resolved(in.path) == resolved(outputs[i].path))
          error = in.option + " " + in.path + " is the same file as the output " + outputs[i].option;
    }
  }
  share_verdict(comm, error);
}

std::string make_run_tag(MPI_Comm comm) {
  std::string tag;
  if (rank_of(comm) == 0) tag = host_name() + "." + std::to_string(getpid());
  int length = static_cast<int>(tag.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  tag.resize(length);
  MPI_Bcast(tag.data(), length, MPI_CHAR, 0, comm);
  return tag;
}

double available_bytes(const std::string& path) {
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  struct statvfs s;
  if (statvfs(dir.c_str(), &s) != 0) return -1;
  return static_cast<double>(s.f_bavail) * static_cast<double>(s.f_frsize);
}

void check_free_space(MPI_Comm comm, const std::string& directory_of, double bytes, const std::string& what) {
  std::string error;
  if (rank_of(comm) == 0) {
    const double available = available_bytes(directory_of);
    if (available >= 0 && bytes > available) {
      const fs::path p(directory_of);
      std::ostringstream os;
      os << what << " need about " << format_bytes(bytes) << " but the file system of "
         << (p.has_parent_path() ? p.parent_path().string() : std::string(".")) << " has "
         << format_bytes(available) << " available; free space, choose another --output.file directory, "
         << "or write fewer snapshots";
      error = os.str();
    }
  }
  share_verdict(comm, error);
}

void remove_file_on_rank0(MPI_Comm comm, const std::string& path) {
  if (rank_of(comm) == 0) std::remove(path.c_str());
  MPI_Barrier(comm);
}

OutputLock::OutputLock(MPI_Comm comm, const std::string& lock_path, const std::string& output)
    : m_path(lock_path) {
  std::string error;
  if (rank_of(comm) == 0) {
    const std::string me = host_name() + " " + std::to_string(getpid()) + "\n";
    for (int attempt = 0; attempt < 2 && !m_held; ++attempt) {
      const int fd = open(lock_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd >= 0) {
        const bool written = write(fd, me.data(), me.size()) == static_cast<ssize_t>(me.size());
        close(fd);
        if (written) {
          m_held = true;
        } else {
          std::remove(lock_path.c_str());
          error = "cannot write the lock file " + lock_path;
        }
        break;
      }
      if (errno != EEXIST) {
        error = "cannot create the lock file " + lock_path + ": " + std::strerror(errno);
        break;
      }
      std::ifstream in(lock_path);
      std::string host;
      long pid = 0;
      in >> host >> pid;
      const bool same_host = host == host_name();
      const bool alive = same_host && pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
      if (same_host && !alive) {
        // Stale: its process is gone (killed, or aborted when a rank ran out of memory). Its table's
        // temporary (the run tag is rank 0's host.pid, as the lock's) goes too; retry once.
        std::remove((output + "." + host + "." + std::to_string(pid) + ".tmp").c_str());
        std::remove(lock_path.c_str());
        continue;
      }
      std::ostringstream os;
      os << "another run is writing " << output << " (lock file " << lock_path << ": host "
         << (host.empty() ? "?" : host) << ", PID " << pid << ")"
         << (same_host ? "; wait for it to finish or choose another --output.file"
                       : "; if that run is gone, remove the lock file");
      error = os.str();
      break;
    }
  }
  share_verdict(comm, error);
}

OutputLock::~OutputLock() {
  if (m_held) std::remove(m_path.c_str());
}

}  // namespace hjb
