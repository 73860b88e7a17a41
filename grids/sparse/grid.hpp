// The one interface of a sparse grid, regular or adaptive (as Tasmanian has one grid object): what
// readers, tables and tools need — nodes, their levels and indices, (de)hierarchisation and
// evaluation of the piecewise-linear interpolant. SparseGrid (regular, per-axis capped) and
// AdaptiveSparseGrid (any node set closed under hierarchical parents) implement it; the solvers,
// which know which one they run on, call the concrete (final) classes without virtual dispatch.
#pragma once
#include <cstdint>
#include <vector>

namespace hjb::sparse {

/// Bases of the piecewise-linear hierarchical interpolant: nodes on the boundary, or
/// boundary-free with linear extrapolation towards it (far fewer nodes in high dimension).
enum class Basis { boundary, extrapolating };

class Grid {
 public:
  virtual ~Grid() = default;
  virtual int dimension() const = 0;
  virtual Basis basis() const = 0;
  /// Number of nodes.
  virtual std::int64_t size() const = 0;
  virtual const std::vector<double>& lo() const = 0;
  virtual const std::vector<double>& hi() const = 0;
  /// The deepest level along axis k (its finest spacing is (hi - lo) 2^-level).
  virtual int max_level(int k) const = 0;
  /// Coordinates of node p (in the box).
  virtual void coordinates(std::int64_t p, double* x) const = 0;
  /// Level and index of node p along each axis.
  virtual void level_index(std::int64_t p, int* l, std::int64_t* i) const = 0;
  /// Position of the node with these per-axis levels and indices, or -1 when it is not a node.
  virtual std::int64_t find(const int* l, const std::int64_t* i) const = 0;
  /// Nodal values -> hierarchical surpluses, in place. Not collective.
  virtual void hierarchize(std::vector<double>& values) const = 0;
  /// Hierarchical surpluses -> nodal values, in place.
  virtual void dehierarchize(std::vector<double>& values) const = 0;
  /// The interpolant with these surpluses at a point of the box (clamped into it).
  virtual double evaluate(const std::vector<double>& surpluses, const double* x) const = 0;

 protected:
  Grid() = default;
  Grid(const Grid&) = default;
  Grid& operator=(const Grid&) = default;
};

}  // namespace hjb::sparse
