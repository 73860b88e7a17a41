// Distributed N-D tensor grid: uniform axes, Cartesian block partition over all axes, owned
// values in a PETSc Vec (block-contiguous, row-major inside a block), global natural indexing.
#pragma once
#include <mpi.h>
#include <petscvec.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "grids/axis.hpp"
#include "grids/distributed/partition.hpp"
#include "grids/index.hpp"
#include "support/petsc/petsc_check.hpp"
#include "support/petsc/petsc_owner.hpp"

namespace hjb {

template <int D>
class TensorGrid {
 public:
  /// Collective over comm. Validates the axes and partitions them over the ranks of comm.
  TensorGrid(MPI_Comm comm, const std::array<Axis, D>& axes) : m_comm(comm), m_axes(axes) {
    MPI_Comm_rank(comm, &m_rank);
    MPI_Comm_size(comm, &m_size);
    std::vector<std::int64_t> shape(D);
    m_global_count = 1;
    for (int a = 0; a < D; ++a) {
      const Axis& ax = axes[a];
      HJB_CHECK(
          ax.n >= (ax.periodic ? 1 : 2), ValidationError,
          "axis '" << ax.name << "' needs at least " << (ax.periodic ? 1 : 2) << " nodes, got " << ax.n);
      HJB_CHECK(ax.hi > ax.lo, ValidationError,
                "axis '" << ax.name << "': upper bound " << ax.hi << " must exceed lower bound " << ax.lo);
      shape[a] = ax.n;
      HJB_CHECK(m_global_count <= std::numeric_limits<std::int64_t>::max() / ax.n, ValidationError,
                "grid size overflows 64-bit indices");
      m_global_count *= ax.n;
    }
    HJB_CHECK(
        m_global_count <= static_cast<std::int64_t>(std::numeric_limits<PetscInt>::max()), ValidationError,
        "the grid has " << m_global_count << " nodes, more than this PETSc build's " << sizeof(PetscInt) * 8
                        << "-bit indices allow; build hjbench against PETSc with 64-bit indices: "
                           "cmake --preset petsc64, i.e. -DHJB_PETSC_64BIT_INDICES=ON "
                           "(Debian package libpetsc64-real-dev)");
    const auto dims = process_dimensions(m_size, shape);
    for (int a = 0; a < D; ++a) m_split[a] = BalancedSplit{axes[a].n, dims[a]};
    // Block coordinates of every rank (row-major over the process grid) and PETSc offsets.
    m_rank_offset.assign(m_size + 1, 0);
    for (int r = 0; r < m_size; ++r) {
      const auto bc = block_coordinates(r);
      std::int64_t count = 1;
      for (int a = 0; a < D; ++a) count *= m_split[a].extent(bc[a]);
      m_rank_offset[r + 1] = m_rank_offset[r] + count;
    }
    const auto mine = block_coordinates(m_rank);
    m_owned_count = 1;
    for (int a = 0; a < D; ++a) {
      m_start[a] = m_split[a].start(mine[a]);
      m_extent[a] = m_split[a].extent(mine[a]);
      m_owned_count *= m_extent[a];
    }
  }

  MPI_Comm comm() const { return m_comm; }
  int rank() const { return m_rank; }
  int size() const { return m_size; }
  const std::array<Axis, D>& axes() const { return m_axes; }
  const Axis& axis(int a) const { return m_axes[a]; }
  std::int64_t global_count() const { return m_global_count; }
  std::int64_t owned_count() const { return m_owned_count; }
  /// First global index and extent of this rank's block along each axis.
  const Index<D>& owned_start() const { return m_start; }
  const Index<D>& owned_extent() const { return m_extent; }
  int process_dims(int a) const { return m_split[a].parts; }
  Index<D> shape() const {
    Index<D> s;
    for (int a = 0; a < D; ++a) s[a] = m_axes[a].n;
    return s;
  }

  /// Block coordinates of a rank in the process grid.
  std::array<int, D> block_coordinates(int r) const {
    std::array<int, D> bc{};
    for (int a = D - 1; a >= 0; --a) {
      bc[a] = r % m_split[a].parts;
      r /= m_split[a].parts;
    }
    return bc;
  }

  /// Index of a node in the distributed Vec (blocks in rank order, row-major inside a block).
  /// Pointwise: needs no communication.
  PetscInt petsc_index(const Index<D>& g) const {
    int r = 0;
    std::array<int, D> bc{};
    for (int a = 0; a < D; ++a) {
      bc[a] = m_split[a].owner(g[a]);
      r = r * m_split[a].parts + bc[a];
    }
    std::int64_t local = 0;
    for (int a = 0; a < D; ++a) local = local * m_split[a].extent(bc[a]) + (g[a] - m_split[a].start(bc[a]));
    return static_cast<PetscInt>(m_rank_offset[r] + local);
  }

  /// Row-major index over the whole grid (the order of the HDF5 table).
  std::int64_t natural_index(const Index<D>& g) const {
    std::int64_t k = 0;
    for (int a = 0; a < D; ++a) k = k * m_axes[a].n + g[a];
    return k;
  }
  Index<D> from_natural_index(std::int64_t k) const {
    Index<D> g;
    for (int a = D - 1; a >= 0; --a) {
      g[a] = k % m_axes[a].n;
      k /= m_axes[a].n;
    }
    return g;
  }

  /// Global multi-index of the l-th owned node.
  Index<D> owned_node(std::int64_t l) const {
    Index<D> g;
    for (int a = D - 1; a >= 0; --a) {
      g[a] = m_start[a] + l % m_extent[a];
      l /= m_extent[a];
    }
    return g;
  }

  /// The row-major position in this rank's block (as owned_node numbers it) of the cell whose lower
  /// corner is g, when all its 2^D corners g + {0, 1}^D lie in the block without a periodic wrap;
  /// -1 otherwise (a corner on another rank, beyond the last node, or across a periodic seam).
  /// The corner g + e_a then sits `stride` positions further, stride_a the product of the block's
  /// extents after a. Pointwise.
  std::int64_t owned_cell_position(const Index<D>& g) const {
    std::int64_t local = 0;
    for (int a = 0; a < D; ++a) {
      const std::int64_t i = g[a] - m_start[a];
      if (i < 0 || i + 1 >= m_extent[a]) return -1;
      local = local * m_extent[a] + i;
    }
    return local;
  }

  std::array<double, D> coordinates(const Index<D>& g) const {
    std::array<double, D> x;
    for (int a = 0; a < D; ++a) x[a] = m_axes[a].coordinate(g[a]);
    return x;
  }

  /// A new distributed vector with this grid's layout, destroyed with its owner. Collective.
  OwnedVec create_vector() const {
    OwnedVec v;
    HJB_PETSC(VecCreateMPI(m_comm, static_cast<PetscInt>(m_owned_count),
                           static_cast<PetscInt>(m_global_count), v.out()));
    return v;
  }

 private:
  MPI_Comm m_comm;
  std::array<Axis, D> m_axes;
  int m_rank = 0, m_size = 1;
  std::array<BalancedSplit, D> m_split{};
  std::vector<std::int64_t> m_rank_offset;
  Index<D> m_start{}, m_extent{};
  std::int64_t m_owned_count = 0, m_global_count = 0;
};

}  // namespace hjb
