// The node partition of the sparse-grid solvers: contiguous blocks of the grid's node order, one
// per rank; after each sweep every rank's block is re-assembled on every rank (MPI_Allgatherv), so
// each rank holds all nodal values and hierarchises them itself. Works without MPI_Init (a serial
// program, e.g. the unit tests): then the calling process is the only block. Header-only.
#pragma once
#include <mpi.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "grids/sparse/sparse_grid.hpp"

namespace hjb {

class SparseNodeBlocks {
 public:
  SparseNodeBlocks(MPI_Comm comm, std::int64_t nodes) : m_comm(comm) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) {
      MPI_Comm_rank(comm, &m_rank);
      MPI_Comm_size(comm, &m_size);
    }
    m_counts.resize(static_cast<std::size_t>(m_size));
    m_displs.resize(static_cast<std::size_t>(m_size));
    for (int q = 0; q < m_size; ++q) {
      const std::int64_t a = nodes * q / m_size, b = nodes * (q + 1) / m_size;
      m_displs[q] = static_cast<int>(a);
      m_counts[q] = static_cast<int>(b - a);
    }
    m_first = m_displs[m_rank];
    m_last = m_first + m_counts[m_rank];
  }
  int rank() const { return m_rank; }
  int size() const { return m_size; }
  std::int64_t first() const { return m_first; }  ///< this rank's nodes are [first, last)
  std::int64_t last() const { return m_last; }

  /// Every rank's block of `values` (each rank filled its own) onto every rank.
  void assemble(std::vector<double>& values) const { gather(values.data(), MPI_DOUBLE); }
  void assemble(std::vector<int>& values) const { gather(values.data(), MPI_INT); }
  double max(double v) const {
    if (m_size > 1) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_MAX, m_comm);
    return v;
  }
  std::int64_t min(std::int64_t v) const {
    if (m_size > 1) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT64_T, MPI_MIN, m_comm);
    return v;
  }

 private:
  void gather(void* data, MPI_Datatype type) const {
    if (m_size > 1)
      MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, m_counts.data(), m_displs.data(), type,
                     m_comm);
  }
  MPI_Comm m_comm;
  int m_rank = 0, m_size = 1;
  std::vector<int> m_counts, m_displs;
  std::int64_t m_first = 0, m_last = 0;
};

/// An adaptive grid's refinement stays within `max_nodes` (0: no limit); every rank adapts
/// identically, so every rank throws the same RuntimeError, naming the options that bound it.
inline void check_adaptive_growth(std::int64_t nodes, std::int64_t max_nodes, const char* after) {
  HJB_CHECK(max_nodes <= 0 || nodes <= max_nodes, RuntimeError,
            "the adaptive grid grew to " << nodes << " nodes after a " << after << ", beyond the limit of "
                                         << max_nodes
                                         << " (--grid.max_nodes, or what --memory-per-rank allows); raise "
                                            "--grid.adaptive or lower --grid.max_level; no table is written");
}

/// The NumericalError of a non-finite update at a node (the same text on every rank).
template <class Node>
[[noreturn]] void throw_non_finite_node(const char* what, long sweep, const Node& x) {
  std::ostringstream os;
  os << "non-finite value in the " << what << " (step " << sweep << ") at node (";
  for (std::size_t k = 0; k < x.size(); ++k) os << (k ? ", " : "") << x[k];
  os << "); no table is written";
  throw NumericalError(os.str());
}

/// For each node on the upper end of a periodic axis, the node at the lower end it repeats (else -1).
template <class Grid>
std::vector<std::int64_t> periodic_partners(const Grid& grid, const std::vector<bool>& periodic) {
  std::vector<std::int64_t> partner(static_cast<std::size_t>(grid.size()), -1);
  int l[sparse::max_dimension];
  std::int64_t i[sparse::max_dimension];
  for (std::int64_t p = 0; p < grid.size(); ++p) {
    grid.level_index(p, l, i);
    bool moved = false;
    for (int k = 0; k < grid.dimension(); ++k)
      if (periodic[k] && l[k] == 0 && i[k] == 1) {
        i[k] = 0;
        moved = true;
      }
    if (moved) partner[p] = grid.find(l, i);
  }
  return partner;
}

}  // namespace hjb
