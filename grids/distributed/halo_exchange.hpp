// Ghost (halo) exchange for a TensorGrid: a padded local copy of the owned block, filled from
// neighbouring ranks through one VecScatter built from the exact set of off-block nodes needed.
#pragma once
#include <petscis.h>
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "grids/distributed/tensor_grid.hpp"
#include "support/petsc/profiling.hpp"

namespace hjb {

/// Which halo nodes are needed: `faces` serves dimension-by-dimension finite differences (a node
/// outside the owned block along exactly one axis); `full` adds edges and corners (interpolation).
enum class HaloShape { faces, full };

/// How ghost values beyond a non-periodic domain boundary are made.
enum class BoundaryCondition {
  extrapolate,                 ///< linear extrapolation with the slope at the end
  extrapolate_away_from_zero,  ///< same magnitude of slope, sign chosen to move away from zero
  reflect,                     ///< every ghost equals the boundary node (a move out stays: zero slope)
};

template <int D>
class HaloExchange {
 public:
  /// Collective. Builds the scatter for halo width `width` around this rank's block.
  HaloExchange(const TensorGrid<D>& grid, int width, HaloShape shape)
      : m_grid(grid), m_width(width), m_shape(shape) {
    m_padded_count = 1;
    for (int a = D - 1; a >= 0; --a) {
      m_padded_extent[a] = grid.owned_extent()[a] + 2 * width;
      m_stride[a] = m_padded_count;
      m_padded_count *= m_padded_extent[a];
    }
    std::vector<PetscInt> from;
    for (std::int64_t k = 0; k < m_padded_count; ++k) {
      std::int64_t rest = k;
      Index<D> g;
      int outside_block = 0;
      bool inside_domain = true;
      for (int a = D - 1; a >= 0; --a) {
        const std::int64_t local = rest % m_padded_extent[a] - width;
        rest /= m_padded_extent[a];
        if (local < 0 || local >= grid.owned_extent()[a]) ++outside_block;
        std::int64_t gi = grid.owned_start()[a] + local;
        const std::int64_t n = grid.axis(a).n;
        if (grid.axis(a).periodic) {
          gi = ((gi % n) + n) % n;
        } else if (gi < 0 || gi >= n) {
          inside_domain = false;
        }
        g[a] = gi;
      }
      if (outside_block == 0) {
        if (k % m_padded_extent[D - 1] == width) m_row_starts.push_back(k);
        continue;
      }
      if (!inside_domain || (shape == HaloShape::faces && outside_block > 1)) continue;
      m_halo_positions.push_back(k);
      from.push_back(grid.petsc_index(g));
    }
    const OwnedVec global = grid.create_vector();
    HJB_PETSC(VecCreateSeq(PETSC_COMM_SELF, static_cast<PetscInt>(from.size()), m_halo_values.out()));
    OwnedIs is;
    HJB_PETSC(ISCreateGeneral(PETSC_COMM_SELF, static_cast<PetscInt>(from.size()), from.data(),
                              PETSC_COPY_VALUES, is.out()));
    HJB_PETSC(VecScatterCreate(global, is, m_halo_values, nullptr, m_scatter.out()));
  }
  HaloExchange(const HaloExchange&) = delete;
  HaloExchange& operator=(const HaloExchange&) = delete;

  int width() const { return m_width; }
  std::int64_t padded_count() const { return m_padded_count; }
  const Index<D>& padded_extent() const { return m_padded_extent; }
  /// Element stride of each axis in the padded array.
  const Index<D>& stride() const { return m_stride; }
  /// Offset in the padded array of the first owned node.
  std::int64_t interior_offset() const {
    std::int64_t o = 0;
    for (int a = 0; a < D; ++a) o += m_width * m_stride[a];
    return o;
  }
  std::size_t halo_count() const { return m_halo_positions.size(); }

  /// Collective. Copies the owned values of `v` into `padded` and fills the halo from other ranks
  /// (periodic wrap included). Positions beyond a non-periodic boundary are left untouched; see
  /// fill_boundary.
  void exchange(Vec v, double* padded) const {
    const ScopedLogEvent timed(log_events().halo_exchange);
    HJB_PETSC(VecScatterBegin(m_scatter, v, m_halo_values, INSERT_VALUES, SCATTER_FORWARD));
    const PetscScalar* owned;
    HJB_PETSC(VecGetArrayRead(v, &owned));
    copy_owned(owned, padded);
    HJB_PETSC(VecRestoreArrayRead(v, &owned));
    HJB_PETSC(VecScatterEnd(m_scatter, v, m_halo_values, INSERT_VALUES, SCATTER_FORWARD));
    const PetscScalar* halo;
    HJB_PETSC(VecGetArrayRead(m_halo_values, &halo));
    for (std::size_t i = 0; i < m_halo_positions.size(); ++i) padded[m_halo_positions[i]] = halo[i];
    HJB_PETSC(VecRestoreArrayRead(m_halo_values, &halo));
  }

  /// Copies owned values (row-major over the block) into the interior of the padded array.
  void copy_owned(const double* owned, double* padded) const {
    const std::int64_t row = m_grid.owned_extent()[D - 1];
    for (std::size_t r = 0; r < m_row_starts.size(); ++r)
      std::copy(owned + r * row, owned + (r + 1) * row, padded + m_row_starts[r]);
  }

  /// Fills the ghosts beyond non-periodic domain boundaries (pointwise, no communication).
  /// Ghost k cells outside uses the two nodes next to the boundary: v_b + k s, where s = v_b - v_in
  /// (extrapolate), s = sign(v_b) |v_b - v_in| (away from zero, as hj_reachability does) or s = 0
  /// (reflect). `faces`: the face ghosts; `full`: also the edges and corners, axis after axis over
  /// the whole padded range of the other axes (a corner beyond two boundaries extrapolates the
  /// ghosts the earlier axis made; those beside another rank's block use the exchanged values).
  void fill_boundary(double* padded, BoundaryCondition bc) const {
    const bool full = m_shape == HaloShape::full;
    for (int a = 0; a < D; ++a) {
      if (m_grid.axis(a).periodic) continue;
      const bool at_lo = m_grid.owned_start()[a] == 0;
      const bool at_hi = m_grid.owned_start()[a] + m_grid.owned_extent()[a] == m_grid.axis(a).n;
      if (!at_lo && !at_hi) continue;
      // Loop over the face: the owned (faces) or padded (full) positions of the other axes.
      const auto range = [&](int b) { return full ? m_padded_extent[b] : m_grid.owned_extent()[b]; };
      const int shift = full ? 0 : m_width;
      std::int64_t face = 1;
      for (int b = 0; b < D; ++b)
        if (b != a) face *= range(b);
      for (std::int64_t f = 0; f < face; ++f) {
        std::int64_t rest = f, base = 0;
        for (int b = D - 1; b >= 0; --b) {
          if (b == a) continue;
          base += (rest % range(b) + shift) * m_stride[b];
          rest /= range(b);
        }
        const std::int64_t s = m_stride[a];
        if (at_lo) {
          const std::int64_t b0 = base + m_width * s;
          const double vb = padded[b0], slope = boundary_slope(vb, padded[b0 + s], bc);
          for (int k = 1; k <= m_width; ++k) padded[b0 - k * s] = vb + k * slope;
        }
        if (at_hi) {
          const std::int64_t b0 = base + (m_width + m_grid.owned_extent()[a] - 1) * s;
          const double vb = padded[b0], slope = boundary_slope(vb, padded[b0 - s], bc);
          for (int k = 1; k <= m_width; ++k) padded[b0 + k * s] = vb + k * slope;
        }
      }
    }
  }

 private:
  static double boundary_slope(double boundary, double inner, BoundaryCondition bc) {
    if (bc == BoundaryCondition::extrapolate) return boundary - inner;
    if (bc == BoundaryCondition::reflect) return 0.0;
    const double sign = (boundary > 0.0) - (boundary < 0.0);
    return sign * std::abs(boundary - inner);
  }

  const TensorGrid<D>& m_grid;
  int m_width;
  HaloShape m_shape;
  Index<D> m_padded_extent{}, m_stride{};
  std::int64_t m_padded_count = 0;
  std::vector<std::int64_t> m_row_starts, m_halo_positions;  ///< padded offsets
  OwnedVec m_halo_values;
  OwnedScatter m_scatter;
};

/// Calls f(owned index l, coordinates x, owned multi-index i, offset p in the padded array) for
/// every node of this rank's block, in the owned (row-major, last axis fastest) order. The global
/// multi-index is grid.owned_start() + i.
template <int D, class F>
void for_each_owned_node(const TensorGrid<D>& grid, const HaloExchange<D>& halo, F&& f) {
  const auto& extent = grid.owned_extent();
  Index<D> i{};
  for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
    std::array<double, D> x;
    std::int64_t p = 0;
    for (int a = 0; a < D; ++a) {
      x[a] = grid.axis(a).coordinate(grid.owned_start()[a] + i[a]);
      p += (i[a] + halo.width()) * halo.stride()[a];
    }
    f(l, x, i, p);
    for (int a = D - 1; a >= 0; --a) {
      if (++i[a] < extent[a]) break;
      i[a] = 0;
    }
  }
}

}  // namespace hjb
