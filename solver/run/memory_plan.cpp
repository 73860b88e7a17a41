// Resident-memory probes and byte-size parsing for memory planning.
#include "solver/run/memory_plan.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace hjb {

double current_resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  double size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports kilobytes
}

double largest_peak_resident_bytes(MPI_Comm comm) {
  const double mine = peak_resident_bytes();
  double largest = mine;
  MPI_Allreduce(&mine, &largest, 1, MPI_DOUBLE, MPI_MAX, comm);
  return largest;
}

double parse_bytes(const std::string& text, const std::string& option) {
  std::istringstream in(text);
  double value = 0;
  std::string unit;
  in >> value >> unit;
  HJB_CHECK(!in.fail() || in.eof(), UsageError, option << ": '" << text << "' is not a size (e.g. 512M, 2G)");
  HJB_CHECK(std::isfinite(value) && value > 0, UsageError,
            option << ": '" << text << "' must be a positive size");
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() == 2 && unit[1] == 'B') unit.resize(1);
  if (unit.empty() || unit == "B") return value;
  if (unit == "K") return value * 1024.0;
  if (unit == "M") return value * 1024.0 * 1024.0;
  if (unit == "G") return value * 1024.0 * 1024.0 * 1024.0;
  if (unit == "T") return value * 1024.0 * 1024.0 * 1024.0 * 1024.0;
  throw UsageError(option + ": unknown unit in '" + text + "' (use K, M, G or T)");
}

std::string format_bytes(double bytes) {
  char buf[32];
  if (bytes >= 1024.0 * 1024.0 * 1024.0)
    std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return buf;
}

}  // namespace hjb
