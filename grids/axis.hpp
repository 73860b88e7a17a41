// A uniform grid axis: node coordinates, spacing and periodicity.
#pragma once
#include <cstdint>
#include <string>

namespace hjb {

/// Nodes lo + i h. A non-periodic axis includes both ends (h = (hi - lo) / (n - 1)); a periodic
/// axis excludes hi, which is identified with lo (h = (hi - lo) / n).
struct Axis {
  std::string name;
  double lo = 0.0, hi = 1.0;
  std::int64_t n = 2;
  bool periodic = false;

  double spacing() const { return (hi - lo) / static_cast<double>(periodic ? n : n - 1); }
  double coordinate(std::int64_t i) const { return lo + static_cast<double>(i) * spacing(); }
};

}  // namespace hjb
