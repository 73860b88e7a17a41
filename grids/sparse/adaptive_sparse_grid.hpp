// Spatially adaptive sparse grids (Pflueger 2010, ch. 3; Bokanowski et al. 2013, sec. 3): any set
// of hierarchical nodes that holds every node's hierarchical parents along every axis, in the
// piecewise-linear bases of SparseGrid (boundary or extrapolating). Refinement adds the children of
// nodes whose hierarchical surplus is large (and the missing parents of every new node, so the set
// stays closed and hierarchisation axis by axis stays exact); coarsening removes leaves whose
// surplus is small. Starts from a regular SparseGrid. No MPI, no PETSc.
//
// Storage: nodes in insertion order (a value vector follows it); a subspace (multi-level) maps the
// local index of each of its present points to the node (a hash map, or a plain array once every
// point of the subspace is present), so find() is one lookup per subspace; the subspaces sit in a
// flat array in the order of their levels. Evaluation walks the subspaces with a node at the point
// (one lookup each), in the extrapolating basis the nodes themselves (per node and axis the two
// children, 16 bytes per node and axis, built on the first evaluation after the nodes changed).
#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <unordered_map>
#include <vector>

#include "grids/sparse/sparse_grid.hpp"

namespace hjb::sparse {

class AdaptiveSparseGrid final : public Grid {
 public:
  /// The nodes of a regular grid (in its order).
  explicit AdaptiveSparseGrid(const SparseGrid& regular);
  /// The nodes given by their levels and indices (size x dim each, in this order), e.g. from a
  /// table; nodes of the regular grid of `base_level` are never coarsened. Throws
  /// std::invalid_argument when the set is not closed under hierarchical parents or repeats a node.
  AdaptiveSparseGrid(int dim, int base_level, std::vector<double> lo, std::vector<double> hi, Basis basis,
                     const std::vector<int>& levels, const std::vector<std::int64_t>& indices);
  /// The nodes given by their levels and indices (e.g. from a checkpoint) on the box and basis of
  /// `regular`, whose nodes (any per-axis caps) are the ones never coarsened. Throws as above.
  AdaptiveSparseGrid(const SparseGrid& regular, const std::vector<int>& levels,
                     const std::vector<std::int64_t>& indices);

  int dimension() const override { return m_dim; }
  Basis basis() const override { return m_basis; }
  std::int64_t size() const override { return static_cast<std::int64_t>(m_level.size() / m_dim); }
  const std::vector<double>& lo() const override { return m_lo; }
  const std::vector<double>& hi() const override { return m_hi; }
  /// The deepest level present along axis k (its finest spacing is (hi - lo) 2^-level).
  int max_level(int k) const override { return m_max_level[k]; }
  /// The level of the regular grid it started from.
  int base_level() const { return m_base_level; }
  /// About what the grid itself holds per node in `dim` dimensions (levels, indices, the subspace
  /// index's entry, the evaluation's links), for memory limits.
  static double bytes_per_node(int dim) { return 28.0 * dim + 49.0; }

  void coordinates(std::int64_t p, double* x) const override;
  void level_index(std::int64_t p, int* l, std::int64_t* i) const override;
  std::int64_t find(const int* l, const std::int64_t* i) const override;

  void hierarchize(std::vector<double>& values) const override;
  void dehierarchize(std::vector<double>& values) const override;
  double evaluate(const std::vector<double>& surpluses, const double* x) const override;
  /// The interpolant clamped to the range of the nodal values of the nodes whose basis function is
  /// non-zero at x (as SparseGrid::evaluate_limited: no new extrema between the nodes).
  double evaluate_limited(const std::vector<double>& surpluses, const std::vector<double>& nodal,
                          const double* x) const;
  /// Builds the subspace index evaluate() uses (evaluate builds it when the subspaces changed).
  /// After this call, concurrent evaluate() calls on an unchanged grid only read: readers that share
  /// one grid between threads (the Python module) call it once after construction.
  void prepare_evaluation() const;

  /// Adds the children (along every axis) of every node with |surplus| > threshold whose level
  /// along that axis is below max_level, and the missing hierarchical parents of every new node.
  /// `values` (nodal, in the node order) are extended by interpolating `surpluses` at the new
  /// nodes (limited: clamped as evaluate_limited clamps, to the range of the nodal values around
  /// them). Returns the number of nodes added.
  std::int64_t refine(const std::vector<double>& surpluses, std::vector<double>& values, double threshold,
                      int max_level, bool limited = false);
  /// Removes leaves (no child present along any axis) outside the starting regular grid whose
  /// |surplus| < threshold, in one pass; `values` follow. A leaf refine(..., refine_threshold, ...)
  /// would add again — one of its hierarchical parents has |surplus| > refine_threshold — stays
  /// (without it, a grid adapted after every step would drop and re-add the same children in turn).
  /// Returns the number removed.
  std::int64_t coarsen(std::vector<double>& surpluses, std::vector<double>& values, double threshold,
                       double refine_threshold = std::numeric_limits<double>::infinity());
  /// One adaptation after a step or stage has computed `values`: coarsen leaves with |surplus| <
  /// coarsen_threshold (keeping those the refinement would add again), then refine nodes with
  /// |surplus| > threshold up to max_level. In this order because new nodes carry the interpolant's
  /// value (limited: clamped) and so a surplus of 0 until the next step computes them: coarsening
  /// after refining would remove them at once. `surpluses` (of the kept nodes) and `values` follow
  /// the node set. Returns whether the grid changed.
  bool adapt(std::vector<double>& surpluses, std::vector<double>& values, double threshold,
             double coarsen_threshold, int max_level, bool limited = false);

 private:
  struct Subspace {
    std::vector<int> level;
    std::unordered_map<std::int64_t, std::int64_t> node_of;  ///< local index -> node
    std::vector<std::int64_t> extent;                        ///< points per axis
    std::int64_t total = 1;                                  ///< points of the full subspace
    /// local index -> node, filled once every point is present (then used instead of node_of)
    std::vector<std::int64_t> dense;
    std::int64_t node_at(std::int64_t local) const {
      if (!dense.empty()) return dense[static_cast<std::size_t>(local)];
      const auto it = node_of.find(local);
      return it == node_of.end() ? -1 : it->second;
    }
  };
  std::int64_t local_index(const Subspace& s, const std::int64_t* i) const;
  /// Adds a node (and, recursively, its missing parents unless told not to); returns its position.
  std::int64_t insert(const int* l, const std::int64_t* i, bool with_parents = true);
  /// Calls visit(pl, pi) for each hierarchical parent of node (l, i) along every axis; stops and
  /// returns false as soon as visit returns false.
  template <class Visit>
  bool for_each_parent(const int* l, const std::int64_t* i, Visit&& visit) const;
  /// Whether the hierarchical parents of node (l, i) along every axis are present.
  bool parents_present(const int* l, const std::int64_t* i) const;
  /// Enters node p (already in m_level / m_index) into its subspace's index.
  void index_node(std::int64_t p);
  void rebuild_index();
  void transform_axis(std::vector<double>& values, int axis, double sign) const;
  /// evaluate(); with `nodal`, also the range [range[0], range[1]] of the nodal values of the nodes
  /// whose basis function is non-zero at x.
  double evaluate_with_range(const std::vector<double>& surpluses, const double* x,
                             const std::vector<double>* nodal, double* range) const;
  /// The same for the extrapolating basis (no level 0): the depth-first walk over the nodes at x.
  double evaluate_nodes(const std::vector<double>& surpluses, const double (*phi)[31],
                        const std::int64_t (*cell)[31], const std::vector<double>* nodal,
                        double* range) const;

  int m_dim, m_base_level, m_first_level;
  Basis m_basis;
  std::vector<double> m_lo, m_hi;
  std::vector<int> m_level;                               ///< size() x dim
  std::vector<std::int64_t> m_index;                      ///< size() x dim
  std::vector<char> m_base;                               ///< node of the starting regular grid
  std::vector<Subspace> m_subspaces;                      ///< in the order of their levels (lexicographic)
  std::map<std::vector<int>, std::size_t> m_subspace_of;  ///< levels -> position in m_subspaces
  /// Per subspace and axis, the position of the subspace one level finer along it (-1: absent);
  /// rebuilt by prepare_evaluation() (called by evaluate()) after the set of subspaces changed.
  mutable std::vector<std::int64_t> m_children;
  mutable bool m_children_stale = true;
  /// Extrapolating basis: per node, axis and side, the hierarchical child along that axis (left at
  /// 2k, right at 2k + 1; -1: absent), so evaluation walks from node to node without a lookup per
  /// subspace. Rebuilt by prepare_evaluation() after any node was added or removed.
  mutable std::vector<std::int64_t> m_node_children;
  mutable bool m_node_children_stale = true;
  mutable std::int64_t m_root = -1;  ///< extrapolating basis: the node of level 1 along every axis
  std::vector<int> m_max_level;
};

}  // namespace hjb::sparse
