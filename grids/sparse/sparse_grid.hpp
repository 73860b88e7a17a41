// Regular sparse grids with boundary in d = 1..10 dimensions and the piecewise-linear hierarchical
// basis (Bungartz & Griebel 2004): the grid, hierarchisation and dehierarchisation in place, and
// evaluation of the interpolant at arbitrary points. No MPI, no PETSc.
//
// One axis, scaled to [0, 1]: level 0 holds the two boundary nodes x = 0 and x = 1 (basis 1 - x and
// x); level l >= 1 holds the odd indices i = 1, 3, ..., 2^l - 1 at x = i 2^-l with the hat
// phi_{l,i}(x) = max(0, 1 - |2^l x - i|). A multi-level l = (l_1, ..., l_d) spans the tensor-product
// subspace W_l; the sparse grid of level n is the sum of the W_l with
//     l_1 + ... + l_d <= n   and   l_k <= cap_k   (cap_k = n: the regular grid; smaller: anisotropic),
// so every subspace's hierarchical parents are in the grid (downward closed). Its interpolation
// error for functions with bounded mixed second derivatives is O(h^2 |log h|^(d-1)), h = 2^-n,
// with O(h^-1 |log h|^(d-1)) nodes instead of the full grid's O(h^-d).
//
// The extrapolating variant (Pflueger's modified linear basis; SG++ calls it "modlinear") has no
// boundary nodes: levels start at 1 (the constant function at x = 1/2), and on levels >= 2 the
// outermost functions extrapolate linearly to the boundary (phi_{l,1}(x) = max(0, 2 - 2^l x) and
// its mirror image). The level-n grid is the sum of the W_l with l_k >= 1 and sum (l_k - 1) <= n - 1:
// the same finest spacing 2^-n as the boundary grid of level n, far fewer nodes (the boundary
// grid's faces are sparse grids of their own), and exactly one non-zero basis function per
// subspace at any point (the boundary variant has 2^z, z = the subspace's level-0 axes) — which is
// what makes it the fast choice in high dimensions when the boundary values do not matter.
//
// Storage: subspaces in lexicographic order of their multi-levels, the points of a subspace
// ordered over its per-axis indices with the first axis fastest; a value vector holds nodal values
// or hierarchical surpluses in that order.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "grids/axis.hpp"
#include "grids/sparse/grid.hpp"

namespace hjb::sparse {

inline constexpr int max_dimension = 10;
using Levels = std::vector<int>;

/// Boundary nodes (hats and the level-0 boundary functions) or the boundary-free extrapolating basis.
std::string to_string(Basis b);
/// "boundary" or "extrapolating"; throws std::invalid_argument naming the value otherwise.
Basis parse_basis(const std::string& s);

/// The interpolant of the coarser levels at the node of level la >= 1 (index `centre`) along one
/// axis, from value_at(position) = the nodal value at position * 2^-la on that axis: the mean of
/// the two neighbours; for the extrapolating basis next to the boundary, the linear extrapolation
/// from the two nearest coarser nodes (or the constant of level 1 when there is only one). Shared
/// by the (de)hierarchisation of regular and adaptive grids.
template <class ValueAt>
double coarser_interpolant(Basis basis, int la, std::int64_t centre, ValueAt&& value_at) {
  const std::int64_t last = std::int64_t{1} << la;
  if (basis == Basis::boundary || (centre > 1 && centre < last - 1))
    return 0.5 * (value_at(centre - 1) + value_at(centre + 1));
  if (la == 2) return value_at(2);
  if (centre == 1) return 1.5 * value_at(2) - 0.5 * value_at(4);
  return 1.5 * value_at(last - 2) - 0.5 * value_at(last - 4);
}

/// A regular (or per-axis capped) sparse grid with boundary on the box [lo, hi].
class SparseGrid final : public Grid {
 public:
  /// Level n >= 1 in dim dimensions (1..10); caps per axis (empty: all n; at least 1 for the
  /// extrapolating basis). Throws std::invalid_argument naming the problem for a bad level, cap or
  /// size (more than 2^31 nodes).
  SparseGrid(int dim, int level, std::vector<double> lo, std::vector<double> hi, Levels caps = {},
             Basis basis = Basis::boundary);

  int dimension() const override { return m_dim; }
  int level() const { return m_level; }
  Basis basis() const override { return m_basis; }
  /// True when the grid is the full tensor grid of its caps (no level-sum constraint is active).
  bool is_full() const;
  const Levels& caps() const { return m_caps; }
  /// The deepest level along axis k (its finest spacing is (hi - lo) 2^-level).
  int max_level(int k) const override { return m_caps[k]; }
  std::int64_t size() const override { return m_size; }
  std::size_t subspace_count() const { return m_subspaces.size(); }
  const std::vector<double>& lo() const override { return m_lo; }
  const std::vector<double>& hi() const override { return m_hi; }

  /// Number of nodes of a grid of this level and caps, without building it (for plans and checks).
  static double count_nodes(int dim, int level, const Levels& caps, Basis basis = Basis::boundary);

  /// Coordinates of node p (in the box).
  void coordinates(std::int64_t p, double* x) const override;
  /// Level and index of node p along each axis.
  void level_index(std::int64_t p, int* l, std::int64_t* i) const override;
  /// Position of the node with these per-axis levels and indices, or -1 when it is not a node.
  std::int64_t find(const int* l, const std::int64_t* i) const override;

  /// Nodal values -> hierarchical surpluses, in place (dimension by dimension). Not collective.
  void hierarchize(std::vector<double>& values) const override;
  /// Hierarchical surpluses -> nodal values, in place.
  void dehierarchize(std::vector<double>& values) const override;
  /// The interpolant with these surpluses at a point of the box (clamped into it).
  double evaluate(const std::vector<double>& surpluses, const double* x) const override;
  /// The same, clamped to the range of the nodal values (`nodal`, matching `surpluses`) of the nodes
  /// whose basis functions are non-zero at x: a limited interpolant that never leaves the range of
  /// the data it combines, so a recursion through it cannot amplify the max norm (the plain sparse
  /// interpolant overshoots at jumps and kinks by up to its Lebesgue constant). With the
  /// extrapolating basis it also cuts the linear continuation beyond the outermost nodes.
  double evaluate_limited(const std::vector<double>& surpluses, const std::vector<double>& nodal,
                          const double* x) const;
  /// Evaluates at `count` points (row-major, dimension() coordinates each) into out.
  void evaluate_batch(const std::vector<double>& surpluses, const double* points, std::int64_t count,
                      double* out) const;

 private:
  // The evaluation loops, compiled per instruction set and dispatched at run time
  // (core/multiversion.hpp; free functions: GCC 12 cannot clone out-of-class member definitions).
  // With `nodal`, range[0..1] is widened to the nodal values of the nodes that contribute at x.
  friend double evaluate_boundary_basis(const SparseGrid& g, const std::vector<double>& surpluses,
                                        const double* x, const double* nodal, double* range);
  friend double evaluate_extrapolating_basis(const SparseGrid& g, const std::vector<double>& surpluses,
                                             const double* x, const double* nodal, double* range);
  struct Subspace {
    std::array<int, max_dimension> level{};
    std::array<std::int64_t, max_dimension> extent{};  ///< points per axis: 2 at level 0, 2^(l-1) else
    std::array<std::int64_t, max_dimension> stride{};  ///< strides, the first axis fastest (stride 1)
    std::array<int, max_dimension> boundary_axes{};    ///< the axes at level 0
    int boundary_count = 0;
    int depth = 0;  ///< the first axis whose level differs from the previous subspace's
    std::int64_t offset = 0, count = 0;
  };
  std::int64_t subspace_key(const int* l) const;
  double evaluate_extrapolating(const std::vector<double>& surpluses, const double* x) const;
  /// Along axis `axis`: 1-D hierarchisation (sign -1) or dehierarchisation (+1) of every pole.
  void transform_axis(std::vector<double>& values, int axis, double sign) const;

  int m_dim, m_level;
  Basis m_basis;
  int m_first_level;  ///< 0 with boundary, 1 without
  Levels m_caps;
  std::vector<double> m_lo, m_hi;
  std::vector<Subspace> m_subspaces;
  std::unordered_map<std::int64_t, int> m_subspace_of;  ///< key of a multi-level -> subspace id
  std::int64_t m_size = 0;
};

}  // namespace hjb::sparse
