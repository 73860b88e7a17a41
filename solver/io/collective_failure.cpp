// Collective agreement on I/O outcomes and the failure-injection hook.
#include "solver/io/collective_failure.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/error.hpp"

namespace hjb {

void agree_on_success(MPI_Comm comm, bool ok, const std::string& message) {
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int mine = ok ? INT_MAX : rank;
  int first_failing = INT_MAX;
  MPI_Allreduce(&mine, &first_failing, 1, MPI_INT, MPI_MIN, comm);
  if (first_failing == INT_MAX) return;
  std::string text = rank == first_failing ? message : std::string();
  int length = static_cast<int>(text.size());
  MPI_Bcast(&length, 1, MPI_INT, first_failing, comm);
  text.resize(length);
  MPI_Bcast(text.data(), length, MPI_CHAR, first_failing, comm);
  if (size > 1) text = "rank " + std::to_string(first_failing) + ": " + text;
  throw RuntimeError(text);
}

void reserve_disk_blocks(MPI_Comm comm, const std::string& path, double bytes) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  bool ok = true;
  std::string message;
  if (rank == 0) {
    const int fd = ::open(path.c_str(), O_WRONLY);
    if (fd >= 0) {
      if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(bytes)) != 0 && errno == ENOSPC) {
        ok = false;
        std::ostringstream os;
        os << "not enough disk space for " << path << " (" << bytes / 1048576.0 << " MiB needed)";
        message = os.str();
      }
      ::close(fd);
    }
  }
  agree_on_success(comm, ok, message);
}

SpareDiskSpace::SpareDiskSpace(MPI_Comm comm, const std::string& path, double bytes)
    : m_path(path + ".spare") {
  int rank;
  MPI_Comm_rank(comm, &rank);
  bool ok = true;
  std::string message;
  if (rank == 0) {
    const int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    m_held = fd >= 0;
    if (fd >= 0) {
      const int error = posix_fallocate(fd, 0, static_cast<off_t>(bytes));
      if (error == ENOSPC) {
        ok = false;
        message = "no disk space left next to " + path;
      }
      ::close(fd);
    }
  }
  if (!ok) release();
  agree_on_success(comm, ok, message);
}

void SpareDiskSpace::release() {
  if (m_held) std::remove(m_path.c_str());
  m_held = false;
}

void run_collectively(MPI_Comm comm, const std::function<void()>& work) {
  bool ok = true;
  std::string message;
  int code = static_cast<int>(ExitCode::runtime_failure);
  try {
    work();
  } catch (const Error& e) {
    ok = false;
    message = e.what();
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    ok = false;
    message = e.what();
  }
  // Keep a common exit code when every rank failed the same way (e.g. a validation error).
  int lowest = ok ? INT_MAX : code, highest = ok ? INT_MIN : code;
  MPI_Allreduce(MPI_IN_PLACE, &lowest, 1, MPI_INT, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, &highest, 1, MPI_INT, MPI_MAX, comm);
  int all_failed = ok ? 0 : 1;
  MPI_Allreduce(MPI_IN_PLACE, &all_failed, 1, MPI_INT, MPI_MIN, comm);
  if (!ok && all_failed && lowest == highest && code != static_cast<int>(ExitCode::runtime_failure)) {
    // Same error class everywhere: rethrow it unchanged (the message is rank 0's view).
    throw Error(static_cast<ExitCode>(code), message);
  }
  agree_on_success(comm, ok, message);
}

void rename_on_rank0(MPI_Comm comm, const std::string& from, const std::string& to) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  bool ok = true;
  std::string message;
  if (rank == 0 && std::rename(from.c_str(), to.c_str()) != 0) {
    ok = false;
    message = "cannot rename " + from + " to " + to + ": " + std::strerror(errno);
  }
  agree_on_success(comm, ok, message);
}

bool injected_io_failure(MPI_Comm comm, const char* site) {
  const char* spec = std::getenv("HJB_INJECT_IO_FAILURE");
  if (!spec || !*spec) return false;
  int rank;
  MPI_Comm_rank(comm, &rank);
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto at = item.find('@');
    const std::string name = item.substr(0, at);
    if (name != site) continue;
    if (at == std::string::npos || std::atoi(item.c_str() + at + 1) == rank) return true;
  }
  return false;
}

}  // namespace hjb
