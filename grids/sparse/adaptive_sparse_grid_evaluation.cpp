// Evaluation of adaptive sparse grids: the depth-first walk over the subspaces (or, in the
// extrapolating basis, the nodes) with a basis function non-zero at the point.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "grids/sparse/adaptive_sparse_grid.hpp"

namespace hjb::sparse {

void AdaptiveSparseGrid::prepare_evaluation() const {
  if (m_children_stale) {
    // The subspace one level finer along each axis (-1: absent).
    m_children.assign(m_subspaces.size() * static_cast<std::size_t>(m_dim), -1);
    for (std::size_t a = 0; a < m_subspaces.size(); ++a) {
      std::vector<int> child = m_subspaces[a].level;
      for (int k = 0; k < m_dim; ++k) {
        ++child[k];
        if (const auto it = m_subspace_of.find(child); it != m_subspace_of.end())
          m_children[a * m_dim + k] = static_cast<std::int64_t>(it->second);
        --child[k];
      }
    }
    m_children_stale = false;
  }
  if (m_basis != Basis::extrapolating || !m_node_children_stale) return;
  // Each node enters itself into its parent's slot along every axis: the parent sits in the
  // subspace whose child along k is the node's (one lookup in that subspace, none by levels).
  m_node_children.assign(static_cast<std::size_t>(size() * m_dim * 2), -1);
  std::int64_t parent_index[max_dimension];
  for (std::size_t b = 0; b < m_subspaces.size(); ++b)
    for (int k = 0; k < m_dim; ++k) {
      const std::int64_t a = m_children[b * m_dim + k];
      if (a < 0) continue;
      const Subspace& parent = m_subspaces[b];
      auto enter = [&](std::int64_t p) {
        const std::int64_t* i = &m_index[p * m_dim];
        std::copy(i, i + m_dim, parent_index);
        parent_index[k] = 2 * (i[k] / 4) + 1;
        const std::int64_t q = parent.node_at(local_index(parent, parent_index));
        if (q >= 0)
          m_node_children[static_cast<std::size_t>((q * m_dim + k) * 2 + (i[k] > 2 * parent_index[k]))] = p;
      };
      const Subspace& s = m_subspaces[static_cast<std::size_t>(a)];
      if (!s.dense.empty())
        for (const std::int64_t p : s.dense) enter(p);
      else
        for (const auto& entry : s.node_of) enter(entry.second);
    }
  m_root = m_subspaces.empty() ? -1 : m_subspaces.front().node_at(0);
  m_node_children_stale = false;
}

double AdaptiveSparseGrid::evaluate(const std::vector<double>& surpluses, const double* x) const {
  return evaluate_with_range(surpluses, x, nullptr, nullptr);
}

double AdaptiveSparseGrid::evaluate_limited(const std::vector<double>& surpluses,
                                            const std::vector<double>& nodal, const double* x) const {
  double range[2] = {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  const double v = evaluate_with_range(surpluses, x, &nodal, range);
  return range[0] <= range[1] ? std::clamp(v, range[0], range[1]) : v;
}

double AdaptiveSparseGrid::evaluate_with_range(const std::vector<double>& surpluses, const double* x,
                                               const std::vector<double>* nodal, double* range) const {
  // Per axis and level the one function containing u (both boundary functions at level 0); then
  // per subspace with a node at u (found depth first, below) the product and one lookup per corner. Nodes
  // beyond the surplus vector (just added by refine) count as zero.
  std::int64_t cell[max_dimension][31];
  double phi[max_dimension][31];
  double u[max_dimension];
  for (int k = 0; k < m_dim; ++k) {
    u[k] = std::clamp((x[k] - m_lo[k]) / (m_hi[k] - m_lo[k]), 0.0, 1.0);
    for (int l = 1; l <= m_max_level[k]; ++l) {
      const double scaled = std::ldexp(u[k], l);
      const std::int64_t last = (std::int64_t{1} << (l - 1)) - 1;  // level >= 1: 2^(l-1) points
      const std::int64_t j = std::clamp<std::int64_t>(static_cast<std::int64_t>(0.5 * scaled), 0, last);
      const double d = scaled - static_cast<double>(2 * j + 1);
      const bool extrapolate =
          m_basis == Basis::extrapolating && l >= 2 && ((j == 0 && d < 0) || (j == last && d > 0));
      cell[k][l] = j;
      phi[k][l] = m_basis == Basis::extrapolating && l == 1 ? 1.0
                  : extrapolate                             ? 1.0 + std::abs(d)
                                                            : std::max(0.0, 1.0 - std::abs(d));
    }
  }
  prepare_evaluation();
  if (m_basis == Basis::extrapolating) return evaluate_nodes(surpluses, phi, cell, nodal, range);
  // Depth first from the coarsest subspace, refining axes in increasing order (each subspace once).
  // The subspaces with a node at x are closed under coarsening (a node's parents contain its
  // support), and so are those whose hat at x is non-zero: a subspace without a node there, or
  // with a zero hat, ends its branch.
  double sum = 0.0;
  // At most max_dimension unvisited siblings per depth, depth at most 31 levels per axis.
  constexpr int stack_size = 31 * max_dimension * max_dimension + 1;
  std::int64_t stack_subspace[stack_size];
  int stack_axis[stack_size], top = 0;
  if (!m_subspaces.empty()) {
    stack_subspace[0] = 0;
    stack_axis[0] = 0;
    top = 1;
  }
  while (top > 0) {
    --top;
    const std::int64_t a = stack_subspace[top];
    const int first_axis = stack_axis[top];
    const Subspace& s = m_subspaces[static_cast<std::size_t>(a)];
    const std::vector<int>& key = s.level;
    double weight = 1.0;
    std::int64_t base = 0, stride = 1;
    int boundary_axes[max_dimension], z = 0;
    std::int64_t boundary_stride[max_dimension];
    for (int k = 0; k < m_dim; ++k) {
      const int l = key[k];
      if (l == 0) {
        boundary_axes[z] = k;
        boundary_stride[z++] = stride;
      } else {
        weight *= phi[k][l];
        base += cell[k][l] * stride;
      }
      stride *= s.extent[k];
    }
    if (weight == 0.0) continue;
    bool present = false;
    for (int bits = 0; bits < (1 << z); ++bits) {
      std::int64_t local = base;
      double w = weight;
      for (int b = 0; b < z; ++b) {
        const bool upper = (bits >> b) & 1;
        local += upper ? boundary_stride[b] : 0;
        w *= upper ? u[boundary_axes[b]] : 1.0 - u[boundary_axes[b]];
      }
      const std::int64_t node = s.node_at(local);
      present = present || node >= 0;
      if (node >= 0 && node < static_cast<std::int64_t>(surpluses.size()))
        sum += w * surpluses[static_cast<std::size_t>(node)];
      if (nodal && w != 0.0 && node >= 0 && node < static_cast<std::int64_t>(nodal->size())) {
        range[0] = std::min(range[0], (*nodal)[static_cast<std::size_t>(node)]);
        range[1] = std::max(range[1], (*nodal)[static_cast<std::size_t>(node)]);
      }
    }
    if (!present) continue;
    for (int k = m_dim - 1; k >= first_axis; --k) {
      const std::int64_t child = m_children[static_cast<std::size_t>(a) * m_dim + k];
      if (child < 0) continue;
      stack_subspace[top] = child;
      stack_axis[top++] = k;
    }
  }
  return sum;
}

double AdaptiveSparseGrid::evaluate_nodes(const std::vector<double>& surpluses, const double (*phi)[31],
                                          const std::int64_t (*cell)[31], const std::vector<double>* nodal,
                                          double* range) const {
  // The walk of evaluate_with_range, node by node: the node at x one level finer along axis k is the
  // child of the node at x on the side of x (the cells nest: the finer cell's parity is the side).
  // Same nodes, same order, same products: the same sum to the bit.
  double sum = 0.0;
  constexpr int stack_size = 31 * max_dimension * max_dimension + 1;
  std::int64_t stack_node[stack_size];
  int stack_axis[stack_size], top = 0;
  if (m_root >= 0) {
    stack_node[0] = m_root;
    stack_axis[0] = 0;
    top = 1;
  }
  const auto n_surplus = static_cast<std::int64_t>(surpluses.size());
  const std::int64_t n_nodal = nodal ? static_cast<std::int64_t>(nodal->size()) : 0;
  while (top > 0) {
    --top;
    const std::int64_t p = stack_node[top];
    const int first_axis = stack_axis[top];
    const int* l = &m_level[p * m_dim];
    double weight = 1.0;
    for (int k = 0; k < m_dim; ++k) weight *= phi[k][l[k]];
    if (weight == 0.0) continue;
    if (p < n_surplus) sum += weight * surpluses[static_cast<std::size_t>(p)];
    if (p < n_nodal) {
      range[0] = std::min(range[0], (*nodal)[static_cast<std::size_t>(p)]);
      range[1] = std::max(range[1], (*nodal)[static_cast<std::size_t>(p)]);
    }
    const std::int64_t* children = &m_node_children[static_cast<std::size_t>(p * m_dim * 2)];
    for (int k = m_dim - 1; k >= first_axis; --k) {
      if (l[k] >= m_max_level[k]) continue;
      const std::int64_t child = children[2 * k + (cell[k][l[k] + 1] & 1)];
      if (child < 0) continue;
      stack_node[top] = child;
      stack_axis[top++] = k;
    }
  }
  return sum;
}

}  // namespace hjb::sparse
